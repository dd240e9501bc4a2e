package activitypub_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"herd/internal/activitypub"
	"herd/internal/core"
	"herd/internal/httpsig"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/safehttp"
	"herd/internal/testrig"
)

func TestResolveActorStoresARemoteAccount(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newNetwork(t, db, "remote.test")
		r := n.remotes["remote.test"]
		r.publish(t, r.actorDoc(t, "bob"))
		a, err := n.fetcher.ResolveActor(context.Background(), r.url("/users/bob"))
		if err != nil {
			t.Fatal(err)
		}
		if a.Acct() != "bob@remote.test" || a.Domain != "remote.test" || a.URI != r.url("/users/bob") {
			t.Fatalf("stored %q %q %q", a.Acct(), a.Domain, a.URI)
		}
		if a.InboxURL != r.url("/users/bob/inbox") || a.SharedInboxURL != r.url("/inbox") || a.URL != r.url("/@bob") {
			t.Errorf("endpoints %q %q %q", a.InboxURL, a.SharedInboxURL, a.URL)
		}
		if !a.Locked || !a.Discoverable || a.Indexable || a.Bot || a.AvatarURL != r.url("/avatar.png") {
			t.Errorf("flags locked=%v discoverable=%v indexable=%v bot=%v avatar=%q", a.Locked, a.Discoverable, a.Indexable, a.Bot, a.AvatarURL)
		}
		if a.StatusesCount != 42 || a.FollowersCount != 3 || a.FollowingCount != 7 {
			t.Errorf("counts %d %d %d, want 42 3 7", a.StatusesCount, a.FollowersCount, a.FollowingCount)
		}
		if len(a.Fields) != 1 || a.Fields[0].Value != `<a href="https://bob.example" rel="nofollow noopener" target="_blank">bob.example</a>` {
			t.Errorf("fields %+v", a.Fields)
		}
		if !strings.Contains(a.PublicKey, "PUBLIC KEY") {
			t.Errorf("public key %q", a.PublicKey)
		}
		// Every GET was signed with the key the caller provided.
		if len(r.sigs) == 0 || !strings.Contains(r.sigs[0], `keyId="http://herd.test/actor#main-key"`) {
			t.Errorf("signatures %q", r.sigs)
		}
		// The client API shows it like any account, with its domain.
		var ent map[string]any
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+ids.Format(a.ID), "", nil).JSON(t, &ent)
		if ent["acct"] != "bob@remote.test" || ent["url"] != r.url("/@bob") || ent["note"] != "<p>Hello</p>" {
			t.Errorf("API entity acct=%v url=%v note=%v", ent["acct"], ent["url"], ent["note"])
		}
		var looked map[string]any
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=BOB@remote.test", "", nil).JSON(t, &looked)
		if looked["id"] != ids.Format(a.ID) {
			t.Errorf("lookup found %v", looked["id"])
		}
	})
}

