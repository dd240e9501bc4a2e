package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/store"
	"herd/internal/testrig"
)

func TestUpdateCredentialsRoundTrip(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		inst.NewUser(t, "bob")
		ctx := context.Background()

		name, note, locked := "Alice ✨", "Hi @bob, see https://example.com/x #herd", true
		privacy, sensitive, lang := "private", true, "de"
		got, err := inst.Client(alice.Token).AccountUpdate(ctx, &mastodon.Profile{
			DisplayName: &name, Note: &note, Locked: &locked,
			Fields: &[]mastodon.Field{{Name: "Site", Value: "https://alice.example"}, {Name: "Pronouns", Value: "she/her"}},
			Source: &mastodon.AccountSource{Privacy: &privacy, Sensitive: &sensitive, Language: &lang},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.DisplayName != name || !got.Locked {
			t.Errorf("display_name/locked = %q/%v", got.DisplayName, got.Locked)
		}
		for _, want := range []string{`<a href="https://example.com/x"`, `class="u-url mention"`, `/@bob"`, `/tags/herd"`} {
			if !strings.Contains(got.Note, want) {
				t.Errorf("note HTML %q lacks %q", got.Note, want)
			}
		}
		if len(got.Fields) != 2 || got.Fields[0].Name != "Site" || !strings.Contains(got.Fields[0].Value, `rel="me nofollow noopener"`) ||
			got.Fields[1].Value != "she/her" {
			t.Errorf("fields = %+v", got.Fields)
		}

		r := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
		apischema.MustMatch(t, "CredentialAccount", r.Body)
		var cred struct {
			Source struct {
				Privacy   string `json:"privacy"`
				Sensitive bool   `json:"sensitive"`
				Language  string `json:"language"`
				Note      string `json:"note"`
				Fields    []struct{ Name, Value string }
			} `json:"source"`
		}
		r.JSON(t, &cred)
		s := cred.Source
		if s.Privacy != "private" || !s.Sensitive || s.Language != "de" || s.Note != note ||
			len(s.Fields) != 2 || s.Fields[0].Value != "https://alice.example" {
			t.Errorf("source = %+v", s)
		}

		// JSON bodies: fields keyed by numbers order by number; booleans are JSON.
		r = inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{
			"fields_attributes": map[string]any{
				"10": map[string]any{"name": "second", "value": "2"},
				"2":  map[string]any{"name": "first", "value": "1"},
				"11": map[string]any{"name": "", "value": ""},
			},
			"bot": true, "discoverable": false, "indexable": false, "hide_collections": true,
		})
		apischema.MustMatch(t, "CredentialAccount", r.Body)
		var acct struct {
			Bot, Discoverable, Indexable, Noindex bool
			HideCollections                       bool `json:"hide_collections"`
			Fields                                []struct{ Name, Value string }
			DisplayName                           string `json:"display_name"`
		}
		r.JSON(t, &acct)
		if !acct.Bot || acct.Discoverable || acct.Indexable || !acct.Noindex || !acct.HideCollections {
			t.Errorf("flags = %+v", acct)
		}
		if len(acct.Fields) != 2 || acct.Fields[0].Name != "first" || acct.Fields[1].Name != "second" {
			t.Errorf("fields from JSON object = %+v", acct.Fields)
		}
		if acct.DisplayName != name {
			t.Errorf("display_name changed to %q by a request that did not send it", acct.DisplayName)
		}

		// A JSON array of fields, then an empty one clearing them.
		r = inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
			`{"fields_attributes": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}, {"name": "c", "value": "3"}]}`)
		r.JSON(t, &acct)
		if len(acct.Fields) != 3 || acct.Fields[2].Name != "c" {
			t.Errorf("fields from JSON array = %+v", acct.Fields)
		}
		r = inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, `{"fields_attributes": []}`)
		acct.Fields = nil
		r.JSON(t, &acct)
		if len(acct.Fields) != 0 {
			t.Errorf("empty array left fields %+v", acct.Fields)
		}

		// Rails' array-of-hashes form style, sent with PUT (also routed to update).
		r = inst.Expect(t, 200, "PUT", "/api/v1/accounts/update_credentials", alice.Token, url.Values{
			"fields_attributes[][name]": {"x", "y"}, "fields_attributes[][value]": {"1", "2"}})
		r.JSON(t, &acct)
		if len(acct.Fields) != 2 || acct.Fields[0].Name != "x" || acct.Fields[1].Value != "2" {
			t.Errorf("fields from the array form = %+v", acct.Fields)
		}

		evs, err := inst.Store.EventsAfter(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		updated := 0
		for _, e := range evs {
			if e.Kind == store.EventAccountUpdated && e.SubjectID == alice.Account.ID {
				updated++
			}
		}
		if updated != 5 {
			t.Errorf("account.updated events = %d, want 5 (one per update)", updated)
		}
	})
}

func TestUpdateCredentialsValidation(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		path := "/api/v1/accounts/update_credentials"
		fields := func(n int, name string) map[string]any {
			m := map[string]any{}
			for i := 0; i < n; i++ {
				m[itoa(int64(i))] = map[string]any{"name": name, "value": "v"}
			}
			return map[string]any{"fields_attributes": m}
		}
		for _, c := range []struct {
			body any
			msg  string
		}{
			{map[string]any{"display_name": strings.Repeat("x", 31)}, "Validation failed: Display name is too long (maximum is 30 characters)"},
			{map[string]any{"note": strings.Repeat("x", 501)}, "Validation failed: Note is too long (maximum is 500 characters)"},
			{fields(5, "n"), "Validation failed: Fields is too long (maximum is 4 characters)"},
			{fields(1, ""), "Validation failed: Fields contains values with missing labels"},
			{map[string]any{"source": map[string]any{"privacy": "direct"}}, "Validation failed: Default privacy is not included in the list"},
			{map[string]any{"display_name": "ok", "source": map[string]any{"language": "not a language"}}, "Validation failed: Default language is not included in the list"},
		} {
			r := inst.Expect(t, 422, "PATCH", path, alice.Token, c.body)
			var e struct{ Error string }
			r.JSON(t, &e)
			if e.Error != c.msg {
				t.Errorf("error = %q, want %q", e.Error, c.msg)
			}
		}
		// A note counts URLs as 23 characters, like a status.
		inst.Expect(t, 200, "PATCH", path, alice.Token, map[string]any{"note": strings.Repeat("x", 470) + " https://example.com/" + strings.Repeat("y", 100)})
		// Nothing of a refused update was written.
		r := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
		if strings.Contains(string(r.Body), `"display_name":"ok"`) {
			t.Error("a refused update changed the display name")
		}

		// A file that is not an image fails the whole update (see
		// account_images_test.go for the pictures themselves).
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("display_name", "pic")
		fw, _ := mw.CreateFormFile("avatar", "a.png")
		fw.Write([]byte("\x89PNG fake"))
		mw.Close()
		req, _ := http.NewRequest("PATCH", inst.URL+path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+alice.Token)
		resp, err := inst.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 422 {
			t.Errorf("avatar upload = %d, want 422", resp.StatusCode)
		}

		inst.Expect(t, 403, "PATCH", path, inst.Token(t, alice.Account.ID, "read"), map[string]any{"display_name": "x"})
		inst.Expect(t, 200, "PATCH", path, inst.Token(t, alice.Account.ID, "write:accounts"), map[string]any{"display_name": "x"})
		inst.Expect(t, 401, "PATCH", path, "", map[string]any{"display_name": "x"})
	})
}
