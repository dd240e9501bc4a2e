package api_test

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/config"
	"herd/internal/testrig"
	"herd/internal/webpush"
)

// pushService is a push service inside the test: it holds the user
// agents' private keys, checks each message's VAPID signature, decrypts
// it as the browser would and keeps the payloads; an endpoint can be told
// to answer 410 Gone.
type pushService struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	agents   map[string]*agent // by endpoint path
	received []pushed
	gone     map[string]bool
}

type agent struct {
	priv         *ecdh.PrivateKey
	p256dh, auth string
}

type pushed struct {
	path, encoding, vapidKey string
	payload                  map[string]any
}

func newPushService(t *testing.T) *pushService {
	ps := &pushService{t: t, agents: map[string]*agent{}, gone: map[string]bool{}}
	ps.srv = httptest.NewServer(http.HandlerFunc(ps.serve))
	t.Cleanup(ps.srv.Close)
	return ps
}

// endpoint makes a user agent's keys and returns its endpoint.
func (ps *pushService) endpoint(name string) (endpoint string, a *agent) {
	priv, p256dh, auth, err := webpush.NewUserAgentKeys()
	if err != nil {
		ps.t.Fatal(err)
	}
	a = &agent{priv: priv, p256dh: p256dh, auth: auth}
	ps.mu.Lock()
	ps.agents["/push/"+name] = a
	ps.mu.Unlock()
	return ps.srv.URL + "/push/" + name, a
}