// TestResolveActorRefusesHostileDocuments is one row per rule of the
// federation issue's hostile-input list that concerns fetched actors; each
// row asserts the error and that nothing was stored.
func TestResolveActorRefusesHostileDocuments(t *testing.T) {
	type setup func(t *testing.T, r, evil *fakeRemote) string // returns the URI to resolve
	actorWith := func(edit func(map[string]any)) setup {
		return func(t *testing.T, r, _ *fakeRemote) string {
			doc := r.actorDoc(t, "bob")
			edit(doc)
			r.publish(t, doc)
			return r.url("/users/bob")
		}
	}
	rows := []struct {
		name  string
		setup setup
		want  error
	}{
		{"wrong content type (text/html)", func(t *testing.T, r, _ *fakeRemote) string {
			r.publish(t, r.actorDoc(t, "bob"))
			a := r.docs["/users/bob"]
			a.contentType = "text/html"
			r.serve("/users/bob", a)
			return r.url("/users/bob")
		}, activitypub.ErrNotActivityPub},
		{"ld+json without the ActivityStreams profile", func(t *testing.T, r, _ *fakeRemote) string {
			r.publish(t, r.actorDoc(t, "bob"))
			a := r.docs["/users/bob"]
			a.contentType = `application/ld+json; profile="https://example.com/other"`
			r.serve("/users/bob", a)
			return r.url("/users/bob")
		}, activitypub.ErrNotActivityPub},
		{"plain application/json", func(t *testing.T, r, _ *fakeRemote) string {
			r.publish(t, r.actorDoc(t, "bob"))
			a := r.docs["/users/bob"]
			a.contentType = "application/json"
			r.serve("/users/bob", a)
			return r.url("/users/bob")
		}, activitypub.ErrNotActivityPub},
		{"body over 1 MB", func(t *testing.T, r, _ *fakeRemote) string {
			doc := r.actorDoc(t, "bob")
			doc["summary"] = repeat("a", safehttp.DefaultMaxBody)
			r.publish(t, doc)
			return r.url("/users/bob")
		}, &safehttp.BodyTooLargeError{}},
		{"not a JSON object", func(t *testing.T, r, _ *fakeRemote) string {
			r.serve("/users/bob", answer{contentType: "application/activity+json", body: []byte(`["http://remote.test/users/bob"]`)})
			return r.url("/users/bob")
		}, activitypub.ErrNotActivityPub},
		{"id differs and the refetched document names yet another id", func(t *testing.T, r, _ *fakeRemote) string {
			doc := r.actorDoc(t, "bob")
			doc["id"] = r.url("/users/x")
			r.serveJSON("/users/bob", doc)
			other := r.actorDoc(t, "bob")
			other["id"] = r.url("/users/y")
			r.serveJSON("/users/x", other)
			return r.url("/users/bob")
		}, activitypub.ErrIDMismatch},
		{"redirect to another host serving the original id", func(t *testing.T, r, evil *fakeRemote) string {
			r.serve("/users/bob", answer{status: http.StatusFound, location: evil.url("/fake")})
			evil.serveJSON("/fake", r.actorDoc(t, "bob"))
			return r.url("/users/bob")
		}, activitypub.ErrIDMismatch},
		{"document claims a local URI", func(t *testing.T, r, _ *fakeRemote) string {
			doc := r.actorDoc(t, "bob")
			doc["id"] = "http://" + localDomain + "/users/alice"
			r.serveJSON("/users/bob", doc)
			return r.url("/users/bob")
		}, activitypub.ErrRefusedURI},
		{"local URI asked directly", func(t *testing.T, r, _ *fakeRemote) string {
			return "http://" + localDomain + "/users/alice"
		}, activitypub.ErrRefusedURI},
		{"local URI on another port", func(t *testing.T, r, _ *fakeRemote) string {
			return "http://" + localDomain + ":8443/users/alice"
		}, activitypub.ErrRefusedURI},
		{"publicKey owned by another actor", actorWith(func(d map[string]any) {
			d["publicKey"].(map[string]any)["owner"] = "http://remote.test/users/carol"
		}), activitypub.ErrInvalidActor},
		{"publicKey id on another host", actorWith(func(d map[string]any) {
			d["publicKey"].(map[string]any)["id"] = "http://evil.test/users/bob#main-key"
		}), activitypub.ErrInvalidActor},
		{"publicKey that does not parse", actorWith(func(d map[string]any) {
			d["publicKey"].(map[string]any)["publicKeyPem"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
		}), activitypub.ErrInvalidActor},
		{"no publicKey", actorWith(func(d map[string]any) { delete(d, "publicKey") }), activitypub.ErrInvalidActor},
		{"not an actor type", actorWith(func(d map[string]any) { d["type"] = "Note" }), activitypub.ErrInvalidActor},
		{"username with an @", actorWith(func(d map[string]any) { d["preferredUsername"] = "alice@herd.test" }), activitypub.ErrInvalidActor},
		{"username with a space", actorWith(func(d map[string]any) { d["preferredUsername"] = "bob smith" }), activitypub.ErrInvalidActor},
		{"username over 2048 characters", actorWith(func(d map[string]any) { d["preferredUsername"] = repeat("b", 2049) }), activitypub.ErrInvalidActor},
		{"inbox with a javascript: URL", actorWith(func(d map[string]any) { d["inbox"] = "javascript:alert(1)" }), activitypub.ErrInvalidActor},
		{"WebFinger does not point back at the actor", func(t *testing.T, r, _ *fakeRemote) string {
			r.publish(t, r.actorDoc(t, "bob"))
			r.serveWebFinger("bob", r.url("/users/someone-else"), "bob@remote.test")
			return r.url("/users/bob")
		}, activitypub.ErrInvalidActor},
		{"no WebFinger at all", func(t *testing.T, r, _ *fakeRemote) string {
			r.publish(t, r.actorDoc(t, "bob"))
			r.serve("/.well-known/webfinger?resource=acct%3Abob%40remote.test", answer{status: http.StatusNotFound})
			return r.url("/users/bob")
		}, activitypub.ErrInvalidActor},
		{"404", func(t *testing.T, r, _ *fakeRemote) string { return r.url("/users/nobody") }, activitypub.ErrNotFound},
		{"410", func(t *testing.T, r, _ *fakeRemote) string {
			r.serve("/users/bob", answer{status: http.StatusGone})
			return r.url("/users/bob")
		}, activitypub.ErrGone},
		{"500", func(t *testing.T, r, _ *fakeRemote) string {
			r.serve("/users/bob", answer{status: http.StatusInternalServerError})
			return r.url("/users/bob")
		}, &activitypub.StatusError{}},
	}
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				n := newNetwork(t, db, "remote.test", "evil.test")
				uri := row.setup(t, n.remotes["remote.test"], n.remotes["evil.test"])
				_, err := n.fetcher.ResolveActor(context.Background(), uri)
				if !matches(err, row.want) {
					t.Fatalf("err = %v, want %v", err, row.want)
				}
				if c := n.remoteCount(t); c != 0 {
					t.Errorf("%d remote accounts stored", c)
				}
				if h := n.remotes[localDomain].hits; len(h) != 0 {
					t.Errorf("the local host was asked for %v", h)
				}
			})
		}
	})
}

