package activitypub_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// The same URLs serve ActivityPub clients a document and send browsers to
// the page, whatever way the Accept header is written.
func TestContentNegotiation(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		id := post(t, inst, alice, url.Values{"status": {"hello <world>"}})
		for _, tc := range []struct {
			accept string
			ap     bool
		}{
			{"application/activity+json", true},
			{"application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"", true},
			{"application/ld+json;profile=\"https://www.w3.org/ns/activitystreams\", text/html;q=0.1", true},
			{"text/html;q=0.5, application/activity+json", true},
			{"application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\", text/html;q=0.1", true},
			{"application/json", true},
			{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
			{"text/html, application/activity+json;q=0.9", false},
			{"*/*", false},
			{"", false},
			{"application/activity+json;q=0", false},
		} {
			t.Run(tc.accept, func(t *testing.T) {
				for _, p := range []struct{ path, page string }{
					{"/users/alice", inst.URL + "/@alice"},
					{statusPath("alice", id), inst.URL + "/@alice/" + id},
				} {
					r := get(t, inst, p.path, tc.accept)
					if !strings.Contains(r.Header.Get("Vary"), "Accept") {
						t.Errorf("%s: Vary %q", p.path, r.Header.Get("Vary"))
					}
					if tc.ap {
						if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/activity+json; charset=utf-8" {
							t.Errorf("%s: %d %s, want the document", p.path, r.Status, r.Header.Get("Content-Type"))
						}
						continue
					}
					if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != p.page {
						t.Errorf("%s: %d → %q, want a redirect to %s", p.path, r.Status, r.Header.Get("Location"), p.page)
					}
				}
			})
		}
	})
}

// The profile and status page URLs serve the documents to ActivityPub
// clients (a pasted URL resolves) and a minimal escaped page to browsers.
func TestProfileURLs(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", alice.Token,
			url.Values{"display_name": {"<script>x</script>"}})
		id := post(t, inst, alice, url.Values{"status": {"hello <b>world</b>"}})
		if a := fetchDoc(t, inst, "/@alice"); a.str("id") != inst.URL+"/users/alice" {
			t.Errorf("/@alice as AP: %v", a)
		}
		if n := fetchDoc(t, inst, "/@alice/"+id); n.str("id") != inst.URL+statusPath("alice", id) {
			t.Errorf("/@alice/%s as AP: %v", id, n)
		}
		for _, path := range []string{"/@alice", "/@alice/" + id} {
			r := get(t, inst, path, "text/html")
			body := string(r.Body)
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s", path, r.Status, r.Header.Get("Content-Type"))
			}
			if strings.Contains(body, "<script>") || strings.Contains(body, "<b>world") {
				t.Errorf("%s is not escaped:\n%s", path, body)
			}
			if !strings.Contains(body, "@alice@"+inst.Domain) {
				t.Errorf("%s lacks the handle:\n%s", path, body)
			}
		}
		for _, path := range []string{"/@nobody", "/@alice@elsewhere.example", "/@alice/123/x", "/@alice/abc"} {
			if r := get(t, inst, path, "text/html"); r.Status != http.StatusNotFound {
				t.Errorf("%s = %d, want 404", path, r.Status)
			}
		}
	})
}
