package activitypub_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"herd/internal/activitypub"
	"herd/internal/config"
	"herd/internal/httpsig"
	"herd/internal/safehttp"
	"herd/internal/testrig"
)

// localDomain is the instance's domain in these tests; the hostile remotes
// try to speak for it.
const localDomain = "herd.test"

var (
	remoteKeyOnce sync.Once
	remoteKeyPEM  string
	remoteKey     *rsa.PrivateKey
)

// testKey is one RSA key shared by every fake actor (generating a key per
// test would cost seconds on a shared machine).
func testKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	remoteKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		remoteKey = k
		remoteKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	})
	return remoteKey, remoteKeyPEM
}

// answer is what a fake remote serves at one path (with its query).
type answer struct {
	status      int // 200 when 0
	contentType string
	body        []byte
	location    string // for redirects
}

// fakeRemote is a hostile (or well-behaved) server under a hostname of its
// own, reached through safehttp's test resolver.
type fakeRemote struct {
	host  string
	srv   *httptest.Server
	mu    sync.Mutex
	docs  map[string]answer
	hits  map[string]int
	sigs  []string        // Signature headers received
	reqs  []*http.Request // every GET, for checking signatures
	posts []posted        // every POST (deliveries), in order
	// postAnswers are the statuses the next POSTs get, in order (202 once
	// used up); postHold, when set, holds every POST until it is closed
	// or the client gives up (deliver_helpers_test.go).
	postAnswers []int
	postHold    chan struct{}
}

func (r *fakeRemote) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method == http.MethodPost {
		r.servePost(w, req)
		return
	}
	r.mu.Lock()
	a, ok := r.docs[req.URL.RequestURI()]
	r.hits[req.URL.RequestURI()]++
	if s := req.Header.Get("Signature"); s != "" {
		r.sigs = append(r.sigs, s)
	}
	r.reqs = append(r.reqs, req.Clone(context.Background()))
	r.mu.Unlock()
	if !ok {
		http.NotFound(w, req)
		return
	}
	if a.location != "" {
		w.Header().Set("Location", a.location)
	}
	if a.contentType != "" {
		w.Header().Set("Content-Type", a.contentType)
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
}

// serve sets what path answers.
func (r *fakeRemote) serve(path string, a answer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[path] = a
}

// serveJSON serves v as an ActivityPub document at path.
func (r *fakeRemote) serveJSON(path string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	r.serve(path, answer{contentType: "application/activity+json", body: b})
}

// getCount is how many GETs this remote has answered.
func (r *fakeRemote) getCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func (r *fakeRemote) hitCount(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits[path]
}

// url is the http URL of path on this remote (port 80: the resolver sends
// every port of the host to the listener).
func (r *fakeRemote) url(path string) string { return "http://" + r.host + path }

// serveWebFinger answers WebFinger for user@host with a self link to href
// and the given subject.
func (r *fakeRemote) serveWebFinger(user, href, subject string) {
	q := url.Values{"resource": {"acct:" + user + "@" + r.host}}
	jrd := map[string]any{"subject": "acct:" + subject, "links": []any{
		map[string]any{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": href},
		map[string]any{"rel": "self", "type": "application/activity+json", "href": href},
	}}
	b, _ := json.Marshal(jrd)
	r.serve("/.well-known/webfinger?"+q.Encode(), answer{contentType: "application/jrd+json", body: b})
}

// actorDoc is a Mastodon-shaped actor for name on r, with a key it owns.
func (r *fakeRemote) actorDoc(t *testing.T, name string) map[string]any {
	_, pub := testKey(t)
	id := r.url("/users/" + name)
	return map[string]any{
		"@context":                  []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                        id,
		"type":                      "Person",
		"preferredUsername":         name,
		"name":                      "Bob B.",
		"summary":                   "<p>Hello</p>",
		"url":                       r.url("/@" + name),
		"inbox":                     id + "/inbox",
		"outbox":                    id + "/outbox",
		"followers":                 id + "/followers",
		"following":                 map[string]any{"type": "OrderedCollection", "totalItems": 7},
		"endpoints":                 map[string]any{"sharedInbox": r.url("/inbox")},
		"manuallyApprovesFollowers": true,
		"discoverable":              true,
		"icon":                      map[string]any{"type": "Image", "url": r.url("/avatar.png")},
		"attachment": []any{
			map[string]any{"type": "PropertyValue", "name": "Site", "value": `<a href="https://bob.example" rel="me">bob.example</a>`},
		},
		"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": pub},
	}
}