// matches is errors.Is for sentinels and errors.As for the error types.
func matches(err, want error) bool {
	switch want.(type) {
	case *safehttp.BodyTooLargeError:
		var e *safehttp.BodyTooLargeError
		return errors.As(err, &e)
	case *activitypub.StatusError:
		var e *activitypub.StatusError
		return errors.As(err, &e)
	}
	return errors.Is(err, want)
}

func TestResolveActorFollowsADocumentToItsID(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newNetwork(t, db, "remote.test")
		r := n.remotes["remote.test"]
		r.publish(t, r.actorDoc(t, "bob"))
		// The profile URL serves the actor under its real id: fetched again
		// from that id, and stored under it.
		r.serveJSON("/@bob", r.actorDoc(t, "bob"))
		a, err := n.fetcher.ResolveActor(context.Background(), r.url("/@bob"))
		if err != nil {
			t.Fatal(err)
		}
		if a.URI != r.url("/users/bob") || r.hitCount("/users/bob") != 1 {
			t.Fatalf("uri %q, /users/bob fetched %d times", a.URI, r.hitCount("/users/bob"))
		}
	})
}

func TestResolveActorCapsAndSanitizes(t *testing.T) {
	long := repeat("é", 3000)
	rows := []struct {
		name  string
		edit  func(map[string]any)
		check func(t *testing.T, a *model.Account)
	}{
		{"display name cut to 2048 characters", func(d map[string]any) { d["name"] = long }, func(t *testing.T, a *model.Account) {
			if utf8.RuneCountInString(a.DisplayName) != 2048 {
				t.Errorf("display name has %d characters", utf8.RuneCountInString(a.DisplayName))
			}
		}},
		{"note cut to 20 KB", func(d map[string]any) { d["summary"] = "<p>" + repeat("x", 30000) + "</p>" }, func(t *testing.T, a *model.Account) {
			if len(a.Note) > 20*1024+len("<p></p>") || !strings.HasPrefix(a.Note, "<p>xxx") {
				t.Errorf("note has %d bytes", len(a.Note))
			}
		}},
		{"at most 50 fields", func(d map[string]any) {
			var f []any
			for range 60 {
				f = append(f, map[string]any{"type": "PropertyValue", "name": "n", "value": "v"})
			}
			d["attachment"] = f
		}, func(t *testing.T, a *model.Account) {
			if len(a.Fields) != 50 {
				t.Errorf("%d fields", len(a.Fields))
			}
		}},
		{"field name and value cut to 2047 characters", func(d map[string]any) {
			d["attachment"] = []any{map[string]any{"type": "PropertyValue", "name": long, "value": long}}
		}, func(t *testing.T, a *model.Account) {
			if len(a.Fields) != 1 || utf8.RuneCountInString(a.Fields[0].Name) != 2047 || utf8.RuneCountInString(a.Fields[0].Value) != 2047 {
				t.Errorf("fields %d", len(a.Fields))
			}
		}},
		{"non-PropertyValue attachments ignored", func(d map[string]any) {
			d["attachment"] = []any{map[string]any{"type": "Image", "url": "https://x"}, "junk", 5}
		}, func(t *testing.T, a *model.Account) {
			if len(a.Fields) != 0 {
				t.Errorf("fields %+v", a.Fields)
			}
		}},
		{"script removed from the note", func(d map[string]any) { d["summary"] = "<p>hi<script>alert(1)</script></p>" }, func(t *testing.T, a *model.Account) {
			if a.Note != "<p>hi</p>" {
				t.Errorf("note %q", a.Note)
			}
		}},
		{"javascript: link in the note becomes text", func(d map[string]any) {
			d["summary"] = `<p><a href="javascript:alert(1)">x</a></p>`
		}, func(t *testing.T, a *model.Account) {
			if a.Note != "<p>x</p>" {
				t.Errorf("note %q", a.Note)
			}
		}},
		{"onclick removed from a field value", func(d map[string]any) {
			d["attachment"] = []any{map[string]any{"type": "PropertyValue", "name": "n", "value": `<span onclick="alert(1)" class="evil invisible">v</span>`}}
		}, func(t *testing.T, a *model.Account) {
			if len(a.Fields) != 1 || a.Fields[0].Value != `<span class="invisible">v</span>` {
				t.Errorf("fields %+v", a.Fields)
			}
		}},
		{"javascript: avatar dropped", func(d map[string]any) {
			d["icon"] = map[string]any{"type": "Image", "url": "javascript:alert(1)"}
		}, func(t *testing.T, a *model.Account) {
			if a.AvatarURL != "" {
				t.Errorf("avatar %q", a.AvatarURL)
			}
		}},
		{"Service is a bot", func(d map[string]any) { d["type"] = "Service" }, func(t *testing.T, a *model.Account) {
			if !a.Bot {
				t.Error("not a bot")
			}
		}},
	}
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newNetwork(t, db, "remote.test")
		r := n.remotes["remote.test"]
		for i, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				name := "bob" + string(rune('a'+i))
				doc := r.actorDoc(t, name)
				row.edit(doc)
				r.publish(t, doc)
				a, err := n.fetcher.ResolveActor(context.Background(), r.url("/users/"+name))
				if err != nil {
					t.Fatal(err)
				}
				// What is checked is what the database holds.
				stored, err := n.inst.Store.AccountByID(context.Background(), a.ID)
				if err != nil {
					t.Fatal(err)
				}
				row.check(t, stored)
			})
		}
	})
}

