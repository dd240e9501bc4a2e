package activitypub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/activitypub"
	"herd/internal/config"
	"herd/internal/core/domains"
	"herd/internal/core/federation"
	"herd/internal/httpsig"
	"herd/internal/model"
	"herd/internal/testrig"
)

// dbCount runs a COUNT query on an instance's database.
func dbCount(t *testing.T, inst *testrig.Instance, q string, args ...any) int {
	t.Helper()
	var c int
	if err := inst.Store.DB.Read.QueryRow(q, args...).Scan(&c); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return c
}

// drainIngest waits until inst has worked every job, then checks the
// ingest queue is empty: every stored activity was processed or dropped,
// none waits for a retry after a failure.
func drainIngest(t *testing.T, inst *testrig.Instance) {
	t.Helper()
	inst.WaitJobs(t)
	if dbCount(t, inst, "SELECT COUNT(*) FROM jobs WHERE queue = $1", federation.QueueIngest) > 0 {
		var last string
		inst.Store.DB.Read.QueryRow("SELECT last_error FROM jobs WHERE queue = $1 LIMIT 1", federation.QueueIngest).Scan(&last)
		t.Fatalf("ingest queue not drained; last error %q", last)
	}
}

// sendSigned does a request to inst at path as another server would: Host
// is inst's domain, and the request is signed with signer (unless nil).
func sendSigned(t *testing.T, inst *testrig.Instance, method, path string, body []byte, signer *httpsig.Signer) *testrig.Response {
	t.Helper()
	req, err := http.NewRequest(method, inst.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = inst.Domain
	if body != nil {
		req.Header.Set("Content-Type", "application/activity+json")
	}
	req.Header.Set("Accept", "application/activity+json")
	if signer != nil {
		if err := signer.Sign(req, body); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return &testrig.Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// userSigner signs as a local user of inst, with the key its actor publishes.
func userSigner(t *testing.T, inst *testrig.Instance, u *testrig.User) *httpsig.Signer {
	t.Helper()
	a, err := inst.Store.AccountByID(context.Background(), u.Account.ID)
	if err != nil {
		t.Fatal(err)
	}
	key, err := httpsig.ParsePrivateKeyPEM([]byte(a.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	return &httpsig.Signer{KeyID: a.URI + "#main-key", Key: key}
}

// instanceSigner signs as inst's instance actor, as its fetches are signed.
func instanceSigner(t *testing.T, inst *testrig.Instance) *httpsig.Signer {
	t.Helper()
	s, ok, err := activitypub.InstanceActorKey(inst.Core)(context.Background())
	if err != nil || !ok {
		t.Fatalf("instance actor key: %v", err)
	}
	return &s
}

// deliverNote has u of from send a public Create of a new note to to's
// shared inbox, signed as u, and returns the inbox's status and the note's id.
func deliverNote(t *testing.T, from *testrig.Instance, u *testrig.User, to *testrig.Instance, text string) (int, string) {
	t.Helper()
	actor := "http://" + from.Domain + "/users/" + u.Account.Username
	id := actor + "/statuses/" + itoa(time.Now().UnixNano())
	body, _ := json.Marshal(create(actor, note(actor, id, "<p>"+text+"</p>")))
	return sendSigned(t, to, http.MethodPost, "/inbox", body, userSigner(t, from, u)).Status, id
}

// publicTimelineHas reports whether inst's federated timeline shows the
// status with uri to an anonymous visitor.
func publicTimelineHas(t *testing.T, inst *testrig.Instance, uri string) bool {
	t.Helper()
	var list []struct{ URI string }
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/timelines/public", "", nil).JSON(t, &list)
	for _, s := range list {
		if s.URI == uri {
			return true
		}
	}
	return false
}

// TestDomainSuspendNetwork: b suspends a.test. a's signed activities are
// refused with 403 (as Mastodon's signature check refuses a domain that is
// not allowed) before anything is queued, b fetches nothing
// more from a, and a's accounts b knew are suspended and their posts
// hidden. Unblocking restores them and lets activities in again.
func TestDomainSuspendNetwork(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob := b.NewUser(t, "bob")
		var looked struct{ ID string }
		b.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=alice@a.test", bob.Token, nil).JSON(t, &looked)

		// Before the block, a Create from a is stored.
		status, before := deliverNote(t, a, alice, b, "before")
		if status != http.StatusAccepted {
			t.Fatalf("inbox answered %d before the block", status)
		}
		drainIngest(t, b)
		if dbCount(t, b, "SELECT COUNT(*) FROM statuses WHERE uri = $1", before) != 1 || !publicTimelineHas(t, b, before) {
			t.Fatal("status delivered before the block is not stored and public")
		}

		block, err := b.Core.Domains.BlockDomain(context.Background(), domains.DomainBlockParams{Domain: "A.test",
			Severity: ptr(model.SeveritySuspend)})
		if err != nil {
			t.Fatal(err)
		}
		var acct struct{ Suspended bool }
		b.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+looked.ID, "", nil).JSON(t, &acct)
		if !acct.Suspended {
			t.Error("a's known account is not suspended after the block")
		}
		if publicTimelineHas(t, b, before) {
			t.Error("a suspended domain's status still shows in the public timeline")
		}

		status, during := deliverNote(t, a, alice, b, "during")
		if status != http.StatusForbidden {
			t.Fatalf("inbox answered %d to a blocked domain, want 403", status)
		}
		if n := dbCount(t, b, "SELECT COUNT(*) FROM jobs WHERE queue = $1", federation.QueueIngest); n != 0 {
			t.Fatalf("%d activities of a blocked domain were queued", n)
		}
		if dbCount(t, b, "SELECT COUNT(*) FROM statuses WHERE uri = $1", during) != 0 {
			t.Fatal("a blocked domain's status was stored")
		}
		a.NewUser(t, "carol")
		if r := b.Do(t, http.MethodGet, "/api/v1/accounts/lookup?acct=carol@a.test", bob.Token, nil); r.Status != http.StatusNotFound {
			t.Errorf("lookup on a blocked domain = %d, want 404", r.Status)
		}
		if dbCount(t, b, "SELECT COUNT(*) FROM accounts WHERE domain = 'a.test' AND username = 'carol'") != 0 {
			t.Error("an account of a blocked domain was fetched")
		}

		if err := b.Core.Domains.UnblockDomain(context.Background(), block.ID); err != nil {
			t.Fatal(err)
		}
		acct.Suspended = false // omitted when false
		b.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+looked.ID, "", nil).JSON(t, &acct)
		if acct.Suspended || !publicTimelineHas(t, b, before) {
			t.Errorf("unblocking did not restore a's account (suspended %v)", acct.Suspended)
		}
		status, after := deliverNote(t, a, alice, b, "after")
		drainIngest(t, b)
		if status != http.StatusAccepted || dbCount(t, b, "SELECT COUNT(*) FROM statuses WHERE uri = $1", after) != 1 {
			t.Fatalf("after unblocking: inbox %d, status not stored", status)
		}
	})
}

// TestDomainSuspendFetchesNothing: an activity from a suspended domain, or
// one of its subdomains, is dropped before its actor's key is fetched,
// and resolving an account there asks the domain nothing.
func TestDomainSuspendFetchesNothing(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "evil.test", "sub.evil.test", "fine.test")
		ctx := context.Background()
		if _, err := n.inst.Core.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "evil.test",
			Severity: ptr(model.SeveritySuspend)}); err != nil {
			t.Fatal(err)
		}
		n.inst.NewUser(t, "alice")
		for _, host := range []string{"evil.test", "sub.evil.test"} {
			r := n.remotes[host]
			bob := r.person(t, "bob")
			id := bob + "/statuses/1"
			if resp := n.deliver(t, create(bob, note(bob, id, "hi")), delivery{}); resp.Status != http.StatusForbidden {
				t.Fatalf("%s: inbox answered %d, want 403", host, resp.Status)
			}
			if hits := r.hitCount("/users/bob"); hits != 0 {
				t.Errorf("%s: the actor was fetched %d times", host, hits)
			}
			if _, err := n.fetcher.ResolveActor(ctx, bob); !matches(err, activitypub.ErrBlockedDomain) {
				t.Errorf("%s: resolving an actor = %v, want ErrBlockedDomain", host, err)
			}
			if hits := r.hitCount("/users/bob") + r.hitCount("/.well-known/webfinger?resource=acct:bob@"+host); hits != 0 {
				t.Errorf("%s: asked %d times", host, hits)
			}
		}
		// Signed by a key on the blocked domain for an actor elsewhere: the
		// signer's domain is refused too, and its key is not fetched.
		fine := n.remotes["fine.test"].person(t, "bob")
		evilKey := "http://evil.test/users/bob#main-key"
		if resp := n.deliver(t, create(fine, note(fine, fine+"/statuses/1", "hi")), delivery{keyID: evilKey}); resp.Status != http.StatusForbidden {
			t.Errorf("signed on a blocked domain: inbox answered %d, want 403", resp.Status)
		}
		if hits := n.remotes["evil.test"].hitCount("/users/bob"); hits != 0 {
			t.Errorf("the blocked signer's key was fetched %d times", hits)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = $1", federation.QueueIngest); c != 0 {
			t.Fatalf("%d activities of a blocked domain queued", c)
		}
		if n.remoteCount(t) != 0 {
			t.Fatal("an account of a blocked domain was stored")
		}
		// A domain merely ending in the same letters is not covered.
		if _, err := n.fetcher.ResolveActor(ctx, fine); err != nil {
			t.Fatalf("an unblocked domain: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestAuthorizedFetch: with authorized fetch on, b serves actors and
// statuses to ActivityPub clients only on a valid signature; its instance
// actor, WebFinger and NodeInfo stay public, so a (signing its fetches as
// its instance actor) still finds b's accounts. A signer on a suspended
// domain is refused before its key is fetched.
func TestAuthorizedFetch(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetworkWith(t, db, func(name string, c *config.Config) {
			c.AuthorizedFetch = name == "b.test"
		}, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob := b.NewUser(t, "bob")
		statusID := post(t, b, bob, url.Values{"status": {"hello"}})

		for _, path := range []string{"/users/bob", statusPath("bob", statusID), "/users/bob/outbox", "/users/bob/followers", "/@bob"} {
			r := sendSigned(t, b, http.MethodGet, path, nil, nil)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("unsigned GET %s = %d, want 401", path, r.Status)
			}
		}
		for _, path := range []string{"/actor", "/.well-known/webfinger?resource=acct:bob@b.test", "/.well-known/nodeinfo", "/nodeinfo/2.0"} {
			if r := sendSigned(t, b, http.MethodGet, path, nil, nil); r.Status != http.StatusOK {
				t.Errorf("unsigned GET %s = %d, want 200", path, r.Status)
			}
		}
		// A browser still gets a page (or its redirect), not a 401.
		if r := get(t, b, "/@bob", "text/html"); r.Status != http.StatusOK {
			t.Errorf("browser GET /@bob = %d", r.Status)
		}

		r := sendSigned(t, b, http.MethodGet, "/users/bob", nil, instanceSigner(t, a))
		if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(`"preferredUsername":"bob"`)) {
			t.Fatalf("signed GET = %d %s", r.Status, r.Body)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "max-age=180, private" {
			t.Errorf("Cache-Control %q: a signed answer must not be cached publicly", cc)
		}
		if r := sendSigned(t, b, http.MethodGet, statusPath("bob", statusID), nil, userSigner(t, a, alice)); r.Status != http.StatusOK {
			t.Errorf("GET of a status signed by a user = %d", r.Status)
		}
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=bob@b.test", alice.Token, nil)

		// A tampered signature is refused.
		req := sendSignedTampered(t, b, "/users/bob", instanceSigner(t, a))
		if req != http.StatusUnauthorized {
			t.Errorf("tampered signature = %d, want 401", req)
		}

		if _, err := b.Core.Domains.BlockDomain(context.Background(), domains.DomainBlockParams{Domain: "a.test",
			Severity: ptr(model.SeveritySuspend)}); err != nil {
			t.Fatal(err)
		}
		if r := sendSigned(t, b, http.MethodGet, "/users/bob", nil, instanceSigner(t, a)); r.Status != http.StatusForbidden {
			t.Errorf("signed GET from a suspended domain = %d, want 403", r.Status)
		}
	})
}

