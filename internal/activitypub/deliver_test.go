package activitypub_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"herd/internal/activitypub"
	"herd/internal/core"
	"herd/internal/model"
	"herd/internal/safehttp"
	"herd/internal/store"
	"herd/internal/testrig"
)

// TestDeliveryAcceptAfterRemoteFollow: a remote Follow of a local account
// is answered with an Accept POSTed to the follower's shared inbox,
// signed by the local account (draft-cavage rsa-sha256 over
// (request-target), host, date and digest), embedding the Follow with the
// id the follower gave it.
func TestDeliveryAcceptAfterRemoteFollow(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		alice := n.inst.NewUser(t, "alice")
		bob := n.follower(t, remoteHost, "bob", false, alice.Account)
		r := n.remotes[remoteHost]
		r.waitPosts(t, "Accept", 1)
		p := r.postsOf("Accept")[0]
		if p.path != "/inbox" {
			t.Fatalf("Accept POSTed to %s, want the shared inbox", p.path)
		}
		if key := n.verifyPost(t, p); key != alice.Account.URI+"#main-key" {
			t.Fatalf("signed by %s", key)
		}
		sig := p.header.Get("Signature")
		if !strings.Contains(sig, `headers="(request-target) host date digest`) {
			t.Fatalf("Signature %s", sig)
		}
		a := p.activity(t)
		follow, _ := a["object"].(map[string]any)
		if a["type"] != "Accept" || a["actor"] != alice.Account.URI ||
			!strings.HasPrefix(a["id"].(string), alice.Account.URI+"#accepts/follows/") ||
			follow["type"] != "Follow" || follow["id"] != bob.URI+"#follows/alice" ||
			follow["actor"] != bob.URI || follow["object"] != alice.Account.URI {
			t.Fatalf("Accept %v", a)
		}
		n.quiet(t)
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue IN ('deliver', 'deliver_inbox')"); c != 0 {
			t.Fatalf("%d delivery jobs left after a 202", c)
		}
	})
}

// TestDeliveryGroupsBySharedInbox: a post reaches three followers on one
// server in one POST to its shared inbox, a follower whose server has no
// shared inbox at its own inbox, and nothing is sent for a local follower.
func TestDeliveryGroupsBySharedInbox(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "one.test", "two.test")
		alice := n.inst.NewUser(t, "alice")
		for _, name := range []string{"bob", "carl", "dora"} {
			n.follower(t, "one.test", name, false, alice.Account)
		}
		erin := n.follower(t, "two.test", "erin", true, alice.Account)
		local := n.inst.NewUser(t, "lou")
		n.inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+itoa(alice.Account.ID)+"/follow", local.Token, nil)
		var st struct{ ID string }
		n.inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			url.Values{"status": {"hello fediverse"}}).JSON(t, &st)
		n.quiet(t)
		n.forgetPosts()

		n.enqueue(t, core.Delivery{Kind: "Create", ActorID: alice.Account.ID, ObjectID: parseID(t, st.ID), Followers: true})
		n.quiet(t)
		one, two := n.remotes["one.test"].postsOf("Create"), n.remotes["two.test"].postsOf("Create")
		if len(one) != 1 || one[0].path != "/inbox" {
			t.Fatalf("one.test got %d Creates (%v), want one to its shared inbox", len(one), one)
		}
		if len(two) != 1 || two[0].path != strings.TrimPrefix(erin.InboxURL, "http://two.test") {
			t.Fatalf("two.test got %d Creates, want one to %s", len(two), erin.InboxURL)
		}
		if got := n.remotes[localDomain].postsOf(""); len(got) != 0 {
			t.Fatalf("the local host was sent %d POSTs", len(got))
		}
		n.verifyPost(t, one[0])
		statusURI := alice.Account.URI + "/statuses/" + st.ID
		a := one[0].activity(t)
		note, _ := a["object"].(map[string]any)
		if a["id"] != statusURI+"/activity" || a["actor"] != alice.Account.URI || note["id"] != statusURI ||
			note["type"] != "Note" || !sameList(a["to"], activitypub.Public) || !sameList(a["cc"], alice.Account.URI+"/followers") {
			t.Fatalf("Create %v", a)
		}
		if !bytes.Equal(one[0].body, two[0].body) {
			t.Fatal("the inboxes got different bytes of one activity")
		}
	})
}