func (ps *pushService) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	a := ps.agents[r.URL.Path]
	if a == nil || ps.gone[r.URL.Path] {
		w.WriteHeader(http.StatusGone)
		return
	}
	key, err := webpush.VerifyVAPID(r.Header, ps.srv.URL+r.URL.Path)
	if err != nil {
		ps.t.Errorf("push to %s: VAPID: %v", r.URL.Path, err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	auth, _ := base64.RawURLEncoding.DecodeString(a.auth)
	plain, err := webpush.Decrypt(r.Header.Get("Content-Encoding"), r.Header, body, a.priv, auth)
	if err != nil {
		ps.t.Errorf("push to %s: decrypt: %v", r.URL.Path, err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var payload map[string]any
	if err := json.Unmarshal(plain, &payload); err != nil {
		ps.t.Errorf("push to %s: payload %q: %v", r.URL.Path, plain, err)
	}
	ps.received = append(ps.received, pushed{path: r.URL.Path, encoding: r.Header.Get("Content-Encoding"), vapidKey: key, payload: payload})
	w.WriteHeader(http.StatusCreated)
}

func (ps *pushService) messages() []pushed {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]pushed(nil), ps.received...)
}

func allowLoopbackPush(c *config.Config) { c.AllowPrivateAddresses = true }

// TestWebPush: an app subscribes two tokens, one with RFC 8291 encryption
// and one with the legacy scheme; a mention reaches both, each decrypted
// with its user agent's key and signed with the instance's VAPID key;
// types not asked for and senders the policy excludes are not pushed; a
// push service answering 410 ends the subscription.
func TestWebPush(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db, allowLoopbackPush)
		ps := newPushService(t)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		phone := inst.Token(t, alice.Account.ID, "read", "write", "push")
		subscribe := func(token, name string, standard bool, policy string) map[string]any {
			endpoint, ua := ps.endpoint(name)
			var sub map[string]any
			inst.Expect(t, 200, "POST", "/api/v1/push/subscription", token, map[string]any{
				"subscription": map[string]any{"endpoint": endpoint, "standard": standard,
					"keys": map[string]string{"p256dh": ua.p256dh, "auth": ua.auth}},
				"data": map[string]any{"alerts": map[string]bool{"mention": true, "favourite": true}, "policy": policy},
			}).JSON(t, &sub)
			return sub
		}
		browser := subscribe(alice.Token, "browser", true, "all")
		subscribe(phone, "phone", false, "followed")
		if browser["standard"] != true || browser["policy"] != "all" {
			t.Errorf("subscription = %v", browser)
		}
		alerts, _ := browser["alerts"].(map[string]any)
		if alerts["mention"] != true || alerts["follow"] != false || alerts["admin.sign_up"] != false {
			t.Errorf("alerts = %v", alerts)
		}
		var instance struct {
			Configuration struct {
				Vapid struct {
					PublicKey string `json:"public_key"`
				}
			}
		}
		inst.Expect(t, 200, "GET", "/api/v2/instance", "", nil).JSON(t, &instance)
		if key := instance.Configuration.Vapid.PublicKey; key == "" || key != browser["server_key"] {
			t.Errorf("instance VAPID key %q, subscription's server_key %v", key, browser["server_key"])
		}

		// alice follows bob: his mention reaches both subscriptions.
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)
		ctx := context.Background()
		st, err := inst.Client(bob.Token).PostStatus(ctx, &mastodon.Toot{Status: "hi @alice, this is bob", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "two pushes of the mention", func() bool { return len(ps.messages()) == 2 })
		byPath := map[string]pushed{}
		for _, m := range ps.messages() {
			byPath[m.path] = m
		}
		for path, want := range map[string]struct{ encoding, token string }{
			"/push/browser": {"aes128gcm", alice.Token}, "/push/phone": {"aesgcm", phone},
		} {
			m := byPath[path]
			if m.encoding != want.encoding || m.vapidKey != browser["server_key"] {
				t.Errorf("%s: encoding %q, VAPID key %q", path, m.encoding, m.vapidKey)
			}
			p := m.payload
			if p["notification_type"] != "mention" || p["access_token"] != want.token || p["title"] != "bob mentioned you" ||
				!strings.Contains(p["body"].(string), "this is bob") || p["preferred_locale"] == "" || p["notification_id"] == "" {
				t.Errorf("%s: payload %v", path, p)
			}
		}

		// carol follows alice (not asked for) and favourites her post:
		// the browser (policy all) gets the favourite, the phone (policy
		// followed: alice does not follow carol) gets nothing.
		mine, err := inst.Client(alice.Token).PostStatus(ctx, &mastodon.Toot{Status: "a post", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		act(t, inst, carol.Token, "follow", alice.Account.ID, nil)
		if _, err := inst.Client(carol.Token).Favourite(ctx, mine.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "the favourite pushed", func() bool { return len(ps.messages()) == 3 })
		inst.WaitJobs(t)
		msgs := ps.messages()
		if len(msgs) != 3 || msgs[2].path != "/push/browser" || msgs[2].payload["notification_type"] != "favourite" {
			t.Errorf("after the follow and the favourite: %v", msgs)
		}
		_ = st

		// The browser's push service says it is gone: the subscription ends.
		ps.mu.Lock()
		ps.gone["/push/browser"] = true
		ps.mu.Unlock()
		if _, err := inst.Client(carol.Token).Unfavourite(ctx, mine.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Client(carol.Token).Favourite(ctx, mine.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "the gone subscription deleted", func() bool {
			return inst.Do(t, "GET", "/api/v1/push/subscription", alice.Token, nil).Status == 404
		})
		inst.Expect(t, 200, "GET", "/api/v1/push/subscription", phone, nil)
	})
}

// TestWebPushRefusals: bad subscriptions answer 422 and store nothing.
func TestWebPushRefusals(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite) // production rules: https only
	alice := inst.NewUser(t, "alice")
	_, p256dh, auth, err := webpush.NewUserAgentKeys()
	if err != nil {
		t.Fatal(err)
	}
	inst.Expect(t, 404, "GET", "/api/v1/push/subscription", alice.Token, nil)
	inst.Expect(t, 404, "PUT", "/api/v1/push/subscription", alice.Token, map[string]any{"policy": "none"})
	inst.Expect(t, 200, "DELETE", "/api/v1/push/subscription", alice.Token, nil)
	notOnCurve := base64.RawURLEncoding.EncodeToString(append([]byte{4}, make([]byte, 64)...))
	for name, sub := range map[string]map[string]any{
		"http endpoint":   {"endpoint": "http://push.example/x", "keys": map[string]string{"p256dh": p256dh, "auth": auth}},
		"not a URL":       {"endpoint": "push me", "keys": map[string]string{"p256dh": p256dh, "auth": auth}},
		"point off curve": {"endpoint": "https://push.example/x", "keys": map[string]string{"p256dh": notOnCurve, "auth": auth}},
		"short auth":      {"endpoint": "https://push.example/x", "keys": map[string]string{"p256dh": p256dh, "auth": "AAAA"}},
		"bad base64":      {"endpoint": "https://push.example/x", "keys": map[string]string{"p256dh": "!!", "auth": auth}},
	} {
		r := inst.Do(t, "POST", "/api/v1/push/subscription", alice.Token, map[string]any{"subscription": sub})
		if r.Status != 422 || !strings.Contains(string(r.Body), `"error":"Validation failed`) {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	r := inst.Do(t, "POST", "/api/v1/push/subscription", alice.Token, map[string]any{"subscription": map[string]any{
		"endpoint": "https://push.example/x", "keys": map[string]string{"p256dh": p256dh, "auth": auth}},
		"data": map[string]any{"policy": "friends"}})
	if r.Status != 422 {
		t.Errorf("unknown policy: %d %s", r.Status, r.Body)
	}
	inst.Expect(t, 404, "GET", "/api/v1/push/subscription", alice.Token, nil)
	// A token without the push scope may not subscribe.
	inst.Expect(t, 403, "POST", "/api/v1/push/subscription", inst.Token(t, alice.Account.ID, "read"), nil)
}