// sendSignedTampered signs a GET and then corrupts the signature.
func sendSignedTampered(t *testing.T, inst *testrig.Instance, path string, signer *httpsig.Signer) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, inst.URL+path, nil)
	req.Host = inst.Domain
	req.Header.Set("Accept", "application/activity+json")
	if err := signer.Sign(req, nil); err != nil {
		t.Fatal(err)
	}
	sig := req.Header.Get("Signature")
	req.Header.Set("Signature", sig[:len(sig)-6]+"AAAA\"")
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestLimitedFederation: in limited-federation mode b takes activities and
// signed fetches only from allowed domains; allowing a.test opens both.
func TestLimitedFederation(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetworkWith(t, db, func(name string, c *config.Config) {
			c.LimitedFederation = name == "b.test"
		}, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob := b.NewUser(t, "bob")

		if r := sendSigned(t, b, http.MethodGet, "/users/bob", nil, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("unsigned GET in limited federation = %d, want 401 (implies authorized fetch)", r.Status)
		}
		if r := sendSigned(t, b, http.MethodGet, "/users/bob", nil, instanceSigner(t, a)); r.Status != http.StatusForbidden {
			t.Errorf("signed GET from a domain not allowed = %d, want 403", r.Status)
		}
		status, id := deliverNote(t, a, alice, b, "not allowed")
		if status != http.StatusForbidden || dbCount(t, b, "SELECT COUNT(*) FROM jobs WHERE queue = $1", federation.QueueIngest) != 0 {
			t.Fatalf("inbox %d, or the activity of a domain not allowed was queued", status)
		}
		if r := b.Do(t, http.MethodGet, "/api/v1/accounts/lookup?acct=alice@a.test", bob.Token, nil); r.Status != http.StatusNotFound {
			t.Errorf("lookup on a domain not allowed = %d, want 404", r.Status)
		}

		if _, err := b.Core.Domains.AllowDomain(context.Background(), "a.test"); err != nil {
			t.Fatal(err)
		}
		if r := sendSigned(t, b, http.MethodGet, "/users/bob", nil, instanceSigner(t, a)); r.Status != http.StatusOK {
			t.Errorf("signed GET from an allowed domain = %d", r.Status)
		}
		b.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=alice@a.test", bob.Token, nil)
		status, id = deliverNote(t, a, alice, b, "allowed")
		drainIngest(t, b)
		if status != http.StatusAccepted || dbCount(t, b, "SELECT COUNT(*) FROM statuses WHERE uri = $1", id) != 1 {
			t.Fatalf("inbox %d, or the allowed domain's status was not stored", status)
		}
	})
}

