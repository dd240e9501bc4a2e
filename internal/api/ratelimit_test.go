package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"herd/internal/config"
	"herd/internal/testrig"
)

// getFrom sends GET path as if from client behind the test's loopback
// peer, which the default configuration trusts as a proxy.
func getFrom(t *testing.T, inst *testrig.Instance, path, token, client string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", inst.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if client != "" {
		req.Header.Set("X-Forwarded-For", client)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestRateLimitPerIP(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.RateLimitPerIP = 3 })
	for i := 1; i <= 3; i++ {
		resp := getFrom(t, inst, "/api/v1/instance/rules", "", "198.51.100.7")
		if resp.StatusCode != 200 {
			t.Fatalf("request %d = %d", i, resp.StatusCode)
		}
		if resp.Header.Get("X-RateLimit-Limit") != "3" || resp.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(3-i) {
			t.Errorf("request %d headers: limit %q remaining %q", i,
				resp.Header.Get("X-RateLimit-Limit"), resp.Header.Get("X-RateLimit-Remaining"))
		}
		reset, err := time.Parse(time.RFC3339, resp.Header.Get("X-RateLimit-Reset"))
		if err != nil || reset.Before(time.Now()) || reset.After(time.Now().Add(5*time.Minute)) {
			t.Errorf("X-RateLimit-Reset = %q (%v)", resp.Header.Get("X-RateLimit-Reset"), err)
		}
	}
	resp := getFrom(t, inst, "/api/v1/instance/rules", "", "198.51.100.7")
	if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("4th request = %d remaining %q, want 429", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
	// The body is Mastodon's error JSON.
	req, _ := http.NewRequest("GET", inst.URL+"/api/v1/instance/rules", nil)
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	raw, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Body.Close()
	buf := make([]byte, 100)
	n, _ := raw.Body.Read(buf)
	if string(buf[:n]) != `{"error":"Too many requests"}`+"\n" {
		t.Errorf("429 body = %s", buf[:n])
	}
	// Another client, and loopback itself, are not limited.
	if resp := getFrom(t, inst, "/api/v1/instance/rules", "", "198.51.100.8"); resp.StatusCode != 200 {
		t.Errorf("another client = %d", resp.StatusCode)
	}
	for i := 0; i < 5; i++ {
		if resp := getFrom(t, inst, "/api/v1/instance/rules", "", ""); resp.StatusCode != 200 ||
			resp.Header.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("loopback request = %d %v, want unlimited", resp.StatusCode, resp.Header)
		}
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) {
		c.RateLimitPerAccount = 2
		c.RateLimitPerIP = 100
	})
	alice := inst.NewUser(t, "alice")
	// One account from two addresses shares one budget.
	for i, ip := range []string{"198.51.100.1", "198.51.100.2"} {
		resp := getFrom(t, inst, "/api/v1/preferences", alice.Token, ip)
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Limit") != "2" {
			t.Fatalf("request %d = %d limit %q", i, resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"))
		}
	}
	if resp := getFrom(t, inst, "/api/v1/preferences", alice.Token, "198.51.100.3"); resp.StatusCode != 429 {
		t.Errorf("3rd request = %d, want 429", resp.StatusCode)
	}
	// Anonymous calls from those addresses count against the address.
	if resp := getFrom(t, inst, "/api/v1/instance", "", "198.51.100.1"); resp.StatusCode != 200 ||
		resp.Header.Get("X-RateLimit-Limit") != "100" {
		t.Errorf("anonymous = %d limit %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"))
	}
}

// TestForwardedForNeedsTrustedPeer: with no trusted proxies, a client's own
// X-Forwarded-For is ignored, so it can neither dodge its limit nor pin one
// on someone else (here the peer is loopback, which is never limited).
func TestForwardedForNeedsTrustedPeer(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) {
		c.RateLimitPerIP = 1
		c.TrustedProxies = nil
	})
	for i := 0; i < 3; i++ {
		resp := getFrom(t, inst, "/api/v1/instance/rules", "", "198.51.100.7")
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("request %d = %d limit %q: spoofed X-Forwarded-For believed", i, resp.StatusCode,
				resp.Header.Get("X-RateLimit-Limit"))
		}
	}
}

func TestRateLimitDisabled(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.RateLimitPerIP = 0 })
	for i := 0; i < 3; i++ {
		if resp := getFrom(t, inst, "/api/v1/instance/rules", "", "198.51.100.7"); resp.StatusCode != 200 ||
			resp.Header.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("request %d = %d with limit 0", i, resp.StatusCode)
		}
	}
}
