package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"herd/internal/core"
	"herd/internal/model"
)

// The Receiver is core's way to other servers: it finds accounts through
// its fetcher and stores statuses through the same receive path inbox
// Creates take, so a status fetched on a user's demand meets the same
// origin checks as one delivered.
var _ core.Resolver = (*Receiver)(nil)

// WebFingerLookup finds a remote account by address (Fetcher.WebFingerLookup).
func (rc *Receiver) WebFingerLookup(ctx context.Context, acct string) (*model.Account, error) {
	return rc.fetcher.Load().WebFingerLookup(ctx, acct)
}

// ResolveActor finds a remote account by id (Fetcher.ResolveActor).
func (rc *Receiver) ResolveActor(ctx context.Context, uri string) (*model.Account, error) {
	return rc.fetcher.Load().ResolveActor(ctx, uri)
}

// ResolveURL finds what a URL on another server names, as Mastodon's
// ResolveURLService: a status or an account already held by that id, or
// else the document the URL serves to ActivityPub clients (an id, or a
// profile or status page that names its id): an actor is resolved as by
// ResolveActor, a Note is stored through the receive path (its author
// resolved, its parents fetched within the thread bound). Exactly one of
// the results is non-nil when err is nil.
func (rc *Receiver) ResolveURL(ctx context.Context, uri string) (*model.Account, *model.Status, error) {
	f := rc.fetcher.Load()
	if _, err := f.CheckURI(uri); err != nil {
		return nil, nil, err
	}
	if st, err := rc.core.Federation.StatusByURI(ctx, uri); !errors.Is(err, model.ErrNotFound) {
		return nil, st, err
	}
	if _, err := rc.core.Federation.RemoteAccountByURI(ctx, uri); err == nil {
		a, err := f.ResolveActor(ctx, uri)
		return a, nil, err
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, nil, err
	}
	doc, err := f.Fetch(ctx, uri)
	if err != nil {
		return nil, nil, err
	}
	var head struct {
		Type json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(doc.Body, &head); err != nil {
		return nil, nil, err
	}
	for _, t := range stringsOf(head.Type) {
		switch {
		case actorTypes[t]:
			a, err := f.ResolveActor(ctx, doc.ID)
			return a, nil, err
		case noteTypes[t]:
			st, err := rc.fetchedStatus(ctx, doc, 0)
			return nil, st, err
		}
	}
	return nil, nil, fmt.Errorf("%w: %s is a %s, neither an actor nor a note", ErrNotActivityPub, doc.ID, head.Type)
}