// TestDeliveryToBlockedDomains: nothing is delivered to a suspended
// domain, nor, in limited-federation mode, to a domain no longer allowed,
// even to followers it already had; the others still get the post.
func TestDeliveryToBlockedDomains(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederationWith(t, db, func(c *config.Config) { c.LimitedFederation = true },
			"ok.test", "gone.test", "evil.test")
		ctx := context.Background()
		allows := map[string]int64{}
		for _, host := range []string{"ok.test", "gone.test", "evil.test"} {
			a, err := n.inst.Core.Domains.AllowDomain(ctx, host)
			if err != nil {
				t.Fatal(err)
			}
			allows[host] = a.ID
		}
		alice := n.inst.NewUser(t, "alice")
		for _, host := range []string{"ok.test", "gone.test", "evil.test"} {
			n.follower(t, host, "bob", false, alice.Account)
		}
		n.quiet(t)
		n.forgetPosts()

		if err := n.inst.Core.Domains.DisallowDomain(ctx, allows["gone.test"]); err != nil {
			t.Fatal(err)
		}
		if _, err := n.inst.Core.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "evil.test",
			Severity: ptr(model.SeveritySuspend)}); err != nil {
			t.Fatal(err)
		}
		n.inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token, url.Values{"status": {"hello"}})
		n.remotes["ok.test"].waitPosts(t, "Create", 1)
		n.quiet(t)
		for _, host := range []string{"gone.test", "evil.test"} {
			if got := n.remotes[host].postsOf(""); len(got) != 0 {
				t.Errorf("%s was sent %d POSTs", host, len(got))
			}
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue IN ('deliver', 'deliver_inbox')"); c != 0 {
			t.Errorf("%d delivery jobs left: blocked deliveries must be dropped, not retried", c)
		}
	})
}

