package activitypub_test

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/url"
	"testing"

	"herd/internal/config"
	"herd/internal/httpsig"
	"herd/internal/testrig"
)

func TestActorDocumentHasWhatMastodonReads(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", alice.Token, url.Values{
			"display_name": {"Alice A."}, "note": {"Hello #world"},
			"fields_attributes[0][name]": {"Site"}, "fields_attributes[0][value]": {"https://alice.example"},
		})
		a := fetchDoc(t, inst, "/users/alice")
		uri := inst.URL + "/users/alice"
		for key, want := range map[string]string{
			"id": uri, "type": "Person", "preferredUsername": "alice", "name": "Alice A.",
			"url": inst.URL + "/@alice", "inbox": uri + "/inbox", "outbox": uri + "/outbox",
			"followers": uri + "/followers", "following": uri + "/following",
			"featured": uri + "/collections/featured", "featuredTags": uri + "/collections/tags",
		} {
			if got := a.str(key); got != want {
				t.Errorf("%s = %q, want %q", key, got, want)
			}
		}
		if got := a.obj("endpoints").str("sharedInbox"); got != inst.URL+"/inbox" {
			t.Errorf("endpoints.sharedInbox = %q", got)
		}
		key := a.obj("publicKey")
		if key.str("owner") != a.str("id") || key.str("id") != uri+"#main-key" {
			t.Errorf("publicKey %v", key)
		}
		pub, err := httpsig.ParsePublicKeyPEM([]byte(key.str("publicKeyPem")))
		if err != nil {
			t.Fatalf("publicKeyPem: %v", err)
		}
		if _, ok := pub.(*rsa.PublicKey); !ok {
			t.Fatalf("publicKeyPem holds %T", pub)
		}
		if a.str("summary") == "" || a.str("summary")[0] != '<' {
			t.Errorf("summary %q is not HTML", a.str("summary"))
		}
		for key, want := range map[string]bool{"manuallyApprovesFollowers": false, "discoverable": true,
			"indexable": true, "memorial": false} {
			if got, ok := a[key].(bool); !ok || got != want {
				t.Errorf("%s = %v, want %v", key, a[key], want)
			}
		}
		if a.str("published") == "" {
			t.Error("no published")
		}
		fields := a.list("attachment")
		if len(fields) != 1 {
			t.Fatalf("attachment %v", fields)
		}
		f := doc(fields[0].(map[string]any))
		if f.str("type") != "PropertyValue" || f.str("name") != "Site" ||
			f.str("value") == "https://alice.example" || f.str("value") == "" {
			t.Errorf("field %v: want a PropertyValue with an HTML value", f)
		}
		if tags, ok := a["tag"].([]any); !ok || len(tags) != 0 {
			t.Errorf("tag = %v, want []", a["tag"])
		}
		for _, key := range []string{"icon", "image", "movedTo", "alsoKnownAs"} {
			if _, ok := a[key]; ok {
				t.Errorf("%s present for an account without one", key)
			}
		}
		ctx, _ := a["@context"].([]any)
		if len(ctx) != 3 || ctx[0] != "https://www.w3.org/ns/activitystreams" || ctx[1] != "https://w3id.org/security/v1" {
			t.Errorf("@context %v", a["@context"])
		}
	})
}

func TestActorTypeAndApprovalFollowTheProfile(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		bot := inst.NewUser(t, "robot")
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", bot.Token,
			url.Values{"bot": {"true"}, "locked": {"true"}, "discoverable": {"false"}})
		a := fetchDoc(t, inst, "/users/robot")
		if a.str("type") != "Service" {
			t.Errorf("type %q, want Service", a.str("type"))
		}
		if a["manuallyApprovesFollowers"] != true || a["discoverable"] != false {
			t.Errorf("manuallyApprovesFollowers %v, discoverable %v", a["manuallyApprovesFollowers"], a["discoverable"])
		}
	})
}