// TestDeliveryRetries: a 500, 429 or 401 is retried with back-off (the
// same bytes, later) and a failure day is recorded; a success clears the
// host's failures; a 404 or 410 is final: one POST, no job left.
func TestDeliveryRetries(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		cases := []struct {
			host   string
			status int
			retry  bool
		}{
			{"e500.test", 500, true}, {"e429.test", 429, true}, {"e401.test", 401, true}, {"e408.test", 408, true},
			{"e404.test", 404, false}, {"e410.test", 410, false}, {"e400.test", 400, false},
		}
		var hosts []string
		for _, c := range cases {
			hosts = append(hosts, c.host)
		}
		n := newFederation(t, db, hosts...)
		alice := n.inst.NewUser(t, "alice")
		var targets []int64
		for _, c := range cases {
			n.remotes[c.host].answerPosts(c.status)
			targets = append(targets, n.remoteActor(t, c.host, "bob").ID)
		}
		before := time.Now()
		n.enqueue(t, core.Delivery{Kind: "Like", ActorID: alice.Account.ID, ObjectID: 42,
			URI: "http://e500.test/notes/1", AccountIDs: targets})
		n.quiet(t)
		for _, c := range cases {
			if got := len(n.remotes[c.host].postsOf("Like")); got != 1 {
				t.Fatalf("%s: %d POSTs, want 1", c.host, got)
			}
			waiting := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox' AND attempts = 1 AND run_at >= $1 AND payload LIKE $2",
				before.Add(15*time.Second).UnixMilli(), `%"inbox":"http://`+c.host+"/%")
			failDays := n.count(t, "SELECT COUNT(*) FROM delivery_failures WHERE domain = $1", c.host)
			if c.retry && (waiting != 1 || failDays != 1) {
				t.Fatalf("%s answering %d: %d jobs waiting ≥15 s, %d failure days; want a retry and a failure", c.host, c.status, waiting, failDays)
			}
			if !c.retry && (waiting != 0 || failDays != 0) {
				t.Fatalf("%s answering %d: %d jobs waiting, %d failure days; want it dropped", c.host, c.status, waiting, failDays)
			}
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox' AND last_error LIKE '%status 500%'"); c != 1 {
			t.Fatal("the 500's job does not say why it waits")
		}

		// Time passes: the retries are due, and now succeed (202).
		n.advanceRetries(t)
		n.quiet(t)
		for _, c := range cases {
			posts := n.remotes[c.host].postsOf("Like")
			want := 1
			if c.retry {
				want = 2
			}
			if len(posts) != want {
				t.Fatalf("%s: %d POSTs after the retry, want %d", c.host, len(posts), want)
			}
			if c.retry && !bytes.Equal(posts[0].body, posts[1].body) {
				t.Fatalf("%s: the retry sent other bytes", c.host)
			}
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue IN ('deliver', 'deliver_inbox')"); c != 0 {
			t.Fatalf("%d delivery jobs left", c)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM delivery_failures"); c != 0 {
			t.Fatalf("%d failure days left after the hosts answered", c)
		}
	})
}

// TestDeliverySlowPeer: a server that does not answer holds up no other
// inbox; its POST times out and is retried.
func TestDeliverySlowPeer(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "slow.test", "fast.test")
		n.shortTimeouts(time.Second)
		alice := n.inst.NewUser(t, "alice")
		slow, fast := n.remoteActor(t, "slow.test", "bob"), n.remoteActor(t, "fast.test", "bob")
		hold := make(chan struct{})
		n.remotes["slow.test"].mu.Lock()
		n.remotes["slow.test"].postHold = hold
		n.remotes["slow.test"].mu.Unlock()

		n.enqueue(t, core.Delivery{Kind: "Follow", ActorID: alice.Account.ID, ObjectID: 7, TargetID: slow.ID,
			AccountIDs: []int64{fast.ID}})
		n.remotes["fast.test"].waitPosts(t, "Follow", 1)
		n.remotes["slow.test"].waitPosts(t, "Follow", 1)
		if f, s := n.remotes["fast.test"].postsOf("")[0].at, n.remotes["slow.test"].postsOf("")[0].at; f.Sub(s) > 500*time.Millisecond {
			t.Fatalf("fast.test was sent its POST %v after slow.test's", f.Sub(s))
		}
		n.quiet(t) // slow.test's POST timed out and waits for a retry
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox' AND attempts = 1 AND payload LIKE '%slow.test%'"); c != 1 {
			t.Fatal("the timed-out delivery is not waiting for a retry")
		}
		close(hold)
		n.advanceRetries(t)
		n.quiet(t)
		if got := len(n.remotes["slow.test"].postsOf("Follow")); got != 2 {
			t.Fatalf("slow.test got %d POSTs, want 2", got)
		}
		if got := len(n.remotes["fast.test"].postsOf("Follow")); got != 1 {
			t.Fatalf("fast.test got %d POSTs, want 1", got)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox'"); c != 0 {
			t.Fatal("the retried delivery was not done")
		}
	})
}

