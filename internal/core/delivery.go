package core

import (
	"context"
	"net/url"
	"strings"
	"time"

	"herd/internal/core/federation"
	"herd/internal/model"
	"herd/internal/store"
)

// QueueDeliverInbox is the job queue of single POSTs: one activity to one
// inbox. The delivery worker expands each Delivery (QueueDelivery) into
// one such job per inbox, so a failing server is retried on its own and
// the others are done at once.
const QueueDeliverInbox = "deliver_inbox"

// DeliveryActor loads the local account an activity is sent for, with its
// private key. A suspended account is loaded too: its Delete still goes out.
func (c *Core) DeliveryActor(ctx context.Context, id int64) (*model.Account, error) {
	a, err := c.store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Local() || a.PrivateKey == "" {
		return nil, model.ErrNotFound
	}
	return a, nil
}

// DeliveryStatus loads a status, of any visibility, with what its activity
// names (see federation.StatusBundle); model.ErrNotFound when it is gone, or is a
// boost of a status no longer public.
func (c *Core) DeliveryStatus(ctx context.Context, id int64) (*federation.StatusBundle, error) {
	st, err := c.store.StatusByID(ctx, id)
	if err != nil {
		return nil, err
	}
	b, err := c.Federation.Bundle(ctx, []*model.Status{st})
	if err != nil {
		return nil, err
	}
	if len(b.Statuses) == 0 {
		return nil, model.ErrNotFound
	}
	return b, nil
}

// StatusURIByID is the ActivityPub id of a stored status, local or remote
// (model.ErrNotFound when it is gone).
func (c *Core) StatusURIByID(ctx context.Context, id int64) (string, error) {
	st, err := c.store.StatusByID(ctx, id)
	if err != nil {
		return "", err
	}
	if st.URI != "" {
		return st.URI, nil
	}
	author, err := c.store.AccountByID(ctx, st.AccountID)
	if err != nil {
		return "", err
	}
	return c.StatusURI(author.Username, st.ID), nil
}

// DeliveryInboxes lists the inboxes d goes to: the actor's remote
// followers when d.Followers, those of d.ThreadFollowersOf, d.TargetID and
// d.AccountIDs, one URL per inbox (shared inboxes preferred), leaving out
// local accounts, inboxes on this instance's host and hosts marked
// unavailable.
func (c *Core) DeliveryInboxes(ctx context.Context, d Delivery) ([]string, error) {
	var followersOf []int64
	if d.Followers {
		followersOf = append(followersOf, d.ActorID)
	}
	if d.ThreadFollowersOf != 0 && d.ThreadFollowersOf != d.ActorID {
		followersOf = append(followersOf, d.ThreadFollowersOf)
	}
	accounts := d.AccountIDs
	if d.TargetID != 0 {
		accounts = append(accounts[:len(accounts):len(accounts)], d.TargetID)
	}
	all, err := c.store.DeliveryInboxes(ctx, followersOf, accounts)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, inbox := range all {
		u, err := url.Parse(inbox)
		if err != nil || u.Host == "" || c.IsLocalHost(u) {
			continue
		}
		ok, err := c.Domains.DomainAvailable(ctx, DeliveryHost(u))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, inbox)
		}
	}
	return out, nil
}

// ExpandDelivery replaces the delivery job jobID by one job per inbox
// (payloads, on QueueDeliverInbox), in one transaction: a job run twice
// (its worker died after this committed, or its lease ran out meanwhile)
// finds itself gone and adds nothing, so no inbox gets an activity twice
// from one expansion. It reports whether this call expanded the job.
func (c *Core) ExpandDelivery(ctx context.Context, jobID int64, payloads []string) (bool, error) {
	var expanded bool
	err := c.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if expanded, err = tx.DeleteJob(ctx, jobID); err != nil || !expanded {
			return err
		}
		now := time.Now()
		for _, p := range payloads {
			if _, err := tx.EnqueueJob(ctx, QueueDeliverInbox, p, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && expanded && len(payloads) > 0 {
		c.wakeJobs()
	}
	return expanded, err
}

// DeliveryHost is the name deliveries to u are counted under (concurrency
// per host, failures, availability): its lower-case host name, without
// port or trailing dot.
func DeliveryHost(u *url.URL) string {
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}