func TestUnknownAndPendingAccountsAreNotFound(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db, func(c *config.Config) { c.Registrations = "approval" })
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts", inst.Token(t, 0, "write"), url.Values{
			"username": {"waiting"}, "email": {"waiting@example.com"}, "password": {"a long password"},
			"agreement": {"true"}, "locale": {"en"}, "reason": {"let me in"},
		})
		for _, path := range []string{"/users/nobody", "/users/waiting", "/users/waiting/outbox", "/@waiting"} {
			if resp := get(t, inst, path, apAccept); resp.Status != http.StatusNotFound {
				t.Errorf("%s = %d, want 404", path, resp.Status)
			}
		}
		if resp := webfinger(t, inst, "acct:waiting@"+inst.Domain); resp.Status != http.StatusNotFound {
			t.Errorf("WebFinger of a pending account = %d, want 404", resp.Status)
		}
	})
}

func TestSuspendedAccountIsGone(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		id := post(t, inst, alice, url.Values{"status": {"before"}})
		if err := inst.Core.Accounts.SuspendAccount(context.Background(), alice.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/users/alice", "/@alice", statusPath("alice", id),
			statusPath("alice", id) + "/activity", "/users/alice/outbox"} {
			if resp := get(t, inst, path, apAccept); resp.Status != http.StatusGone {
				t.Errorf("%s = %d, want 410", path, resp.Status)
			}
		}
		if resp := webfinger(t, inst, "acct:alice@"+inst.Domain); resp.Status != http.StatusGone {
			t.Errorf("WebFinger = %d, want 410", resp.Status)
		}
	})
}

func TestInstanceActor(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		a := fetchDoc(t, inst, "/actor")
		id := inst.URL + "/actor"
		if a.str("id") != id || a.str("type") != "Application" || a.str("preferredUsername") != inst.Domain {
			t.Fatalf("instance actor %v", a)
		}
		if a["manuallyApprovesFollowers"] != true || a.str("inbox") != id+"/inbox" ||
			a.obj("endpoints").str("sharedInbox") != inst.URL+"/inbox" {
			t.Errorf("instance actor %v", a)
		}
		key := a.obj("publicKey")
		if key.str("owner") != id || key.str("id") != id+"#main-key" {
			t.Errorf("publicKey %v", key)
		}
		pub, err := httpsig.ParsePublicKeyPEM([]byte(key.str("publicKeyPem")))
		if err != nil {
			t.Fatal(err)
		}
		// The pair is stored: core hands out the private half of the same key.
		storedPub, storedPriv, err := inst.Core.Federation.InstanceActorKeys(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if storedPub != key.str("publicKeyPem") {
			t.Fatal("served key differs from the stored one")
		}
		signer, err := httpsig.ParsePrivateKeyPEM([]byte(storedPriv))
		if err != nil {
			t.Fatal(err)
		}
		if !signer.Public().(*rsa.PublicKey).Equal(pub) {
			t.Fatal("stored private key does not match the published public key")
		}
		// WebFinger names it as acct:DOMAIN@DOMAIN and by its URL.
		for _, resource := range []string{"acct:" + inst.Domain + "@" + inst.Domain, id} {
			resp := webfinger(t, inst, resource)
			var jrd struct {
				Subject string
				Links   []struct{ Rel, Href string }
			}
			resp.JSON(t, &jrd)
			if jrd.Subject != "acct:"+inst.Domain+"@"+inst.Domain {
				t.Errorf("%s: subject %q", resource, jrd.Subject)
			}
			var self string
			for _, l := range jrd.Links {
				if l.Rel == "self" {
					self = l.Href
				}
			}
			if self != id {
				t.Errorf("%s: self %q, want %q", resource, self, id)
			}
		}
		if out := fetchDoc(t, inst, "/actor/outbox"); out.str("type") != "OrderedCollection" || out["totalItems"] != 0.0 {
			t.Errorf("instance actor outbox %v", out)
		}
	})
}
