package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattn/go-mastodon"

	"herd/internal/testrig"
)

// streamLog keeps what a go-mastodon stream receives, so a test can wait
// for an event whatever arrived before or after it (a mention's
// notification is recorded with the post, its home update after fan-out).
type streamLog struct {
	mu     sync.Mutex
	events []mastodon.Event
}

func record(t *testing.T) func(ch chan mastodon.Event, err error) *streamLog {
	return func(ch chan mastodon.Event, err error) *streamLog {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return recordEvents(ch)
	}
}

func recordEvents(ch chan mastodon.Event) *streamLog {
	l := &streamLog{}
	go func() {
		for e := range ch {
			l.mu.Lock()
			l.events = append(l.events, e)
			l.mu.Unlock()
		}
	}()
	return l
}

// await waits until the stream has received an event that matches; an
// error event fails the test.
func (l *streamLog) await(t *testing.T, what string, match func(mastodon.Event) bool) {
	t.Helper()
	testrig.Eventually(t, what, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, e := range l.events {
			if ee, isErr := e.(*mastodon.ErrorEvent); isErr {
				t.Fatalf("%s: %v", what, ee.Err)
			}
			if match(e) {
				return true
			}
		}
		return false
	})
}

// updates lists the ids of the updates received.
func (l *streamLog) updates() []mastodon.ID {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []mastodon.ID
	for _, e := range l.events {
		if u, ok := e.(*mastodon.UpdateEvent); ok {
			out = append(out, u.Status.ID)
		}
	}
	return out
}

func isUpdate(id mastodon.ID) func(mastodon.Event) bool {
	return func(e mastodon.Event) bool {
		u, ok := e.(*mastodon.UpdateEvent)
		return ok && u.Status.ID == id
	}
}

func waitStreams(t *testing.T, inst *testrig.Instance, n int) {
	t.Helper()
	testrig.Eventually(t, "streams open", func() bool { return inst.Core.Streams.Connections() == n })
}

// TestStreamingDeliversLive follows one post through the streams a client
// opens with go-mastodon, over WebSocket and server-sent events: the
// follower's home stream and the local public stream get it, the mention
// arrives as a notification, an edit as status.update and the deletion as
// delete; a viewer who blocks the author gets none of it.
func TestStreamingDeliversLive(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)
		act(t, inst, carol.Token, "block", bob.Account.ID, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ac := inst.Client(alice.Token)
		rec := record(t)
		wsHome := rec(ac.NewWSClient().StreamingWSUser(ctx))
		sseHome := rec(ac.StreamingUser(ctx))
		local := rec(ac.NewWSClient().StreamingWSPublic(ctx, true))
		carolPublic := rec(inst.Client(carol.Token).StreamingPublic(ctx, false))
		waitStreams(t, inst, 4)

		bc := inst.Client(bob.Token)
		st, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "hello @alice", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		wsHome.await(t, "home update over WebSocket", isUpdate(st.ID))
		sseHome.await(t, "home update over SSE", isUpdate(st.ID))
		local.await(t, "local public update", isUpdate(st.ID))
		mentioned := func(e mastodon.Event) bool {
			n, ok := e.(*mastodon.NotificationEvent)
			return ok && n.Notification.Type == "mention" && n.Notification.Status != nil && n.Notification.Status.ID == st.ID
		}
		wsHome.await(t, "mention over WebSocket", mentioned)
		sseHome.await(t, "mention over SSE", mentioned)

		if _, err := bc.UpdateStatus(ctx, &mastodon.Toot{Status: "hello again @alice"}, st.ID); err != nil {
			t.Fatal(err)
		}
		wsHome.await(t, "edit", func(e mastodon.Event) bool {
			u, ok := e.(*mastodon.UpdateEditEvent)
			return ok && u.Status.ID == st.ID && strings.Contains(u.Status.Content, "again")
		})
		if err := bc.DeleteStatus(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		deleted := func(e mastodon.Event) bool {
			d, ok := e.(*mastodon.DeleteEvent)
			return ok && d.ID == st.ID
		}
		wsHome.await(t, "delete over WebSocket", deleted)
		sseHome.await(t, "delete over SSE", deleted)
		local.await(t, "delete on the public stream", deleted)

		// carol blocks bob: her public stream gets alice's post and none
		// of bob's (streams are routed in the log's order, so once
		// alice's later post is there, bob's would have been too).
		mine, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "from alice", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		carolPublic.await(t, "alice's post for carol", isUpdate(mine.ID))
		if got := carolPublic.updates(); len(got) != 1 {
			t.Errorf("carol, who blocks bob, got updates %v, want only %s", got, mine.ID)
		}
	})
}

