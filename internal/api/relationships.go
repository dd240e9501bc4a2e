package api

import (
	"context"
	"net/http"
	"time"

	"herd/internal/core/social"
	"herd/internal/door"
	"herd/internal/ids"
	"herd/internal/model"
)

// change adapts a use case that acts on the {id} account and answers a
// Relationship (unfollow, block, authorize…) to a handler.
func (a *API) change(fn func(*social.Service, context.Context, *model.Viewer, int64) (*model.Relationship, error)) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rel, err := fn(a.core.Social, r.Context(), viewerOf(r), id)
		return writeRelationship(w, rel, err)
	}
}

// follow handles POST /api/v1/accounts/{id}/follow. reblogs and notify
// keep their current values when absent; languages[] is accepted and not
// kept (it filters nothing here).
func (a *API) follow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	var opt social.FollowOptions
	opt.Reblogs = boolParam(p, "reblogs")
	opt.Notify = boolParam(p, "notify")
	rel, err := a.core.Social.Follow(r.Context(), viewerOf(r), id, opt)
	return writeRelationship(w, rel, err)
}

// mute handles POST /api/v1/accounts/{id}/mute: notifications defaults to
// true and duration (seconds) to 0, which means until unmuted.
func (a *API) mute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	secs, err := p.integer("duration", 0)
	if err != nil {
		return err
	}
	opt := social.MuteOptions{Notifications: p.boolean("notifications", true), Duration: time.Duration(secs) * time.Second}
	rel, err := a.core.Social.Mute(r.Context(), viewerOf(r), id, opt)
	return writeRelationship(w, rel, err)
}

// note handles POST /api/v1/accounts/{id}/note.
func (a *API) note(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	rel, err := a.core.Social.SetAccountNote(r.Context(), viewerOf(r), id, p.str("comment"))
	return writeRelationship(w, rel, err)
}

// relationships handles GET /api/v1/accounts/relationships.
func (a *API) relationships(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	rels, err := a.core.Social.Relationships(r.Context(), viewerOf(r), idList(p), p.boolean("with_suspended", false))
	if err != nil {
		return err
	}
	out := make([]Relationship, 0, len(rels))
	for _, rel := range rels {
		out = append(out, relationshipEntity(rel))
	}
	return writeJSON(w, out)
}

// familiarFollowers handles GET /api/v1/accounts/familiar_followers.
func (a *API) familiarFollowers(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	list, err := a.core.Social.FamiliarFollowersOf(r.Context(), viewerOf(r), idList(p))
	if err != nil {
		return err
	}
	out := make([]FamiliarFollowers, 0, len(list))
	for _, ff := range list {
		out = append(out, FamiliarFollowers{ID: ids.Format(ff.ID), Accounts: a.accountEntities(ff.Accounts)})
	}
	return writeJSON(w, out)
}

// accountListPage reads the paging of an account list: 40 by default, at
// most 80, as Mastodon's DEFAULT_ACCOUNTS_LIMIT.
func accountListPage(r *http.Request) (model.Page, error) {
	p, err := parseParams(r)
	if err != nil {
		return model.Page{}, err
	}
	return pageParams(p, 40, 80)
}

// followRequests handles GET /api/v1/follow_requests.
func (a *API) followRequests(w http.ResponseWriter, r *http.Request) error {
	pg, err := accountListPage(r)
	if err != nil {
		return err
	}
	list, err := a.core.Social.FollowRequests(r.Context(), viewerOf(r), pg)
	return a.writeAccountList(w, r, list, err)
}

// blocks handles GET /api/v1/blocks.
func (a *API) blocks(w http.ResponseWriter, r *http.Request) error {
	pg, err := accountListPage(r)
	if err != nil {
		return err
	}
	list, err := a.core.Social.Blocks(r.Context(), viewerOf(r), pg)
	return a.writeAccountList(w, r, list, err)
}

// mutes handles GET /api/v1/mutes.
func (a *API) mutes(w http.ResponseWriter, r *http.Request) error {
	pg, err := accountListPage(r)
	if err != nil {
		return err
	}
	list, err := a.core.Social.Mutes(r.Context(), viewerOf(r), pg)
	return a.writeMuteList(w, r, list, err)
}

// boolParam reads an optional boolean: nil when the parameter is absent.
func boolParam(p params, key string) *bool {
	if !p.has(key) {
		return nil
	}
	b := p.boolean(key, false)
	return &b
}
