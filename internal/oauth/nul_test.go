package oauth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestNULInForms: the token endpoint (form, JSON or HTTP Basic) reads its
// fields without NUL characters, on both databases. PostgreSQL refused
// such a string in a query (SQLSTATE 22021) and these requests answered
// 500 there, while SQLite looked up or stored it. (The sign-in and
// sign-up forms' are the web interface's: internal/web/nul_test.go.)
func TestNULInForms(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)

		unknown := url.Values{"grant_type": {"client_credentials"}, "client_id": {"a\x00b"}, "client_secret": {"c"}}
		if r, tok := postToken(t, inst, unknown); r.Status != http.StatusUnauthorized || tok.Error != "invalid_client" {
			t.Errorf("form token request = %d %s", r.Status, r.Body)
		}
		asJSON := map[string]string{"grant_type": "client_credentials", "client_id": "a\x00b", "client_secret": "c"}
		if r := inst.Do(t, "POST", "/oauth/token", "", asJSON); r.Status != http.StatusUnauthorized {
			t.Errorf("JSON token request = %d %s", r.Status, r.Body)
		}
		req, _ := http.NewRequest("POST", inst.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("a%00b", "c")
		if resp, err := inst.HTTP.Client().Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("HTTP Basic token request = %v, %v", resp, err)
		} else {
			resp.Body.Close()
		}
	})
}