func TestStaleActorsAreRefreshedOnUse(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "remote.test")
		r := n.remotes["remote.test"]
		doc := r.actorDoc(t, "bob")
		r.publish(t, doc)
		uri := r.url("/users/bob")
		first, err := n.fetcher.ResolveActor(ctx, uri)
		if err != nil {
			t.Fatal(err)
		}
		// The client API reads (and caches) the account before each change,
		// so a change the caches miss shows as an old entity.
		entityPath := "/api/v1/accounts/" + ids.Format(first.ID)
		entity := func() map[string]any {
			var ent map[string]any
			n.inst.Expect(t, http.StatusOK, http.MethodGet, entityPath, "", nil).JSON(t, &ent)
			return ent
		}
		if ent := entity(); ent["display_name"] != "Bob B." {
			t.Fatalf("entity %v", ent)
		}
		doc["name"] = "Robert"
		doc["following"] = map[string]any{"type": "OrderedCollection", "totalItems": 8}
		r.publish(t, doc)
		a, err := n.fetcher.ResolveActor(ctx, uri)
		if err != nil || a.DisplayName != "Bob B." || r.hitCount("/users/bob") != 1 {
			t.Fatalf("fresh actor refetched: %v %q, %d fetches", err, a.DisplayName, r.hitCount("/users/bob"))
		}
		n.ageRemote(t)
		a, err = n.fetcher.ResolveActor(ctx, uri)
		if err != nil || a.DisplayName != "Robert" || r.hitCount("/users/bob") != 2 {
			t.Fatalf("stale actor not refreshed: %v %q, %d fetches", err, a.DisplayName, r.hitCount("/users/bob"))
		}
		if ent := entity(); ent["display_name"] != "Robert" || ent["following_count"] != float64(8) {
			t.Errorf("API still shows %v %v after the refresh", ent["display_name"], ent["following_count"])
		}
		// An unreachable origin leaves the stored copy in use.
		n.ageRemote(t)
		r.serve("/users/bob", answer{status: http.StatusServiceUnavailable})
		if a, err = n.fetcher.ResolveActor(ctx, uri); err != nil || a.DisplayName != "Robert" {
			t.Fatalf("stored copy not served: %v", err)
		}
		// 410 Gone: suspended by its origin, shown as suspended.
		n.ageRemote(t)
		r.serve("/users/bob", answer{status: http.StatusGone})
		if _, err = n.fetcher.ResolveActor(ctx, uri); !errors.Is(err, activitypub.ErrGone) {
			t.Fatalf("err = %v, want ErrGone", err)
		}
		gone, err := n.inst.Core.Federation.RemoteAccountByURI(ctx, uri)
		if err != nil || gone.GoneAt == nil || !gone.Suspended() {
			t.Fatalf("not marked gone: %v %+v", err, gone)
		}
		if ent := entity(); ent["suspended"] != true || ent["display_name"] != "" {
			t.Errorf("API shows a gone account as %v", ent)
		}
		// A gone account is not fetched again.
		before := r.hitCount("/users/bob")
		if _, err := n.fetcher.ResolveActor(ctx, uri); err != nil || r.hitCount("/users/bob") != before {
			t.Errorf("gone account refetched: %v", err)
		}
	})
}