// wsDial opens a raw WebSocket to the streaming API.
func wsDial(t *testing.T, inst *testrig.Instance, query string, header http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial("ws://"+inst.Domain+"/api/v1/streaming"+query, header)
	if c != nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, resp, err
}

// readWS reads one JSON message from a raw socket.
func readWS(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	var m map[string]any
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read: %v", err)
	}
	return m
}

// TestStreamingRefusals checks the answers Mastodon gives to what a
// stream refuses, over HTTP and on an open socket, which stays usable.
func TestStreamingRefusals(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	app := inst.Token(t, 0, "read")
	statusesOnly := inst.Token(t, alice.Account.ID, "read:statuses")

	if r := inst.Do(t, "GET", "/api/v1/streaming/health", "", nil); r.Status != 200 || string(r.Body) != "OK" {
		t.Errorf("health = %d %q", r.Status, r.Body)
	}
	// Without an upgrade: 404, which clients read as "streaming is here".
	inst.Expect(t, 404, "GET", "/api/v1/streaming", alice.Token, nil)
	for _, c := range []struct {
		path, token string
		status      int
		msg         string
	}{
		{"/api/v1/streaming/nope", alice.Token, 400, "Unknown channel requested"},
		{"/api/v1/streaming/user", "", 401, "Missing access token"},
		{"/api/v1/streaming/user", "not-a-token", 401, ""},
		{"/api/v1/streaming/public", app, 401, "Invalid access token"},
		{"/api/v1/streaming/hashtag", alice.Token, 400, "Missing tag name parameter"},
		{"/api/v1/streaming/list", alice.Token, 400, "Missing list name parameter"},
		{"/api/v1/streaming/list?list=1", alice.Token, 401, "Not authorized to stream this list"},
		{"/api/v1/streaming/user/notification", statusesOnly, 401, "Access token does not have the required scopes"},
	} {
		r := inst.Do(t, "GET", c.path, c.token, nil)
		var body struct{ Error string }
		json.Unmarshal(r.Body, &body)
		if r.Status != c.status || (c.msg != "" && body.Error != c.msg) {
			t.Errorf("%s: %d %s, want %d %q", c.path, r.Status, r.Body, c.status, c.msg)
		}
	}

	// The WebSocket refuses a bad token before the upgrade.
	if _, resp, err := wsDial(t, inst, "?stream=user&access_token=nope", nil); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Errorf("WebSocket with a bad token: %v %v", resp, err)
	}
	// The token may come as the WebSocket protocol, which is echoed.
	c, resp, err := wsDial(t, inst, "", http.Header{"Sec-WebSocket-Protocol": {alice.Token}})
	if err != nil {
		t.Fatalf("WebSocket with the token as protocol: %v", err)
	}
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != alice.Token {
		t.Errorf("protocol echoed = %q", got)
	}
	for _, m := range []struct {
		send any
		want string
	}{
		{map[string]any{"type": "subscribe", "stream": "nope"}, `{"error":"Unknown stream type","status":400}`},
		{map[string]any{"type": "subscribe", "stream": "hashtag"}, `{"error":"Missing tag name parameter","status":400}`},
		{map[string]any{"type": "subscribe", "stream": "list", "list": 7}, `{"error":"Not authorized to stream this list","status":401}`},
	} {
		if err := c.WriteJSON(m.send); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(readWS(t, c))
		var want map[string]any
		json.Unmarshal([]byte(m.want), &want)
		wantJSON, _ := json.Marshal(want)
		if string(got) != string(wantJSON) {
			t.Errorf("after %v: %s, want %s", m.send, got, wantJSON)
		}
	}
	// Garbage is ignored; the socket still subscribes and streams. The
	// client's messages are handled in order, so once the refusal of the
	// last one comes back the hashtag subscription before it is in place.
	c.WriteMessage(websocket.TextMessage, []byte("{not json"))
	if err := c.WriteJSON(map[string]any{"type": "subscribe", "stream": []string{"hashtag"}, "tag": "Cats"}); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteJSON(map[string]any{"type": "subscribe", "stream": "nope"}); err != nil {
		t.Fatal(err)
	}
	if m := readWS(t, c); m["error"] != "Unknown stream type" {
		t.Fatalf("after the subscriptions: %v", m)
	}
	st, err := inst.Client(alice.Token).PostStatus(context.Background(), &mastodon.Toot{Status: "#cats are here", Visibility: "public"})
	if err != nil {
		t.Fatal(err)
	}
	m := readWS(t, c)
	stream, _ := json.Marshal(m["stream"])
	payload, _ := m["payload"].(string)
	if m["event"] != "update" || string(stream) != `["hashtag","Cats"]` || !strings.Contains(payload, `"id":"`+string(st.ID)+`"`) {
		t.Errorf("hashtag message = %v", m)
	}
}