// newFederationWith is newFederation with configure adjusting the
// instance's settings before it starts.
func newFederationWith(t *testing.T, db testrig.DB, configure func(*config.Config), hosts ...string) *network {
	t.Helper()
	n := newNetworkWith(t, db, configure, hosts...)
	n.inst.Server.Inbox.SetFetcher(n.fetcher)
	n.inst.Server.Receiver.SetFetcher(n.fetcher)
	return n
}

// TestDomainSilence: silencing a domain keeps its posts out of public
// timelines (unless the viewer follows the author) and its mentions out of
// the notifications of local users who do not follow the sender; accounts
// first seen after the block are silenced too. Unsilencing lifts both.
func TestDomainSilence(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "loud.test")
		ctx := context.Background()
		r := n.remotes["loud.test"]
		bob := r.person(t, "bob")
		alice := n.inst.NewUser(t, "alice") // will follow bob
		carol := n.inst.NewUser(t, "carol") // will not
		aliceURI, carolURI := alice.Account.URI, carol.Account.URI

		n.accept(t, create(bob, note(bob, bob+"/statuses/1", "<p>before</p>")))
		n.drain(t)
		if !publicTimelineHas(t, n.inst, bob+"/statuses/1") {
			t.Fatal("a post of an unblocked domain is not public")
		}
		block, err := n.inst.Core.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "loud.test"})
		if err != nil || block.Severity != model.SeveritySilence {
			t.Fatalf("block %+v, %v (the default severity is silence)", block, err)
		}
		if !n.inst.Core.Domains.FederationAllowed(ctx, "loud.test") {
			t.Fatal("a silenced domain may no longer federate")
		}
		if publicTimelineHas(t, n.inst, bob+"/statuses/1") {
			t.Error("a silenced domain's post shows in the public timeline")
		}
		// A silenced domain still federates: its posts are stored.
		n.accept(t, create(bob, note(bob, bob+"/statuses/2", "<p>after</p>")))
		n.drain(t)
		if n.count(t, "SELECT COUNT(*) FROM statuses WHERE uri = $1", bob+"/statuses/2") != 1 {
			t.Fatal("a silenced domain's post was not stored")
		}
		if publicTimelineHas(t, n.inst, bob+"/statuses/2") {
			t.Error("a silenced domain's new post shows in the public timeline")
		}
		// An account first seen after the block starts silenced.
		dave := r.person(t, "dave")
		n.accept(t, create(dave, note(dave, dave+"/statuses/1", "<p>new here</p>")))
		n.drain(t)
		if publicTimelineHas(t, n.inst, dave+"/statuses/1") {
			t.Error("an account first seen after the block is not silenced")
		}

		// alice follows bob; the follow is accepted.
		ra, err := n.inst.Core.Federation.RemoteAccountByURI(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		n.inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+itoa(ra.ID)+"/follow", alice.Token, nil)
		n.accept(t, act("Accept", bob+"#accepts/1", bob, map[string]any{"id": aliceURI + "#follows/1", "type": "Follow",
			"actor": aliceURI, "object": bob}))
		n.drain(t)
		if n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1 AND target_account_id = $2", alice.Account.ID, ra.ID) != 1 {
			t.Fatal("alice does not follow bob")
		}
		var list []struct{ URI string }
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/timelines/public", alice.Token, nil).JSON(t, &list)
		seen := map[string]bool{}
		for _, s := range list {
			seen[s.URI] = true
		}
		if !seen[bob+"/statuses/2"] || seen[dave+"/statuses/1"] {
			t.Errorf("a follower of bob sees %v in the public timeline, want bob's posts and not dave's", list)
		}

		mention := note(bob, bob+"/statuses/3", "<p>hey you two</p>")
		mention["tag"] = []any{map[string]any{"type": "Mention", "href": aliceURI}, map[string]any{"type": "Mention", "href": carolURI}}
		mention["cc"] = []any{aliceURI, carolURI}
		n.accept(t, create(bob, mention))
		n.drain(t)
		if types := notificationTypes(t, n, alice); len(types) != 1 || types[0] != "mention" {
			t.Errorf("alice (a follower) notifications %v, want the mention", types)
		}
		if types := notificationTypes(t, n, carol); len(types) != 0 {
			t.Errorf("carol (not a follower) notifications %v, want none from a silenced account", types)
		}

		if err := n.inst.Core.Domains.UnblockDomain(ctx, block.ID); err != nil {
			t.Fatal(err)
		}
		if !publicTimelineHas(t, n.inst, bob+"/statuses/1") || !publicTimelineHas(t, n.inst, dave+"/statuses/1") {
			t.Error("unsilencing did not bring the domain's posts back to the public timeline")
		}
		n.accept(t, create(bob, map[string]any{"id": bob + "/statuses/4", "type": "Note", "attributedTo": bob,
			"content": "<p>again</p>", "published": time.Now().UTC().Format(time.RFC3339),
			"tag": []any{map[string]any{"type": "Mention", "href": carolURI}}, "to": []any{activitypub.Public}, "cc": []any{carolURI}}))
		n.drain(t)
		if types := notificationTypes(t, n, carol); len(types) != 1 {
			t.Errorf("after unsilencing carol has notifications %v, want the mention", types)
		}
	})
}

