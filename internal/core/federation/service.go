// Package federation holds the use cases of what other servers send and
// fetch: the ingestion of incoming activities (the inbox's job queue, the
// ids already processed and the tombstones of objects deleted before they
// came; notes and their edits and deletes, follows and their answers,
// likes, announces, blocks, pins, actors deleting themselves), remote
// accounts as their actor documents describe them, and the read side the
// activitypub door serves (actors, statuses and collections the public may
// fetch, the instance actor's keys).
//
// Recording and removing a status, editing its mentions and tags, and the
// read path's caches belong to core, and reach this area as the function
// values of Deps; outgoing deliveries stay in core too.
package federation

import (
	"context"

	"herd/internal/core/domains"
	"herd/internal/core/fault"
	"herd/internal/core/files"
	"herd/internal/core/links"
	"herd/internal/core/notifications"
	"herd/internal/core/site"
	"herd/internal/core/social"
	"herd/internal/model"
	"herd/internal/store"
)

// Deps is what the federation area is built from. Store and the area
// services are required (core.New builds them first); each function left
// nil gets a harmless default, said beside it, which is what tests that
// drive only part of the area want.
type Deps struct {
	Store *store.Store
	// Site is the instance's addresses: no remote object may claim an id
	// on its host.
	Site site.Site
	// Wake wakes the job workers after a commit that enqueued jobs
	// (fan-out, notifications' pushes, media fetches); a no-op when nil.
	Wake func()
	// Notifications records the notifications a remote's Follow, Like or
	// Announce causes, inside the change's transaction.
	Notifications *notifications.Service
	// Social records and ends follows and blocks, so a remote follow has
	// the same side effects as a local one.
	Social *social.Service
	// Files caches remote attachments, avatars, headers and emoji.
	Files *files.Service
	// Links records preview cards of remote statuses and queues the
	// verification of remote profiles' links.
	Links *links.Service
	// Domains limits the new accounts of a limited domain.
	Domains *domains.Service
	// VisibleStatus loads the status statusID when viewerID may see it
	// (core's visibility rules), fault.ErrRecordNotFound otherwise: a
	// remote may like or boost only what it sees. When nil every status is
	// hidden.
	VisibleStatus func(ctx context.Context, viewerID, statusID int64) (*model.Status, error)
	// RecordStatus stores a status with its mentions and tags inside tx
	// the way a local post is stored (core's recordStatus: counters, the
	// author's feed, fan-out, notifications, event), so a remote note or
	// boost has the same side effects. Required.
	RecordStatus func(ctx context.Context, tx *store.Store, st, parent *model.Status, mentions []*model.Account, tags map[string]string) error
	// RemoveStatus deletes a status inside tx as a local delete does
	// (core's removeStatus: counters, feeds, notifications, event).
	// Required.
	RemoveStatus func(ctx context.Context, tx *store.Store, st *model.Status) error
	// UpdateMentionsAndTags records an edited status's new mentions
	// (notifying the newly mentioned) and replaces its tags, inside tx, as
	// a local edit does. Required.
	UpdateMentionsAndTags func(ctx context.Context, tx *store.Store, st *model.Status, mentions []*model.Account, tags map[string]string) error
	// NotifyBoosters tells the boosters of an edited status, inside tx, as
	// a local edit does. Required.
	NotifyBoosters func(ctx context.Context, tx *store.Store, st *model.Status, boosts []*model.Status) error
	// QueueFollowAnswer queues inside tx the Accept or Reject (kind) of a
	// remote follower's follow f of the local account target (outgoing
	// federation belongs to core). When nil nothing is sent.
	QueueFollowAnswer func(ctx context.Context, tx *store.Store, target, follower *model.Account, f *model.Follow, kind string) error
	// StatusChanged and AccountChanged drop a status or an account from
	// core's read-path caches on this node after a change; no-ops when nil.
	StatusChanged  func(id int64)
	AccountChanged func(id int64)
}

// Service runs the federation area's use cases.
type Service struct {
	store                 *store.Store
	site                  site.Site
	wake                  func()
	notifications         *notifications.Service
	social                *social.Service
	files                 *files.Service
	links                 *links.Service
	domains               *domains.Service
	visibleStatus         func(ctx context.Context, viewerID, statusID int64) (*model.Status, error)
	recordStatus          func(ctx context.Context, tx *store.Store, st, parent *model.Status, mentions []*model.Account, tags map[string]string) error
	removeStatus          func(ctx context.Context, tx *store.Store, st *model.Status) error
	updateMentionsAndTags func(ctx context.Context, tx *store.Store, st *model.Status, mentions []*model.Account, tags map[string]string) error
	notifyBoosters        func(ctx context.Context, tx *store.Store, st *model.Status, boosts []*model.Status) error
	queueFollowAnswer     func(ctx context.Context, tx *store.Store, target, follower *model.Account, f *model.Follow, kind string) error
	statusChanged         func(id int64)
	accountChanged        func(id int64)
}

// New builds the area from its dependencies. It panics when a required
// one is missing: the area cannot store what arrives without them.
func New(d Deps) *Service {
	if d.Notifications == nil || d.Social == nil || d.Files == nil || d.Links == nil || d.Domains == nil ||
		d.RecordStatus == nil || d.RemoveStatus == nil || d.UpdateMentionsAndTags == nil || d.NotifyBoosters == nil {
		panic("federation.New: missing a required dependency")
	}
	s := &Service{store: d.Store, site: d.Site, wake: d.Wake,
		notifications: d.Notifications, social: d.Social, files: d.Files, links: d.Links, domains: d.Domains,
		visibleStatus: d.VisibleStatus, recordStatus: d.RecordStatus, removeStatus: d.RemoveStatus,
		updateMentionsAndTags: d.UpdateMentionsAndTags, notifyBoosters: d.NotifyBoosters,
		queueFollowAnswer: d.QueueFollowAnswer, statusChanged: d.StatusChanged, accountChanged: d.AccountChanged}
	if s.wake == nil {
		s.wake = func() {}
	}
	if s.visibleStatus == nil {
		s.visibleStatus = func(context.Context, int64, int64) (*model.Status, error) { return nil, fault.ErrRecordNotFound }
	}
	if s.queueFollowAnswer == nil {
		s.queueFollowAnswer = func(context.Context, *store.Store, *model.Account, *model.Account, *model.Follow, string) error {
			return nil
		}
	}
	if s.statusChanged == nil {
		s.statusChanged = func(int64) {}
	}
	if s.accountChanged == nil {
		s.accountChanged = func(int64) {}
	}
	return s
}