// TestDeliveryUnavailableDomain: a host whose deliveries failed on seven
// distinct days is marked unavailable and sent nothing (its waiting
// retries are dropped too), until it sends a valid activity.
func TestDeliveryUnavailableDomain(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "dead.test", "alive.test")
		alice := n.inst.NewUser(t, "alice")
		dead, alive := n.remoteActor(t, "dead.test", "bob"), n.remoteActor(t, "alive.test", "bob")
		today := time.Now().UTC().Unix() / 86400
		for d := today - 6; d < today; d++ { // six earlier days of failures
			n.exec(t, "INSERT INTO delivery_failures (domain, day) VALUES ('dead.test', $1)", d)
		}
		n.remotes["dead.test"].answerPosts(503)
		send := func(id int64) {
			n.enqueue(t, core.Delivery{Kind: "Like", ActorID: alice.Account.ID, ObjectID: id, URI: "http://alive.test/notes/1",
				AccountIDs: []int64{dead.ID, alive.ID}})
			n.quiet(t)
		}
		send(1) // the seventh day
		if c := n.count(t, "SELECT COUNT(*) FROM unavailable_domains WHERE domain = 'dead.test'"); c != 1 {
			t.Fatal("dead.test not marked unavailable after 7 days of failures")
		}
		send(2)
		n.advanceRetries(t) // the 503's retry is due, and dropped
		n.quiet(t)
		if got := len(n.remotes["dead.test"].postsOf("")); got != 1 {
			t.Fatalf("dead.test got %d POSTs, want only the one that failed", got)
		}
		if got := len(n.remotes["alive.test"].postsOf("Like")); got != 2 {
			t.Fatalf("alive.test got %d Likes, want 2", got)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox'"); c != 0 {
			t.Fatalf("%d jobs left for an unavailable host", c)
		}

		// dead.test speaks again: a signed activity from it clears it.
		bob := dead.URI
		n.accept(t, create(bob, note(bob, "http://dead.test/notes/back", "<p>back</p>")))
		n.drain(t)
		if c := n.count(t, "SELECT COUNT(*) FROM unavailable_domains") + n.count(t, "SELECT COUNT(*) FROM delivery_failures"); c != 0 {
			t.Fatal("a valid activity from dead.test did not clear it")
		}
		send(3)
		if got := n.remotes["dead.test"].postsOf("Like"); len(got) != 2 || !strings.Contains(string(got[1].body), "#likes/3") {
			t.Fatalf("dead.test got %d Likes after it came back, want the third", len(got))
		}
	})
}

// remoteActor publishes an actor named name on host and stores it (as the
// first activity from it would).
func (n *network) remoteActor(t *testing.T, host, name string) *model.Account {
	t.Helper()
	id := n.remotes[host].person(t, name)
	a, err := n.fetcher.ResolveActor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// shortTimeouts gives the deliverer a client that waits read for an
// answer (and twice that for a whole request), for tests of slow peers.
func (n *network) shortTimeouts(read time.Duration) {
	n.inst.Server.Deliverer.SetClient(safehttp.New(safehttp.Options{Domain: localDomain, Resolve: n.resolve,
		AllowPrivateAddresses: true, ReadTimeout: read, Timeout: 2 * read}))
}

// forgetPosts clears what every fake remote received.
func (n *network) forgetPosts() {
	for _, r := range n.remotes {
		r.mu.Lock()
		r.posts = nil
		r.mu.Unlock()
	}
}

// advanceRetries makes every waiting delivery due now, as if its back-off
// had passed.
func (n *network) advanceRetries(t *testing.T) {
	t.Helper()
	n.exec(t, "UPDATE jobs SET run_at = 0 WHERE queue IN ('deliver', 'deliver_inbox')")
}

// exec runs a statement on the instance's database.
func (n *network) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := n.inst.Store.DB.Write.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func parseID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("id %q", s)
		}
		id = id*10 + int64(c-'0')
	}
	return id
}

// sameList reports whether a decoded JSON array holds exactly want.
func sameList(v any, want ...string) bool {
	list, _ := v.([]any)
	if len(list) != len(want) {
		return false
	}
	for i, x := range list {
		if x != want[i] {
			return false
		}
	}
	return true
}

