package server_test

import (
	"net/http"
	"strings"
	"testing"

	"herd/internal/testrig"
)

func request(t *testing.T, inst *testrig.Instance, method, path string, headers map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, inst.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestCORSPreflight(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	cases := []struct {
		path, method string
		allowed      bool
	}{
		{"/api/v1/statuses", "POST", true},
		{"/api/v1/statuses/1", "DELETE", true},
		{"/api/v1/markers", "PATCH", true},
		{"/oauth/token", "POST", true},
		{"/oauth/revoke", "POST", true},
		{"/.well-known/nodeinfo", "GET", true},
		{"/nodeinfo/2.0", "GET", true},
		{"/oauth/token", "DELETE", false},   // not a method of that resource
		{"/nodeinfo/2.0", "POST", false},    // read-only resource
		{"/oauth/authorize", "POST", false}, // the consent page stays same-origin
	}
	for _, c := range cases {
		resp := request(t, inst, "OPTIONS", c.path, map[string]string{
			"Origin": "https://app.example", "Access-Control-Request-Method": c.method,
			"Access-Control-Request-Headers": "authorization, content-type, x-custom",
		})
		got := resp.Header.Get("Access-Control-Allow-Origin") == "*"
		if got != c.allowed {
			t.Errorf("preflight %s %s: allowed %v, want %v (%v)", c.method, c.path, got, c.allowed, resp.Header)
			continue
		}
		if !c.allowed {
			continue
		}
		if resp.StatusCode != 200 {
			t.Errorf("preflight %s %s = %d", c.method, c.path, resp.StatusCode)
		}
		if h := resp.Header.Get("Access-Control-Allow-Headers"); h != "authorization, content-type, x-custom" {
			t.Errorf("preflight %s: allow-headers %q, want the requested ones", c.path, h)
		}
		if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("preflight %s allows credentials", c.path)
		}
	}
}

func TestCORSActualRequests(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	origin := map[string]string{"Origin": "https://app.example"}
	resp := request(t, inst, "GET", "/api/v1/instance", origin)
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET /api/v1/instance = %d, %v", resp.StatusCode, resp.Header)
	}
	if exp := resp.Header.Get("Access-Control-Expose-Headers"); exp == "" ||
		!containsAll(exp, "Link", "X-RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining") {
		t.Errorf("expose = %q", exp)
	}
	resp = request(t, inst, "GET", "/nodeinfo/2.1", origin)
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("nodeinfo not readable cross-origin: %v", resp.Header)
	}
	// Without an Origin (not a browser) nothing is added; other paths get nothing.
	if resp := request(t, inst, "GET", "/api/v1/instance", nil); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS headers without Origin")
	}
	if resp := request(t, inst, "GET", "/health", origin); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS headers on /health")
	}
}

func containsAll(list string, names ...string) bool {
	have := map[string]bool{}
	for _, part := range strings.Split(list, ",") {
		have[strings.TrimSpace(part)] = true
	}
	for _, n := range names {
		if !have[n] {
			return false
		}
	}
	return true
}