func TestWebFingerLookup(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "remote.test", "alias.test", "evil.test")
		r, alias, evil := n.remotes["remote.test"], n.remotes["alias.test"], n.remotes["evil.test"]
		r.publish(t, r.actorDoc(t, "bob"))

		a, err := n.fetcher.WebFingerLookup(ctx, "@bob@Remote.TEST")
		if err != nil || a.Acct() != "bob@remote.test" {
			t.Fatalf("lookup: %v", err)
		}
		// Known and fresh: answered from the database.
		wf := "/.well-known/webfinger?resource=acct%3Abob%40remote.test"
		before := r.hitCount(wf)
		if _, err := n.fetcher.WebFingerLookup(ctx, "bob@remote.test"); err != nil || r.hitCount(wf) != before {
			t.Errorf("fresh account looked up again: %v", err)
		}
		// Another host answering for the address: its subject is followed
		// and confirmed by the subject's own host.
		alias.serveWebFinger("robert", r.url("/users/bob"), "bob@remote.test")
		if a, err := n.fetcher.WebFingerLookup(ctx, "robert@alias.test"); err != nil || a.Acct() != "bob@remote.test" {
			t.Fatalf("subject not followed: %v", err)
		}

		rows := []struct{ name, acct string }{
			{"subject the named host does not confirm", "mallory@evil.test"},
			{"self link to an actor with another name", "eve@evil.test"},
			{"local address", "alice@" + localDomain},
			{"not an address", "bob"},
			{"address with a path", "bob@remote.test/x"},
		}
		// evil.test claims bob@remote.test for mallory, without remote.test
		// agreeing (remote.test names its own bob).
		evil.publish(t, evil.actorDoc(t, "mallory"))
		evil.serveWebFinger("mallory", evil.url("/users/mallory"), "bob@remote.test")
		// evil.test's eve points at an actor that calls itself mallory.
		evil.serveWebFinger("eve", evil.url("/users/mallory"), "eve@evil.test")
		count := n.remoteCount(t)
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				if a, err := n.fetcher.WebFingerLookup(ctx, row.acct); err == nil {
					t.Fatalf("%s resolved to %s", row.acct, a.Acct())
				}
			})
		}
		if c := n.remoteCount(t); c != count {
			t.Errorf("%d remote accounts stored by refused lookups", c-count)
		}
		if len(n.remotes[localDomain].hits) != 0 {
			t.Errorf("the local host was asked")
		}
	})
}

