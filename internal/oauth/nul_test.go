package oauth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestNULInForms: the sign-in and sign-up forms and the token endpoint
// (form, JSON or HTTP Basic) read their fields without NUL characters, on
// both databases. PostgreSQL refused such a string in a query (SQLSTATE
// 22021) and these requests answered 500 there, while SQLite looked up or
// stored it.
func TestNULInForms(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "alice")

		b := newBrowser(t, inst)
		f := signUpForm(t, b, "carol")
		f.Set("username", "car\x00ol")
		if p := b.post("/auth/sign_up", f); p.Status != http.StatusOK || !strings.Contains(p.Body, "signed in as <strong>@carol") {
			t.Errorf("sign-up = %d %s", p.Status, p.Body)
		}

		b = newBrowser(t, inst)
		if p := b.signIn(b.get("/auth/sign_in"), "alice\x00@example.com"); p.Status != http.StatusOK ||
			!strings.Contains(p.Body, "signed in as <strong>@alice") {
			t.Errorf("sign-in = %d %s", p.Status, p.Body)
		}
		// A header may carry bytes over 0x7F: the session keeps the browser's name.
		f = hidden(b.get("/auth/sign_in").Body)
		f.Set("email", "alice@example.com")
		f.Set("password", testrig.Password())
		req, _ := http.NewRequest("POST", inst.URL+"/auth/sign_in", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", "Agent \xff")
		if p := b.do(req); p.Status != http.StatusOK {
			t.Errorf("sign-in with a User-Agent of invalid UTF-8 = %d %s", p.Status, p.Body)
		}

		unknown := url.Values{"grant_type": {"client_credentials"}, "client_id": {"a\x00b"}, "client_secret": {"c"}}
		if r, tok := postToken(t, inst, unknown); r.Status != http.StatusUnauthorized || tok.Error != "invalid_client" {
			t.Errorf("form token request = %d %s", r.Status, r.Body)
		}
		asJSON := map[string]string{"grant_type": "client_credentials", "client_id": "a\x00b", "client_secret": "c"}
		if r := inst.Do(t, "POST", "/oauth/token", "", asJSON); r.Status != http.StatusUnauthorized {
			t.Errorf("JSON token request = %d %s", r.Status, r.Body)
		}
		req, _ = http.NewRequest("POST", inst.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("a%00b", "c")
		if resp, err := inst.HTTP.Client().Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("HTTP Basic token request = %v, %v", resp, err)
		} else {
			resp.Body.Close()
		}
	})
}