// TestDomainSuspendBetweenFollowers: alice (a.test) and bob (b.test)
// follow each other. Once b suspends a.test, alice's posts leave bob's home
// timeline and her mention leaves his notifications, and bob's new posts
// are no longer delivered to a; unblocking brings alice's posts back.
func TestDomainSuspendBetweenFollowers(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		ac := a.Client(a.NewUser(t, "alice").Token)
		bc := b.Client(b.NewUser(t, "bob").Token)
		aliceOnB, err := bc.AccountLookup(ctx, "alice@a.test")
		if err != nil {
			t.Fatal(err)
		}
		bobOnA, err := ac.AccountLookup(ctx, "bob@b.test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bc.AccountFollow(ctx, aliceOnB.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ac.AccountFollow(ctx, bobOnA.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "hello from a, @bob@b.test"}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice's post reaches bob's home", func() bool { return homeHas(ctx, bc, "hello from a") })
		testrig.Eventually(t, "alice's mention notifies bob", func() bool { return notified(ctx, bc, "mention", "alice@a.test", "") })
		testrig.Eventually(t, "b accepts alice's follow", func() bool {
			rel, err := ac.GetAccountRelationships(ctx, []string{string(bobOnA.ID)})
			return err == nil && len(rel) == 1 && rel[0].Following
		})
		if _, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "bob before the block"}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's post reaches alice", func() bool { return homeHas(ctx, ac, "bob before the block") })

		block, err := b.Core.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "a.test", Severity: ptr(model.SeveritySuspend)})
		if err != nil {
			t.Fatal(err)
		}
		if homeHas(ctx, bc, "hello from a") {
			t.Error("a suspended domain's post stays in a follower's home timeline")
		}
		if notified(ctx, bc, "mention", "alice@a.test", "") {
			t.Error("a suspended domain's mention stays in the notifications")
		}
		if _, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "bob after the block"}); err != nil {
			t.Fatal(err)
		}
		never(t, insts, "bob's post reaches the suspended domain", func() bool { return homeHas(ctx, ac, "bob after the block") })

		if err := b.Core.Domains.UnblockDomain(ctx, block.ID); err != nil {
			t.Fatal(err)
		}
		if !homeHas(ctx, bc, "hello from a") {
			t.Error("unblocking did not bring alice's post back to bob's home timeline")
		}
	})
}