func TestAccountLookupResolvesRemoteAddresses(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newNetwork(t, db, "remote.test")
		r := n.remotes["remote.test"]
		r.publish(t, r.actorDoc(t, "bob"))
		alice := n.inst.NewUser(t, "alice")
		var ent map[string]any
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=bob@remote.test", alice.Token, nil).JSON(t, &ent)
		if ent["acct"] != "bob@remote.test" || ent["statuses_count"] != float64(42) {
			t.Errorf("lookup of an unknown remote account gave %v", ent)
		}
		n.inst.Expect(t, http.StatusNotFound, http.MethodGet, "/api/v1/accounts/lookup?acct=nobody@remote.test", alice.Token, nil)
		n.inst.Expect(t, http.StatusNotFound, http.MethodGet, "/api/v1/accounts/lookup?acct=bob@"+localDomain, alice.Token, nil)
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=alice@"+localDomain, "", nil)
		if len(n.remotes[localDomain].hits) != 0 {
			t.Errorf("the local host was asked")
		}
	})
}

// TestAnonymousAccountLookupDoesNotFetch: without a token, lookup answers
// from what is known and never makes this server fetch a remote address
// (as search refuses resolve=true to anonymous callers), so anyone can't
// aim this server's requests at hosts of their choosing.
func TestAnonymousAccountLookupDoesNotFetch(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newNetwork(t, db, "remote.test")
		r := n.remotes["remote.test"]
		r.publish(t, r.actorDoc(t, "bob"))
		alice := n.inst.NewUser(t, "alice")
		n.inst.Expect(t, http.StatusNotFound, http.MethodGet, "/api/v1/accounts/lookup?acct=bob@remote.test", "", nil)
		if got := r.getCount(); got != 0 {
			t.Fatalf("an anonymous lookup made %d requests to remote.test", got)
		}
		// Once a signed-in user has resolved it, anyone can look it up.
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=bob@remote.test", alice.Token, nil)
		fetched := r.getCount()
		var ent map[string]any
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=bob@remote.test", "", nil).JSON(t, &ent)
		if ent["acct"] != "bob@remote.test" {
			t.Errorf("anonymous lookup of a known account gave %v", ent)
		}
		if r.getCount() != fetched {
			t.Errorf("the anonymous lookup of a known account fetched it again")
		}
	})
}