// TestDeliveryResendsOnStaleConnection: a server that drops a kept-alive
// connection when it is reused (after reading the request, without an
// answer) gets the POST again at once on a new connection, rather than a
// retry in 16 s and a failure day.
func TestDeliveryResendsOnStaleConnection(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db)
		alice := n.inst.NewUser(t, "alice")
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		var answered, dropped atomic.Int32
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer conn.Close()
					br := bufio.NewReader(conn)
					for i := 0; ; i++ {
						req, err := http.ReadRequest(br)
						if err != nil {
							return
						}
						io.Copy(io.Discard, req.Body)
						if i > 0 { // a reused connection: drop it
							dropped.Add(1)
							return
						}
						answered.Add(1)
						io.WriteString(conn, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
					}
				}()
			}
		}()
		flaky := netip.MustParseAddrPort(ln.Addr().String())
		n.inst.Server.Deliverer.SetClient(safehttp.New(safehttp.Options{Domain: localDomain, AllowPrivateAddresses: true,
			Resolve: func(context.Context, string, string) ([]netip.AddrPort, error) { return []netip.AddrPort{flaky}, nil }}))
		ctx := context.Background()
		bob := remoteAccount("http://flaky.test/users/bob", "bob", "flaky.test")
		if err := n.inst.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.InsertRemoteAccount(ctx, bob, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			n.enqueue(t, core.Delivery{Kind: "Follow", ActorID: alice.Account.ID, ObjectID: int64(i + 1), TargetID: bob.ID})
			n.quiet(t)
		}
		if a, d := answered.Load(), dropped.Load(); a != 2 || d != 1 {
			t.Fatalf("%d POSTs answered, %d dropped; want 2 and the one on the reused connection", a, d)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs") + n.count(t, "SELECT COUNT(*) FROM delivery_failures"); c != 0 {
			t.Fatal("the dropped connection left a retry or a failure")
		}
	})
}

// TestDeliveryPerHostCap: a host gets at most PerHostDeliveries POSTs at
// once from a node; the others wait their turn without using up attempts.
func TestDeliveryPerHostCap(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "big.test")
		alice := n.inst.NewUser(t, "alice")
		r := n.remotes["big.test"]
		hold := make(chan struct{})
		r.mu.Lock()
		r.postHold = hold
		r.mu.Unlock()
		ctx := context.Background()
		const inboxes = activitypub.PerHostDeliveries + 4
		var ids []int64
		if err := n.inst.Store.InTx(ctx, func(tx *store.Store) error {
			for i := range inboxes {
				name := "u" + itoa(int64(i))
				a := remoteAccount("http://big.test/users/"+name, name, "big.test")
				a.SharedInboxURL = "" // each its own inbox
				ids = append(ids, a.ID)
				if err := tx.InsertRemoteAccount(ctx, a, time.Now()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		n.enqueue(t, core.Delivery{Kind: "Follow", ActorID: alice.Account.ID, ObjectID: 1, TargetID: ids[0], AccountIDs: ids[1:]})
		r.waitPosts(t, "Follow", activitypub.PerHostDeliveries)
		// The others came back once at least, and waited again: each job
		// put back (due later than it was made) is put back once more (due
		// later still), which takes the host's busy retry of real time.
		putBack := func() map[int64]int64 { // id → run_at
			out := map[int64]int64{}
			rows, err := n.inst.Store.DB.Read.Query("SELECT id, run_at FROM jobs WHERE queue = 'deliver_inbox' AND run_at > created_at")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id, runAt int64
				if err := rows.Scan(&id, &runAt); err != nil {
					t.Fatal(err)
				}
				out[id] = runAt
			}
			return out
		}
		waiting := inboxes - activitypub.PerHostDeliveries
		var first map[int64]int64
		testrig.Eventually(t, "every job beyond the cap put back", func() bool {
			if got := len(r.postsOf("Follow")); got > activitypub.PerHostDeliveries {
				t.Fatalf("%d POSTs at once to one host, want %d", got, activitypub.PerHostDeliveries)
			}
			first = putBack()
			return len(first) == waiting
		})
		testrig.Eventually(t, "every job beyond the cap put back again", func() bool {
			again := putBack()
			for id, runAt := range first {
				if again[id] <= runAt {
					return false
				}
			}
			return true
		})
		if got := len(r.postsOf("Follow")); got != activitypub.PerHostDeliveries {
			t.Fatalf("%d POSTs at once to one host, want %d", got, activitypub.PerHostDeliveries)
		}
		// (Polled: a waiting job counts an attempt for the instant it is
		// claimed again and put back.)
		testrig.Eventually(t, fmt.Sprintf("%d jobs waiting without an attempt counted", waiting), func() bool {
			return n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox' AND attempts = 0") == waiting
		})
		close(hold)
		r.waitPosts(t, "Follow", inboxes)
		n.quiet(t)
		if c := n.count(t, "SELECT COUNT(*) FROM jobs") + n.count(t, "SELECT COUNT(*) FROM delivery_failures"); c != 0 {
			t.Fatal("jobs or failures left")
		}
	})
}
