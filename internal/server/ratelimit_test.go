package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/testrig"
)

// TestCredentialAttemptsThrottled: sign-in and sign-up attempts from one
// address stop at Mastodon's 25 per 5 minutes, each counted apart.
func TestCredentialAttemptsThrottled(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.RateLimitPerIP = 1000 })
	post := func(path, client string) int {
		form := url.Values{"username": {"nobody"}, "password": {"wrong password"}}
		req, err := http.NewRequest("POST", inst.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := inst.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 1; i <= 25; i++ {
		if code := post("/auth/sign_in", "198.51.100.9"); code == 429 {
			t.Fatalf("attempt %d throttled", i)
		}
	}
	if code := post("/auth/sign_in", "198.51.100.9"); code != 429 {
		t.Errorf("26th sign-in attempt = %d, want 429", code)
	}
	if code := post("/auth/sign_in", "198.51.100.10"); code == 429 {
		t.Error("another address throttled")
	}
	if code := post("/auth/sign_up", "198.51.100.9"); code == 429 {
		t.Error("sign-up shares the sign-in count")
	}
}
