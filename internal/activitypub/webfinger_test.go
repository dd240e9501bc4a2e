package activitypub_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/activitypub"
	"herd/internal/testrig"
)

func webfinger(t *testing.T, inst *testrig.Instance, resource string) *testrig.Response {
	t.Helper()
	return get(t, inst, "/.well-known/webfinger?resource="+url.QueryEscape(resource), "")
}

func TestWebFingerResolvesEveryFormOfALocalAccount(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "Alice")
		d := inst.Domain
		for _, resource := range []string{
			"acct:Alice@" + d,
			"acct:alice@" + d, // usernames are case-insensitive
			"alice@" + d,      // Mastodon accepts the address without acct:
			"acct:@alice@" + d,
			"acct:alice@" + strings.ToUpper(d),
			alice.Account.URI,
			alice.Account.URL,
		} {
			t.Run(resource, func(t *testing.T) {
				resp := webfinger(t, inst, resource)
				if resp.Status != http.StatusOK {
					t.Fatalf("status %d: %s", resp.Status, resp.Body)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/jrd+json; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				var jrd activitypub.JRD
				resp.JSON(t, &jrd)
				if jrd.Subject != "acct:Alice@"+d {
					t.Errorf("subject %q", jrd.Subject)
				}
				if !contains(jrd.Aliases, alice.Account.URI) || !contains(jrd.Aliases, alice.Account.URL) {
					t.Errorf("aliases %v", jrd.Aliases)
				}
				links := map[string]activitypub.JRDLink{}
				for _, l := range jrd.Links {
					links[l.Rel] = l
				}
				if l := links["self"]; l.Href != alice.Account.URI || l.Type != "application/activity+json" {
					t.Errorf("self link %+v", l)
				}
				if l := links["http://webfinger.net/rel/profile-page"]; l.Href != alice.Account.URL || l.Type != "text/html" {
					t.Errorf("profile-page link %+v", l)
				}
				if l := links["http://ostatus.org/schema/1.0/subscribe"]; l.Template != inst.URL+"/authorize_interaction?uri={uri}" {
					t.Errorf("subscribe link %+v", l)
				}
			})
		}
	})
}

// A remote server looks an address up, fetches the actor the self link
// names, and checks preferredUsername@host gives the address back.
func TestWebFingerRoundTripsThroughTheActor(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "bob_42")
		var jrd activitypub.JRD
		webfinger(t, inst, "acct:bob_42@"+inst.Domain).JSON(t, &jrd)
		var self string
		for _, l := range jrd.Links {
			if l.Rel == "self" {
				self = l.Href
			}
		}
		actor := fetchDoc(t, inst, self)
		host, err := url.Parse(actor.str("id"))
		if err != nil {
			t.Fatal(err)
		}
		if got := "acct:" + actor.str("preferredUsername") + "@" + host.Host; got != jrd.Subject {
			t.Fatalf("actor gives %q, WebFinger subject %q", got, jrd.Subject)
		}
		// And back: WebFinger on the actor's id names the same subject.
		var again activitypub.JRD
		webfinger(t, inst, actor.str("id")).JSON(t, &again)
		if again.Subject != jrd.Subject {
			t.Fatalf("subject by URL %q, by acct %q", again.Subject, jrd.Subject)
		}
	})
}

func TestWebFingerErrors(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "alice")
		d := inst.Domain
		for _, tc := range []struct {
			resource string
			want     int
		}{
			{"", http.StatusBadRequest},
			{"alice", http.StatusBadRequest},
			{"acct:alice", http.StatusBadRequest},
			{"acct:@" + d, http.StatusBadRequest},
			{"acct:alice@", http.StatusBadRequest},
			{"acct:alice@" + d + "@evil.example", http.StatusBadRequest},
			{"acct:nobody@" + d, http.StatusNotFound},
			{"acct:alice@other.example", http.StatusNotFound},
			{"https://other.example/users/alice", http.StatusNotFound},
			{inst.URL + "/users/nobody", http.StatusNotFound},
			{inst.URL + "/users/alice/statuses/1", http.StatusNotFound},
			{inst.URL + "/about", http.StatusNotFound},
		} {
			resp := webfinger(t, inst, tc.resource)
			if resp.Status != tc.want {
				t.Errorf("resource %q = %d, want %d (%s)", tc.resource, resp.Status, tc.want, resp.Body)
			}
		}
		if resp := get(t, inst, "/.well-known/webfinger", ""); resp.Status != http.StatusBadRequest {
			t.Errorf("no resource = %d, want 400", resp.Status)
		}
	})
}

func TestWebFingerIsOpenToOtherOrigins(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "alice")
		for _, path := range []string{
			"/.well-known/webfinger?resource=acct:alice@" + inst.Domain,
			"/.well-known/host-meta",
		} {
			if got := get(t, inst, path, "").Header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("%s: Access-Control-Allow-Origin %q, want *", path, got)
			}
		}
	})
}

func TestHostMetaPointsAtWebFinger(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		resp := get(t, inst, "/.well-known/host-meta", "")
		if resp.Status != http.StatusOK {
			t.Fatalf("status %d", resp.Status)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/xrd+xml; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		want := `<Link rel="lrdd" template="` + inst.URL + `/.well-known/webfinger?resource={uri}"/>`
		if !strings.Contains(string(resp.Body), want) {
			t.Fatalf("host-meta lacks %s:\n%s", want, resp.Body)
		}
	})
}
