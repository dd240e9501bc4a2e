package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestPreferencesSettings: the posting defaults set in
// /settings/preferences are what the composer starts with and what apps
// read in the API's preferences; a refused value or a form without the
// CSRF token changes nothing.
func TestPreferencesSettings(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		br := newBrowser(t, inst)
		br.signIn(alice)
		p := br.do(http.MethodGet, "/home", nil)
		if !strings.Contains(p.Body, `<option value="public" selected>`) || strings.Contains(p.Body, `name="sensitive" value="true" checked`) {
			t.Fatalf("composer before: %s", p.Body)
		}
		p = br.do(http.MethodGet, "/settings/preferences", nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `<option value="public" selected>`) {
			t.Fatalf("preferences page: %d %s", p.Status, p.Body)
		}
		token := p.form().Get("authenticity_token")
		send := func(f url.Values) *page { return br.do(http.MethodPost, "/settings/preferences", f) }

		if p := send(url.Values{"visibility": {"unlisted"}, "language": {"fr"}}); p.Status != http.StatusForbidden {
			t.Errorf("form without token: %d", p.Status)
		}
		p = send(url.Values{"authenticity_token": {token}, "visibility": {"private"}, "language": {"de"}, "sensitive": {"1"}})
		if p.Path != "/settings/preferences?saved=preferences" || !strings.Contains(p.Body, "Your preferences were saved.") ||
			!strings.Contains(p.Body, `<option value="private" selected>`) || !strings.Contains(p.Body, `<option value="de" selected`) {
			t.Fatalf("save: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		p = br.do(http.MethodGet, "/home", nil)
		for _, want := range []string{`<option value="private" selected>`, `name="sensitive" value="true" checked`, `name="language" type="text" size="3" maxlength="5" value="de"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("composer after saving lacks %q", want)
			}
		}
		var prefs map[string]any
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/preferences", alice.Token, nil).JSON(t, &prefs)
		if prefs["posting:default:visibility"] != "private" || prefs["posting:default:sensitive"] != true || prefs["posting:default:language"] != "de" {
			t.Errorf("API preferences: %v", prefs)
		}

		p = send(url.Values{"authenticity_token": {token}, "visibility": {"direct"}, "language": {"it"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Default privacy is not included in the list") ||
			!strings.Contains(p.Body, `<option value="it" selected`) {
			t.Errorf("refused: %d %s", p.Status, p.Body)
		}
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/preferences", alice.Token, nil).JSON(t, &prefs)
		if prefs["posting:default:visibility"] != "private" || prefs["posting:default:language"] != "de" {
			t.Errorf("a refused form changed the preferences: %v", prefs)
		}
	})
}