// TestStreamsEndWithTheirToken: revoking a token ends the streams opened
// with it, suspending an account ends its streams, and neither may open
// a new one.
func TestStreamsEndWithTheirToken(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ac, _, err := wsDial(t, inst, "?stream=user&access_token="+alice.Token, nil)
		if err != nil {
			t.Fatal(err)
		}
		bc, _, err := wsDial(t, inst, "?stream=public", http.Header{"Authorization": {"Bearer " + bob.Token}})
		if err != nil {
			t.Fatal(err)
		}
		waitStreams(t, inst, 2)
		v, err := inst.Core.Accounts.Authenticate(ctx, alice.Token)
		if err != nil {
			t.Fatal(err)
		}
		if err := inst.Core.Accounts.RevokeToken(ctx, v.Token.ID); err != nil {
			t.Fatal(err)
		}
		if err := inst.Core.Accounts.SuspendAccount(ctx, bob.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]*websocket.Conn{"revoked token": ac, "suspended account": bc} {
			c.SetReadDeadline(time.Now().Add(testrig.WaitTimeout))
			for {
				_, _, err := c.ReadMessage()
				if err == nil {
					continue // an event that came first
				}
				if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
					t.Errorf("%s: socket ended with %v, want a normal close", name, err)
				}
				break
			}
		}
		waitStreams(t, inst, 0)
		for _, tok := range []string{alice.Token, bob.Token} {
			if _, resp, err := wsDial(t, inst, "?stream=user&access_token="+tok, nil); err == nil || resp == nil || resp.StatusCode != 401 {
				t.Errorf("reconnecting: %v %v, want 401", resp, err)
			}
		}
	})
}

// TestStreamingAcrossNodes: two nodes of one instance on one PostgreSQL
// database; a post made through one reaches a stream open on the other,
// the events log being the bus.
func TestStreamingAcrossNodes(t *testing.T) {
	if os.Getenv(testrig.PostgresEnv) == "" {
		t.Skip("needs PostgreSQL: set " + testrig.PostgresEnv)
	}
	db := testrig.Postgres.Shared(t)
	one, two := testrig.Start(t, db), testrig.Start(t, db)
	alice, bob := one.NewUser(t, "alice"), one.NewUser(t, "bob")
	act(t, one, alice.Token, "follow", bob.Account.ID, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	home := record(t)(two.Client(alice.Token).NewWSClient().StreamingWSUser(ctx))
	waitStreams(t, two, 1)
	st, err := one.Client(bob.Token).PostStatus(ctx, &mastodon.Toot{Status: "from node one @alice", Visibility: "public"})
	if err != nil {
		t.Fatal(err)
	}
	home.await(t, "the post on node two's stream", isUpdate(st.ID))
	home.await(t, "the mention on node two's stream", func(e mastodon.Event) bool {
		n, ok := e.(*mastodon.NotificationEvent)
		return ok && n.Notification.Type == "mention"
	})
}

// TestStreamedViewsArePerViewer: a new post goes to many followers as one
// rendering, but what differs per viewer still does: a boost of a post
// alice favourited shows favourited to her and not to carol.
func TestStreamedViewsArePerViewer(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice, bob, carol, dana := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"), inst.NewUser(t, "dana")
	for _, u := range []*testrig.User{alice, carol} {
		act(t, inst, u.Token, "follow", bob.Account.ID, nil)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	x, err := inst.Client(dana.Token).PostStatus(ctx, &mastodon.Toot{Status: "dana's post", Visibility: "public"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inst.Client(alice.Token).Favourite(ctx, x.ID); err != nil {
		t.Fatal(err)
	}
	aliceHome := record(t)(inst.Client(alice.Token).NewWSClient().StreamingWSUser(ctx))
	carolHome := record(t)(inst.Client(carol.Token).NewWSClient().StreamingWSUser(ctx))
	waitStreams(t, inst, 2)
	orig, err := inst.Client(bob.Token).PostStatus(ctx, &mastodon.Toot{Status: "bob's post", Visibility: "public"})
	if err != nil {
		t.Fatal(err)
	}
	boost, err := inst.Client(bob.Token).Reblog(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*streamLog{"alice": aliceHome, "carol": carolHome} {
		l.await(t, name+" gets bob's post", isUpdate(orig.ID))
		var favourited *bool
		l.await(t, name+" gets bob's boost", func(e mastodon.Event) bool {
			u, ok := e.(*mastodon.UpdateEvent)
			if ok && u.Status.ID == boost.ID && u.Status.Reblog != nil {
				f, _ := u.Status.Reblog.Favourited.(bool)
				favourited = &f
			}
			return favourited != nil
		})
		if want := name == "alice"; *favourited != want {
			t.Errorf("%s sees the boosted post favourited = %v", name, *favourited)
		}
	}
}
