package activitypub

import (
	"net/http"
)

// InstanceActor is the document of the instance actor (Mastodon's
// representative account at /actor): an Application named after the
// domain, which signs fetches made for the instance rather than for a
// user, and which nobody can follow without approval.
type InstanceActor struct {
	Context                   any       `json:"@context"`
	ID                        string    `json:"id"`
	Type                      string    `json:"type"`
	Inbox                     string    `json:"inbox"`
	Outbox                    string    `json:"outbox"`
	PreferredUsername         string    `json:"preferredUsername"`
	URL                       string    `json:"url"`
	ManuallyApprovesFollowers bool      `json:"manuallyApprovesFollowers"`
	PublicKey                 PublicKey `json:"publicKey"`
	Endpoints                 Endpoints `json:"endpoints"`
}

func (h *Handler) instanceActorURI() string { return h.core.BaseURL() + "/actor" }

// instanceActorURL is where Mastodon points the instance actor's profile.
func (h *Handler) instanceActorURL() string {
	return h.core.BaseURL() + "/about/more?instance_actor=true"
}

// instanceActor handles GET /actor. The instance actor is served to
// browsers too (it has no page of its own to redirect to).
func (h *Handler) instanceActor(w http.ResponseWriter, r *http.Request) error {
	pub, err := h.instanceActorKey(r)
	if err != nil {
		return err
	}
	id := h.instanceActorURI()
	return writeDocument(w, &InstanceActor{
		Context: actorContext, ID: id, Type: "Application",
		Inbox: id + "/inbox", Outbox: id + "/outbox",
		PreferredUsername: h.core.Config.Domain, URL: h.instanceActorURL(),
		ManuallyApprovesFollowers: true,
		PublicKey:                 PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pub},
		Endpoints:                 Endpoints{SharedInbox: h.core.BaseURL() + "/inbox"},
	})
}

// instanceActorKey loads the instance actor's public key once (making the
// pair on the very first fetch) and keeps it: it never changes.
func (h *Handler) instanceActorKey(r *http.Request) (string, error) {
	h.keyMu.Lock()
	defer h.keyMu.Unlock()
	if h.actorKeys != "" {
		return h.actorKeys, nil
	}
	pub, _, err := h.core.Federation.InstanceActorKeys(r.Context())
	if err != nil {
		return "", err
	}
	h.actorKeys = pub
	return pub, nil
}

// instanceActorOutbox handles GET /actor/outbox: the instance actor posts
// nothing.
func (h *Handler) instanceActorOutbox(w http.ResponseWriter, r *http.Request) error {
	return writeDocument(w, &Collection{
		Context: asContext, ID: h.instanceActorURI() + "/outbox", Type: "OrderedCollection", TotalItems: count(0),
		OrderedItems: []any{},
	})
}
