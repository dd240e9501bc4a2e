package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestNULInParams: NUL characters in a parameter, whatever its encoding
// (JSON, form), are removed, and invalid UTF-8 in a form becomes U+FFFD as
// it does in JSON, so the same text is stored on both databases.
// PostgreSQL refused such text (SQLSTATE 22021) and these requests
// answered 500 there, while SQLite stored it.
func TestNULInParams(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		fields := []map[string]string{{"name": "Pro\x00nouns", "value": "she/\x00her"}}
		rows := []struct {
			name, method, path string
			body               any
			want               map[string]string // fields of the answer
		}{
			{"status as JSON", "POST", "/api/v1/statuses", map[string]any{"status": "a\x00b", "spoiler_text": "c\x00w"},
				map[string]string{"content": "<p>ab</p>", "spoiler_text": "cw"}},
			{"status as a form", "POST", "/api/v1/statuses", url.Values{"status": {"c\x00d"}},
				map[string]string{"content": "<p>cd</p>"}},
			{"profile as JSON", "PATCH", "/api/v1/accounts/update_credentials",
				map[string]any{"display_name": "A\x00lice", "note": "n\x00b", "fields_attributes": fields},
				map[string]string{"display_name": "Alice", "note": "<p>nb</p>"}},
			{"profile as a form with invalid UTF-8", "PATCH", "/api/v1/accounts/update_credentials",
				url.Values{"display_name": {"A\xfflice\x00"}}, map[string]string{"display_name": "A\uFFFDlice"}},
			{"report", "POST", "/api/v1/reports", map[string]any{"account_id": itoa(bob.Account.ID), "comment": "sp\x00am"},
				map[string]string{"comment": "spam"}},
			{"private note", "POST", "/api/v1/accounts/" + itoa(bob.Account.ID) + "/note", map[string]any{"comment": "n\x00"},
				map[string]string{"note": "n"}},
			{"app", "POST", "/api/v1/apps", map[string]any{"client_name": "A\x00pp", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
				map[string]string{"name": "App"}},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				r := inst.Expect(t, 200, row.method, row.path, alice.Token, row.body)
				var got map[string]any
				r.JSON(t, &got)
				for k, want := range row.want {
					if got[k] != want {
						t.Errorf("%s = %q, want %q", k, got[k], want)
					}
				}
			})
		}

		// A header may carry bytes over 0x7F too.
		req, _ := http.NewRequest("POST", inst.URL+"/api/v1/statuses", strings.NewReader(`{"status":"once"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+bob.Token)
		req.Header.Set("Idempotency-Key", "key \xff")
		if resp, err := inst.HTTP.Client().Do(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("Idempotency-Key of invalid UTF-8: %v, %v", resp, err)
		} else {
			resp.Body.Close()
		}

		// What is served again is what was stored.
		var me struct {
			DisplayName string `json:"display_name"`
			Source      struct {
				Fields []struct{ Name, Value string }
			}
		}
		inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).JSON(t, &me)
		if me.DisplayName != "A\uFFFDlice" || len(me.Source.Fields) != 1 || me.Source.Fields[0].Name != "Pronouns" ||
			me.Source.Fields[0].Value != "she/her" {
			t.Errorf("verify_credentials = %q", me)
		}
		var statuses []struct{ Content string }
		inst.Expect(t, 200, "GET", "/api/v1/accounts/"+itoa(alice.Account.ID)+"/statuses", "", nil).JSON(t, &statuses)
		if len(statuses) != 2 || statuses[0].Content != "<p>cd</p>" || strings.Contains(statuses[1].Content, "\x00") {
			t.Errorf("statuses = %q", statuses)
		}
	})
}