// publish serves an actor document, its WebFinger answer and its
// collections' sizes.
func (r *fakeRemote) publish(t *testing.T, actor map[string]any) {
	id := actor["id"].(string)
	u, _ := url.Parse(id)
	r.serveJSON(u.Path, actor)
	if name, ok := actor["preferredUsername"].(string); ok {
		r.serveWebFinger(name, id, name+"@"+r.host)
	}
	r.serveJSON(u.Path+"/outbox", map[string]any{"id": id + "/outbox", "type": "OrderedCollection", "totalItems": 42})
	r.serveJSON(u.Path+"/followers", map[string]any{"id": id + "/followers", "type": "OrderedCollection", "totalItems": 3})
}

// network is one Herd instance and the fake remotes it can reach.
type network struct {
	client  *safehttp.Client
	resolve func(ctx context.Context, host, port string) ([]netip.AddrPort, error)
	inst    *testrig.Instance
	fetcher *activitypub.Fetcher
	remotes map[string]*fakeRemote
}

// newNetwork starts an instance on db under localDomain (http, as local
// tests run) and one fake remote per host. The fetcher signs with a test
// key, standing in for the instance actor's.
func newNetwork(t *testing.T, db testrig.DB, hosts ...string) *network {
	t.Helper()
	return newNetworkWith(t, db, nil, hosts...)
}

// newNetworkWith is newNetwork with configure, when not nil, adjusting the
// instance's settings before it starts.
func newNetworkWith(t *testing.T, db testrig.DB, configure func(*config.Config), hosts ...string) *network {
	t.Helper()
	n := &network{remotes: map[string]*fakeRemote{}}
	n.inst = testrig.Start(t, db, func(c *config.Config) {
		c.Domain = localDomain
		if configure != nil {
			configure(c)
		}
	})
	table := map[string]string{}
	for _, h := range hosts {
		r := &fakeRemote{host: h, docs: map[string]answer{}, hits: map[string]int{}}
		r.srv = httptest.NewServer(r)
		t.Cleanup(r.srv.Close)
		table[h] = r.srv.Listener.Addr().String()
		n.remotes[h] = r
	}
	// The local domain maps to a listener too, which must never be asked.
	local := &fakeRemote{host: localDomain, docs: map[string]answer{}, hits: map[string]int{}}
	local.srv = httptest.NewServer(local)
	t.Cleanup(local.srv.Close)
	table[localDomain] = local.srv.Listener.Addr().String()
	n.remotes[localDomain] = local
	resolve, err := safehttp.MapHosts(table)
	if err != nil {
		t.Fatal(err)
	}
	client := safehttp.New(safehttp.Options{Domain: localDomain, Resolve: resolve, AllowPrivateAddresses: true})
	n.client, n.resolve = client, resolve
	key, _ := testKey(t)
	signer := httpsig.Signer{KeyID: "http://" + localDomain + "/actor#main-key", Key: key}
	n.fetcher = activitypub.NewFetcher(client, n.inst.Core, func(context.Context) (httpsig.Signer, bool, error) {
		return signer, true, nil
	})
	n.inst.Server.Receiver.SetFetcher(n.fetcher)
	n.inst.Server.Deliverer.SetClient(client)
	return n
}

// remoteCount is how many remote accounts the instance stores.
func (n *network) remoteCount(t *testing.T) int {
	t.Helper()
	var c int
	if err := n.inst.Store.DB.Read.QueryRow("SELECT COUNT(*) FROM accounts WHERE domain <> ''").Scan(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// ageRemote makes every stored remote account look fetched two days ago.
func (n *network) ageRemote(t *testing.T) {
	t.Helper()
	if _, err := n.inst.Store.DB.Write.Exec("UPDATE accounts SET fetched_at = 1 WHERE domain <> ''"); err != nil {
		t.Fatal(err)
	}
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }
