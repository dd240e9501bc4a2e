package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"herd/internal/core"
	"herd/internal/httpsig"
	"herd/internal/jobs"
	"herd/internal/model"
	"herd/internal/safehttp"
)

// Deliverer is the sending door of federation. It works two job queues:
// core.QueueDelivery, where use cases say what happened (a core.Delivery),
// and core.QueueDeliverInbox, one signed POST of one activity to one
// inbox. A Delivery is turned into its activity and expanded into one
// inbox job per recipient server (shared inboxes preferred), so each
// server is retried on its own schedule (DESIGN.md principle 3).
type Deliverer struct {
	core   *core.Core
	docs   *Handler // the document builders the GET side serves
	log    *slog.Logger
	client atomic.Pointer[safehttp.Client]
	hosts  *hostSlots

	keyMu sync.Mutex
	keys  map[int64]httpsig.Signer // parsed signing keys of local actors
}

// PerHostDeliveries caps the POSTs this node has in flight to one remote
// host (DESIGN.md: a cap on concurrent deliveries per remote domain), so a
// post to a big instance's many inboxes does not look like an attack, and
// a slow host holds at most this many of the workers' slots.
const PerHostDeliveries = 8

// NewDeliverer builds the delivery worker; client is the one outbound
// client (safehttp).
func NewDeliverer(c *core.Core, client *safehttp.Client, log *slog.Logger) *Deliverer {
	dl := &Deliverer{core: c, docs: &Handler{core: c, log: log}, log: log, hosts: newHostSlots(PerHostDeliveries),
		keys: map[int64]httpsig.Signer{}}
	dl.client.Store(client)
	return dl
}

// SetClient replaces the outbound client (tests reach fake servers on
// loopback through a client of their own).
func (dl *Deliverer) SetClient(c *safehttp.Client) { dl.client.Store(c) }

// inboxJob is the payload of a core.QueueDeliverInbox job: everything a
// POST needs, so a retry days later sends the same bytes without reading
// any row but the signing key.
type inboxJob struct {
	Inbox    string          `json:"inbox"`
	ActorID  int64           `json:"actor_id"`
	Activity json.RawMessage `json:"activity"`
}

// Jobs works a batch of core.QueueDelivery jobs: each becomes its
// activity and one inbox job per recipient server, in the transaction
// that removes it (core.ExpandDelivery), so running a job twice sends
// nothing twice. A delivery whose rows are gone is dropped.
func (dl *Deliverer) Jobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	failed := map[int64]error{}
	for _, j := range batch {
		if err := dl.expand(ctx, j); err != nil {
			if errors.Is(err, errNothingToSend) || errors.Is(err, model.ErrNotFound) {
				dl.log.Info("delivery dropped", "job", j.ID, "reason", err)
				continue
			}
			failed[j.ID] = err
		}
	}
	return failed
}

func (dl *Deliverer) expand(ctx context.Context, j jobs.Job) error {
	var d core.Delivery
	if err := json.Unmarshal([]byte(j.Payload), &d); err != nil {
		return fmt.Errorf("%w: payload: %v", errNothingToSend, err)
	}
	actor, err := dl.core.DeliveryActor(ctx, d.ActorID)
	if err != nil {
		return err
	}
	inboxes, err := dl.core.DeliveryInboxes(ctx, d)
	if err != nil {
		return err
	}
	var payloads []string
	if len(inboxes) > 0 {
		act, err := dl.buildActivity(ctx, d, actor)
		if err != nil {
			return err
		}
		body, err := marshal(act)
		if err != nil {
			return err
		}
		payloads = make([]string, 0, len(inboxes))
		for _, inbox := range inboxes {
			p, err := marshal(inboxJob{Inbox: inbox, ActorID: actor.ID, Activity: body})
			if err != nil {
				return err
			}
			payloads = append(payloads, string(p))
		}
	}
	_, err = dl.core.ExpandDelivery(ctx, j.ID, payloads)
	return err
}

// signer returns the signing key of the local account id, parsed once.
func (dl *Deliverer) signer(ctx context.Context, id int64) (httpsig.Signer, error) {
	dl.keyMu.Lock()
	s, ok := dl.keys[id]
	dl.keyMu.Unlock()
	if ok {
		return s, nil
	}
	actor, err := dl.core.DeliveryActor(ctx, id)
	if err != nil {
		return httpsig.Signer{}, err
	}
	key, err := httpsig.ParsePrivateKeyPEM([]byte(actor.PrivateKey))
	if err != nil {
		return httpsig.Signer{}, fmt.Errorf("%w: key of account %d: %v", errNothingToSend, id, err)
	}
	s = httpsig.Signer{KeyID: actor.URI + "#main-key", Key: key}
	dl.keyMu.Lock()
	if len(dl.keys) > 10_000 { // bounded; keys never change, so starting over is safe
		dl.keys = map[int64]httpsig.Signer{}
	}
	dl.keys[id] = s
	dl.keyMu.Unlock()
	return s, nil
}
