package activitypub_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herd/internal/testrig"
)

const (
	remoteHost = "remote.test"
	evilHost   = "evil.test"
	asPublic   = "https://www.w3.org/ns/activitystreams#Public"
)

// TestInboxRefusesBadRequests is one row per rule the inbox applies before
// storing anything: each asserts the status and that no activity was
// stored.
func TestInboxRefusesBadRequests(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		bob := n.remotes[remoteHost].person(t, "bob")
		activity := create(bob, note(bob, "http://remote.test/notes/1", "<p>hi</p>"))
		rows := []struct {
			name string
			d    delivery
			want int
		}{
			{"body over 1 MB", delivery{body: []byte(`{"type":"Create","actor":"` + bob + `","x":"` + strings.Repeat("x", 1<<20) + `"}`)}, http.StatusRequestEntityTooLarge},
			{"not an ActivityPub content type", delivery{contentType: "application/json"}, http.StatusUnsupportedMediaType},
			{"ld+json without the ActivityStreams profile", delivery{contentType: "application/ld+json"}, http.StatusUnsupportedMediaType},
			{"body not a JSON object", delivery{body: []byte(`["Create"]`)}, http.StatusBadRequest},
			{"unsigned", delivery{unsigned: true}, http.StatusUnauthorized},
			{"bad signature", delivery{tamper: true}, http.StatusUnauthorized},
			{"stale date", delivery{now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}, http.StatusUnauthorized},
			{"date from the future", delivery{now: func() time.Time { return time.Now().Add(2 * time.Hour) }}, http.StatusUnauthorized},
			{"digest mismatch", delivery{signedBody: []byte(`{"type":"Create"}`)}, http.StatusUnauthorized},
			{"key of an unknown host", delivery{keyID: "http://nowhere.test/users/x#main-key"}, http.StatusUnauthorized},
			{"inbox of no local account", delivery{path: "/users/nobody/inbox"}, http.StatusNotFound},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				if resp := n.deliver(t, activity, row.d); resp.Status != row.want {
					t.Fatalf("status %d %s, want %d", resp.Status, resp.Body, row.want)
				}
				if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'ingest'"); c != 0 {
					t.Fatalf("%d activities stored", c)
				}
			})
		}
		// The same activity, correctly signed, is taken.
		n.accept(t, activity)
		n.drain(t)
		if c := n.count(t, "SELECT COUNT(*) FROM statuses WHERE uri = $1", "http://remote.test/notes/1"); c != 1 {
			t.Fatalf("signed activity stored %d statuses", c)
		}
	})
}

