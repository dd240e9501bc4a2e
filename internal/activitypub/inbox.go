package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"herd/internal/core"
	"herd/internal/core/site"
	"herd/internal/httpsig"
	"herd/internal/model"
)

// maxInboxBody is the largest activity the inbox reads (Mastodon's 1 MB).
const maxInboxBody = 1 << 20

// Inbox is the receiving door of federation: POST /inbox (shared) and
// POST /users/{name}/inbox. It checks the request (size, content type, a
// JSON object), verifies the HTTP signature, stores the activity as a
// durable job and answers 202; a worker (Receiver) processes it. Nothing
// answered 202 is lost, whatever happens to the process after.
type Inbox struct {
	core    *core.Core
	fetcher atomic.Pointer[Fetcher]
	log     *slog.Logger
	keys    *keyCache
	// Now is the clock signatures are judged by; nil means time.Now.
	Now func() time.Time
	// Admit decides whether a host may deliver at all:
	// core.Domains.FederationAllowed (suspended domains, and in
	// limited-federation mode those not allowed, are refused). Both the
	// activity's actor and the signing key must be on admitted hosts;
	// otherwise the inbox answers 403 before any key is fetched, as
	// Mastodon's signature check refuses a domain that is not allowed.
	// Tests may replace it.
	Admit func(ctx context.Context, host string) bool
}

// newInbox builds the inbox (its routes are in routes.go). f fetches keys
// and actors.
func newInbox(c *core.Core, f *Fetcher, log *slog.Logger) *Inbox {
	in := &Inbox{core: c, log: log, keys: newKeyCache(), Admit: c.Domains.FederationAllowed}
	in.fetcher.Store(f)
	return in
}

// ingestJob is the payload of an ingest job: the activity as received and
// who signed it.
type ingestJob struct {
	Activity json.RawMessage `json:"activity"`
	// Signer is the actor that owns the key the request was signed with.
	Signer string `json:"signer"`
	// Forwarded is true when the signer is not the activity's actor (a
	// reply Mastodon forwards to the thread's audience): nothing in the
	// body is trusted and its object is fetched again from its origin.
	Forwarded bool `json:"forwarded,omitempty"`
}

// envelope is the part of an activity the inbox reads before storing it.
type envelope struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Actor  json.RawMessage `json:"actor"`
	Object json.RawMessage `json:"object"`
}

func (in *Inbox) serve(w http.ResponseWriter, r *http.Request) {
	if name := r.PathValue("name"); name != "" {
		if _, err := in.core.Federation.LocalAccount(r.Context(), name); err != nil {
			inboxError(w, http.StatusNotFound, "Record not found")
			return
		}
	}
	if !isActivityPubType(r.Header.Get("Content-Type")) {
		inboxError(w, http.StatusUnsupportedMediaType, "Unsupported content type")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInboxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			inboxError(w, http.StatusRequestEntityTooLarge, "Payload too large")
			return
		}
		inboxError(w, http.StatusBadRequest, "Unreadable body")
		return
	}
	var env envelope
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' || json.Unmarshal(body, &env) != nil {
		inboxError(w, http.StatusBadRequest, "Body is not a JSON object")
		return
	}
	actorURI := linkID(env.Actor)
	if actorURI == "" || env.Type == "" {
		inboxError(w, http.StatusBadRequest, "Activity without type or actor")
		return
	}
	if u, err := in.fetcher.Load().CheckURI(actorURI); err != nil {
		inboxError(w, http.StatusBadRequest, "Unacceptable actor")
		return
	} else if in.Admit != nil && !in.Admit(r.Context(), site.CanonicalHost(u)) {
		inboxError(w, http.StatusForbidden, "Request not allowed from this domain")
		return
	}
	// Account deletions come in bursts and their key can no longer be
	// fetched: a Delete of an actor never known is acknowledged without
	// asking anyone, as Mastodon does.
	if env.Type == "Delete" && linkID(env.Object) == actorURI {
		if _, err := in.core.Federation.RemoteAccountByURI(r.Context(), actorURI); errors.Is(err, model.ErrNotFound) {
			w.WriteHeader(http.StatusAccepted)
			return
		}
	}
	keys := &inboxKeys{fetcher: in.fetcher.Load(), cache: in.keys}
	admitted := &federatedKeys{inner: keys, allowed: in.Admit}
	v := httpsig.Verifier{Keys: admitted, Now: in.Now, Scheme: in.core.Config.Protocol}
	if _, err := v.Verify(r.Context(), r, body); err != nil {
		if admitted.refused {
			inboxError(w, http.StatusForbidden, "Request not allowed from this domain")
			return
		}
		in.log.Info("inbox: signature refused", "actor", actorURI, "err", err)
		inboxError(w, http.StatusUnauthorized, "Request not signed or signature invalid")
		return
	}
	job := ingestJob{Activity: body, Signer: keys.owner, Forwarded: keys.owner != actorURI}
	payload, err := json.Marshal(job)
	if err == nil {
		err = in.core.Federation.EnqueueIngest(r.Context(), string(payload))
	}
	if err != nil {
		in.log.Error("inbox: storing activity", "err", err)
		inboxError(w, http.StatusInternalServerError, "Internal server error")
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func inboxError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// linkID reads a property that names an object: a string, or an object
// with an id (the first of a list).
func linkID(raw json.RawMessage) string {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil || len(items) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(items[0], &s) == nil {
		return s
	}
	var obj struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(items[0], &obj) == nil {
		return obj.ID
	}
	return ""
}

// SetFetcher replaces the fetcher keys and actors are found through (tests
// point it at fake remotes).
func (in *Inbox) SetFetcher(f *Fetcher) { in.fetcher.Store(f) }
