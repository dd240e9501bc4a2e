package activitypub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/httpsig"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

// posted is one POST a fake remote received (a delivery).
type posted struct {
	host   string
	path   string
	header http.Header
	body   []byte
	at     time.Time
}

// activity decodes the POST's body.
func (p posted) activity(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(p.body, &m); err != nil {
		t.Fatalf("POST %s%s: %v", p.host, p.path, err)
	}
	return m
}

// servePost records a delivery and answers it as scripted (postAnswers,
// postHold), 202 by default.
func (r *fakeRemote) servePost(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.posts = append(r.posts, posted{host: r.host, path: req.URL.Path, header: req.Header.Clone(), body: body, at: time.Now()})
	status := http.StatusAccepted
	if len(r.postAnswers) > 0 {
		status, r.postAnswers = r.postAnswers[0], r.postAnswers[1:]
	}
	hold := r.postHold
	r.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-req.Context().Done():
			return
		}
	}
	w.WriteHeader(status)
}

// answerPosts scripts the statuses of the next POSTs.
func (r *fakeRemote) answerPosts(statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.postAnswers = append(r.postAnswers, statuses...)
}

// postsOf returns the POSTs received so far whose activity type is typ
// ("" for all).
func (r *fakeRemote) postsOf(typ string) []posted {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []posted
	for _, p := range r.posts {
		var m struct{ Type string }
		if json.Unmarshal(p.body, &m) == nil && (typ == "" || m.Type == typ) {
			out = append(out, p)
		}
	}
	return out
}

// waitPosts waits until the remote received at least n POSTs of type typ
// and returns their activities.
func (r *fakeRemote) waitPosts(t *testing.T, typ string, n int) []map[string]any {
	t.Helper()
	testrig.Eventually(t, fmt.Sprintf("%s receives %d %s POSTs", r.host, n, typ), func() bool { return len(r.postsOf(typ)) >= n })
	got := r.postsOf(typ)
	out := make([]map[string]any, len(got))
	for i, p := range got {
		out[i] = p.activity(t)
	}
	return out
}

// verifyPost checks a delivery's HTTP signature with the public key of the
// local account its keyId names, as a receiving server would, and returns
// the key id.
func (n *network) verifyPost(t *testing.T, p posted) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://"+p.host+p.path, bytes.NewReader(p.body))
	req.Header = p.header.Clone()
	keys := httpsig.KeyFetcherFunc(func(ctx context.Context, keyID string, _ bool) (httpsig.PublicKey, error) {
		owner := strings.TrimSuffix(keyID, "#main-key")
		name := owner[strings.LastIndex(owner, "/")+1:]
		a, err := n.inst.Core.Federation.LocalAccount(ctx, name)
		if err != nil || a.URI != owner {
			return httpsig.PublicKey{}, model.ErrNotFound
		}
		key, err := httpsig.ParsePublicKeyPEM([]byte(a.PublicKey))
		return httpsig.PublicKey{ID: keyID, Owner: owner, Key: key}, err
	})
	res, err := (&httpsig.Verifier{Keys: keys, Scheme: "http"}).Verify(context.Background(), req, p.body)
	if err != nil {
		t.Fatalf("delivery to %s%s: signature: %v", p.host, p.path, err)
	}
	if res.Standard != httpsig.StandardCavage || res.Algorithm != "rsa-sha256" {
		t.Fatalf("signed with %s %s, want draft-cavage rsa-sha256", res.Standard, res.Algorithm)
	}
	if ct := p.header.Get("Content-Type"); ct != "application/activity+json" {
		t.Fatalf("Content-Type %q", ct)
	}
	return res.KeyID
}

// enqueue queues a delivery as a use case does, in a transaction of its own.
func (n *network) enqueue(t *testing.T, d core.Delivery) {
	t.Helper()
	ctx := context.Background()
	if err := n.inst.Store.InTx(ctx, func(tx *store.Store) error { return core.EnqueueDelivery(ctx, tx, d) }); err != nil {
		t.Fatal(err)
	}
}

// quiet waits until the instance has no job left to do but retries (due
// 15 s or more after they failed): deliveries, and what they set off.
func (n *network) quiet(t *testing.T) {
	t.Helper()
	n.inst.WaitJobs(t)
}

// follower makes a remote actor named name on host (published there, with
// the host's shared inbox unless noShared) follow the local account
// target through a real Follow, and returns its stored account.
func (n *network) follower(t *testing.T, host, name string, noShared bool, target *model.Account) *model.Account {
	t.Helper()
	r := n.remotes[host]
	doc := r.actorDoc(t, name)
	doc["manuallyApprovesFollowers"] = false
	if noShared {
		delete(doc, "endpoints")
	}
	r.publish(t, doc)
	id := doc["id"].(string)
	n.accept(t, act("Follow", id+"#follows/"+target.Username, id, target.URI))
	n.drain(t)
	ra, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1 AND target_account_id = $2", ra.ID, target.ID) != 1 {
		t.Fatalf("%s does not follow %s", id, target.Acct())
	}
	return ra.Account
}
