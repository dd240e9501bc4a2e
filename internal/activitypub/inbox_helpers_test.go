package activitypub_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"herd/internal/httpsig"
	"herd/internal/testrig"
)

// newFederation starts an instance whose inbox and ingest worker reach the
// fake remotes on hosts, each publishing the actors named in actors
// (bob on every host, unless others are given).
func newFederation(t *testing.T, db testrig.DB, hosts ...string) *network {
	t.Helper()
	n := newNetwork(t, db, hosts...)
	n.inst.Server.Inbox.SetFetcher(n.fetcher)
	n.inst.Server.Receiver.SetFetcher(n.fetcher)
	return n
}

// person publishes an actor named name on r and returns its id.
func (r *fakeRemote) person(t *testing.T, name string) string {
	doc := r.actorDoc(t, name)
	doc["manuallyApprovesFollowers"] = false
	r.publish(t, doc)
	return doc["id"].(string)
}

// delivery is one POST to the instance's inbox.
type delivery struct {
	path        string // "/inbox" when empty
	keyID       string // the signing key's id; the activity's actor's when empty
	contentType string // application/activity+json when empty
	body        []byte // the activity's JSON when nil
	signedBody  []byte // what the signature's digest covers, body when nil
	now         func() time.Time
	unsigned    bool
	tamper      bool // corrupt the signature value
}

// deliver POSTs activity to the inbox, signed (by default) with the shared
// test key under the actor's key id, and returns the answer.
func (n *network) deliver(t *testing.T, activity map[string]any, d delivery) *testrig.Response {
	t.Helper()
	body := d.body
	if body == nil {
		var err error
		if body, err = json.Marshal(activity); err != nil {
			t.Fatal(err)
		}
	}
	path := d.path
	if path == "" {
		path = "/inbox"
	}
	req, err := http.NewRequest(http.MethodPost, n.inst.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ct := d.contentType
	if ct == "" {
		ct = "application/activity+json"
	}
	req.Header.Set("Content-Type", ct)
	if !d.unsigned {
		keyID := d.keyID
		if keyID == "" {
			actor, _ := activity["actor"].(string)
			keyID = actor + "#main-key"
		}
		key, _ := testKey(t)
		signed := d.signedBody
		if signed == nil {
			signed = body
		}
		if err := (httpsig.Signer{KeyID: keyID, Key: key, Now: d.now}).Sign(req, signed); err != nil {
			t.Fatal(err)
		}
		if d.tamper {
			sig := req.Header.Get("Signature")
			req.Header.Set("Signature", sig[:len(sig)-6]+"AAAA\"")
		}
	}
	resp, err := n.inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return &testrig.Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// accept delivers activity and expects 202.
func (n *network) accept(t *testing.T, activity map[string]any) {
	t.Helper()
	if resp := n.deliver(t, activity, delivery{}); resp.Status != http.StatusAccepted {
		t.Fatalf("inbox answered %d %s, want 202", resp.Status, resp.Body)
	}
}

// drain waits until every stored activity was processed or dropped.
func (n *network) drain(t *testing.T) {
	t.Helper()
	drainIngest(t, n.inst)
}

// count runs a COUNT query on the instance's database.
func (n *network) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var c int
	if err := n.inst.Store.DB.Read.QueryRow(q, args...).Scan(&c); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return c
}

// note is a public Note by actor on its host.
func note(actor, id, content string) map[string]any {
	return map[string]any{
		"id": id, "type": "Note", "attributedTo": actor, "content": content,
		"published": time.Now().UTC().Format(time.RFC3339),
		"to":        []any{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []any{actor + "/followers"},
	}
}

// create wraps an object in a Create by actor.
func create(actor string, object map[string]any) map[string]any {
	id, _ := object["id"].(string)
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id + "/activity",
		"type": "Create", "actor": actor, "object": object, "to": object["to"], "cc": object["cc"]}
}

// act is an activity of kind by actor about object.
func act(kind, id, actor string, object any) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": kind,
		"actor": actor, "object": object}
}
