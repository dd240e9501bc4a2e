package session

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestCSRFDoubleSubmit: a form passes only with the token its cookie holds
// and, when the browser names an origin, from our own; the token is made
// once per browser and kept across calls of one request.
func TestCSRFDoubleSubmit(t *testing.T) {
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/settings", nil)
	tok := CSRFToken(w, r, true)
	if again := CSRFToken(w, r, true); again != tok || len(tok) < 32 {
		t.Fatalf("token %q then %q", tok, again)
	}
	cookie := w.Result().Cookies()[0]
	if !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %+v", cookie)
	}
	post := func(token, origin string) bool {
		r := httptest.NewRequest(http.MethodPost, "/settings", strings.NewReader(url.Values{csrfField: {token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: tok})
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		return CheckCSRF(r, "https://herd.example")
	}
	for _, c := range []struct {
		token, origin string
		ok            bool
	}{
		{tok, "", true},
		{tok, "https://herd.example", true},
		{tok, "https://evil.example", false},
		{"forged", "", false},
		{"", "", false},
	} {
		if got := post(c.token, c.origin); got != c.ok {
			t.Errorf("token %.8q origin %q: %v, want %v", c.token, c.origin, got, c.ok)
		}
	}
}

// TestSessionCookie: the session secret is set HttpOnly and Lax, read
// back, and cleared.
func TestSessionCookie(t *testing.T) {
	w := httptest.NewRecorder()
	Set(w, "s3cret", false)
	c := w.Result().Cookies()[0]
	if c.Name != sessionCookie || c.Value != "s3cret" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge <= 0 {
		t.Fatalf("cookie %+v", c)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if Secret(r) != "" {
		t.Error("a browser without the cookie has a secret")
	}
	r.AddCookie(c)
	if Secret(r) != "s3cret" {
		t.Errorf("secret = %q", Secret(r))
	}
	w = httptest.NewRecorder()
	Clear(w, false)
	if c := w.Result().Cookies()[0]; c.MaxAge >= 0 || c.Value != "" {
		t.Errorf("cleared cookie %+v", c)
	}
}