// TestInboxDropsHostileActivities is one row per origin rule checked while
// processing: the inbox answers 202 (the signature is good), and the
// worker stores nothing.
func TestInboxDropsHostileActivities(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost, evilHost)
		r := n.remotes[remoteHost]
		bob, carol := r.person(t, "bob"), r.person(t, "carol")
		alice := n.inst.NewUser(t, "alice")
		aliceURI := "http://" + localDomain + "/users/alice"
		statusCount := func(uri string) int {
			return n.count(t, "SELECT COUNT(*) FROM statuses WHERE uri = $1", uri)
		}
		contentOf := func(uri string) string {
			var c string
			n.inst.Store.DB.Read.QueryRow("SELECT content FROM statuses WHERE uri = $1", uri).Scan(&c)
			return c
		}
		// carol owns one note the rows below try to take over.
		owned := "http://remote.test/notes/owned"
		n.accept(t, create(carol, note(carol, owned, "<p>written by carol</p>")))
		n.drain(t)
		if statusCount(owned) != 1 {
			t.Fatal("carol's note was not stored")
		}

		t.Run("object id host is not the actor's", func(t *testing.T) {
			n.accept(t, create(bob, note(bob, "http://evil.test/notes/1", "x")))
			n.drain(t)
			if statusCount("http://evil.test/notes/1") != 0 {
				t.Fatal("stored")
			}
		})
		t.Run("attributedTo is not the actor", func(t *testing.T) {
			n.accept(t, create(bob, note(carol, "http://remote.test/notes/2", "x")))
			n.drain(t)
			if statusCount("http://remote.test/notes/2") != 0 {
				t.Fatal("stored")
			}
		})
		t.Run("claims a local URI", func(t *testing.T) {
			local := aliceURI + "/statuses/999"
			n.accept(t, create(bob, note(bob, local, "x")))
			n.drain(t)
			if statusCount(local) != 0 {
				t.Fatal("stored")
			}
		})
		t.Run("URI owned by another author", func(t *testing.T) {
			n.accept(t, create(bob, note(bob, owned, "<p>hijacked</p>")))
			n.drain(t)
			if statusCount(owned) != 1 || !strings.Contains(contentOf(owned), "written by carol") {
				t.Fatalf("owned note now %q", contentOf(owned))
			}
		})
		t.Run("Update of a note the actor does not own", func(t *testing.T) {
			n.accept(t, act("Update", bob+"#updates/1", bob, note(bob, owned, "<p>edited by bob</p>")))
			n.drain(t)
			if !strings.Contains(contentOf(owned), "written by carol") {
				t.Fatalf("owned note now %q", contentOf(owned))
			}
		})
		t.Run("Delete of a note the actor does not own", func(t *testing.T) {
			n.accept(t, act("Delete", bob+"#deletes/1", bob, owned))
			n.drain(t)
			if statusCount(owned) != 1 {
				t.Fatal("deleted")
			}
		})
		t.Run("Delete before Create is remembered", func(t *testing.T) {
			late := "http://remote.test/notes/late"
			n.accept(t, act("Delete", bob+"#deletes/2", bob, map[string]any{"id": late, "type": "Tombstone"}))
			n.drain(t)
			n.accept(t, create(bob, note(bob, late, "late")))
			n.drain(t)
			if statusCount(late) != 0 {
				t.Fatal("late note stored")
			}
		})
		t.Run("Delete of another host's object leaves no tombstone", func(t *testing.T) {
			n.accept(t, act("Delete", bob+"#deletes/3", bob, "http://evil.test/notes/censored"))
			n.drain(t)
			if c := n.count(t, "SELECT COUNT(*) FROM tombstones WHERE uri = 'http://evil.test/notes/censored'"); c != 0 {
				t.Fatal("tombstone stored")
			}
		})
		t.Run("duplicate delivery is idempotent", func(t *testing.T) {
			dup := create(bob, note(bob, "http://remote.test/notes/dup", "dup"))
			n.accept(t, dup)
			n.accept(t, dup)
			n.drain(t)
			n.accept(t, dup)
			n.drain(t)
			if statusCount("http://remote.test/notes/dup") != 1 {
				t.Fatal("not exactly one status")
			}
			id := post(t, n.inst, alice, url.Values{"status": {"like me"}})
			like := act("Like", bob+"#likes/1", bob, aliceURI+"/statuses/"+id)
			n.accept(t, like)
			n.accept(t, like)
			n.drain(t)
			var st struct {
				FavouritesCount int `json:"favourites_count"`
			}
			n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+id, alice.Token, nil).JSON(t, &st)
			if st.FavouritesCount != 1 {
				t.Fatalf("favourites_count %d", st.FavouritesCount)
			}
			if c := n.count(t, "SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND type = 'favourite'", alice.Account.ID); c != 1 {
				t.Fatalf("%d favourite notifications", c)
			}
		})
		t.Run("script and javascript: links are sanitized", func(t *testing.T) {
			uri := "http://remote.test/notes/xss"
			n.accept(t, create(bob, note(bob, uri, `<p>hi<script>alert(1)</script><a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)></p>`)))
			n.drain(t)
			c := contentOf(uri)
			if !strings.Contains(c, "hi") || strings.Contains(c, "script") || strings.Contains(c, "javascript") || strings.Contains(c, "onerror") {
				t.Fatalf("content %q", c)
			}
		})
		t.Run("forged Accept is dropped", func(t *testing.T) {
			if _, err := n.fetcher.ResolveActor(context.Background(), bob); err != nil {
				t.Fatal(err)
			}
			ra, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), bob)
			if err != nil {
				t.Fatal(err)
			}
			n.inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+itoa(ra.ID)+"/follow", alice.Token, nil)
			follow := map[string]any{"id": aliceURI + "#follows/1", "type": "Follow", "actor": aliceURI, "object": bob}
			n.accept(t, act("Accept", carol+"#accepts/1", carol, follow))
			n.drain(t)
			if c := n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1", alice.Account.ID); c != 0 {
				t.Fatal("forged Accept made a follow")
			}
			// The followed account's own Accept is taken.
			n.accept(t, act("Accept", bob+"#accepts/1", bob, follow))
			n.drain(t)
			if c := n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1 AND target_account_id = $2", alice.Account.ID, ra.ID); c != 1 {
				t.Fatal("genuine Accept made no follow")
			}
		})
		t.Run("signer is not the actor: the object is refetched from its origin", func(t *testing.T) {
			uri := "http://remote.test/notes/forwarded"
			r.serveJSON("/notes/forwarded", note(bob, uri, "<p>from the origin</p>"))
			before := r.hitCount("/notes/forwarded")
			resp := n.deliver(t, create(bob, note(bob, uri, "<p>forged</p>")), delivery{keyID: carol + "#main-key"})
			if resp.Status != http.StatusAccepted {
				t.Fatalf("status %d", resp.Status)
			}
			n.drain(t)
			if r.hitCount("/notes/forwarded") == before {
				t.Fatal("object not refetched")
			}
			if c := contentOf(uri); !strings.Contains(c, "from the origin") {
				t.Fatalf("content %q", c)
			}
		})
		t.Run("forwarded Delete applies only when the origin says the note is gone", func(t *testing.T) {
			alive := "http://remote.test/notes/alive"
			r.serveJSON("/notes/alive", note(carol, alive, "<p>alive</p>"))
			n.accept(t, create(carol, note(carol, alive, "<p>alive</p>")))
			n.drain(t)
			resp := n.deliver(t, act("Delete", carol+"#deletes/f1", carol, alive), delivery{keyID: bob + "#main-key"})
			if resp.Status != http.StatusAccepted {
				t.Fatalf("status %d", resp.Status)
			}
			n.drain(t)
			if statusCount(alive) != 1 {
				t.Fatal("a forwarded Delete of a note its origin still serves deleted it")
			}
			r.serve("/notes/alive", answer{status: http.StatusGone})
			n.deliver(t, act("Delete", carol+"#deletes/f2", carol, alive), delivery{keyID: bob + "#main-key"})
			n.drain(t)
			if statusCount(alive) != 0 {
				t.Fatal("a forwarded Delete of a gone note left it")
			}
		})
		t.Run("Delete of an unknown actor is answered without fetching", func(t *testing.T) {
			ghost := "http://remote.test/users/ghost"
			resp := n.deliver(t, act("Delete", ghost+"#delete", ghost, ghost), delivery{unsigned: true})
			if resp.Status != http.StatusAccepted {
				t.Fatalf("status %d", resp.Status)
			}
			if r.hitCount("/users/ghost") != 0 {
				t.Fatal("fetched the deleted actor")
			}
			if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'ingest'"); c != 0 {
				t.Fatal("stored")
			}
		})
	})
}