func TestFetchesAreSignedAsTheInstanceActor(t *testing.T) {
	ctx := context.Background()
	n := newNetwork(t, testrig.SQLite, "remote.test")
	r := n.remotes["remote.test"]
	r.publish(t, r.actorDoc(t, "bob"))
	f := activitypub.NewFetcher(n.client, n.inst.Core, activitypub.InstanceActorKey(n.inst.Core))
	if _, err := f.Fetch(ctx, r.url("/users/bob")); err != nil {
		t.Fatal(err)
	}
	pubPEM, _, err := n.inst.Core.Federation.InstanceActorKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := httpsig.ParsePublicKeyPEM([]byte(pubPEM))
	if err != nil {
		t.Fatal(err)
	}
	keyID := "http://" + localDomain + "/actor#main-key"
	v := httpsig.Verifier{Keys: httpsig.KeyFetcherFunc(func(_ context.Context, id string, _ bool) (httpsig.PublicKey, error) {
		if id != keyID {
			return httpsig.PublicKey{}, errors.New("unknown key " + id)
		}
		return httpsig.PublicKey{ID: id, Key: pub}, nil
	})}
	req := r.reqs[len(r.reqs)-1]
	if _, err := v.Verify(ctx, req, nil); err != nil {
		t.Fatalf("signature of %s does not verify with the instance actor's key: %v", req.URL, err)
	}
	if got := req.Header.Get("Accept"); !strings.Contains(got, "application/activity+json") {
		t.Errorf("Accept %q", got)
	}
}

func TestRemoteUsernamesAreCaseInsensitive(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "remote.test")
		r := n.remotes["remote.test"]
		r.publish(t, r.actorDoc(t, "Bob"))
		a, err := n.fetcher.ResolveActor(ctx, r.url("/users/Bob"))
		if err != nil || a.Acct() != "Bob@remote.test" {
			t.Fatalf("resolve: %v", err)
		}
		// Known and fresh under any case: no WebFinger, the same account.
		same, err := n.fetcher.WebFingerLookup(ctx, "bob@REMOTE.test")
		if err != nil || same.ID != a.ID {
			t.Fatalf("lookup in lower case: %v", err)
		}
		// The same origin moves the name to a new id, and WebFinger agrees:
		// the one row follows it, rather than a second bob@remote.test.
		moved := r.actorDoc(t, "BOB")
		moved["id"] = r.url("/users/new-bob")
		moved["publicKey"].(map[string]any)["id"] = r.url("/users/new-bob#main-key")
		moved["publicKey"].(map[string]any)["owner"] = r.url("/users/new-bob")
		r.publish(t, moved)
		b, err := n.fetcher.ResolveActor(ctx, r.url("/users/new-bob"))
		if err != nil || b.ID != a.ID || b.URI != r.url("/users/new-bob") || n.remoteCount(t) != 1 {
			t.Fatalf("moved actor: %v, id %d (was %d), uri %q, %d remote accounts", err, b.ID, a.ID, b.URI, n.remoteCount(t))
		}
	})
}

func TestCheckURI(t *testing.T) {
	rows := []struct {
		protocol, uri string
		ok            bool
	}{
		{"https", "https://remote.example/users/bob", true},
		{"https", "http://remote.example/users/bob", false},
		{"http", "http://remote.example/users/bob", true},
		{"https", "https://herd.example/users/alice", false},
		{"https", "https://HERD.example./users/alice", false},
		{"https", "https://herd.example:8443/users/alice", false},
		{"https", "https://user:pw@remote.example/", false},
		{"https", "javascript:alert(1)", false},
		{"https", "/users/bob", false},
		{"https", "ftp://remote.example/x", false},
	}
	for _, row := range rows {
		c := core.New(core.Deps{Config: core.Config{Domain: "herd.example", Protocol: row.protocol}})
		f := activitypub.NewFetcher(nil, c, nil)
		_, err := f.CheckURI(row.uri)
		if (err == nil) != row.ok {
			t.Errorf("%s on %s: err = %v, want ok=%v", row.uri, row.protocol, err, row.ok)
		}
		if err != nil && !errors.Is(err, activitypub.ErrRefusedURI) {
			t.Errorf("%s: %v is not ErrRefusedURI", row.uri, err)
		}
	}
}

var _ = model.ErrNotFound
