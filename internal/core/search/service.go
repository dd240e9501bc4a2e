// Package search holds the use cases of search (Mastodon's
// GET /api/v2/search): accounts, hashtags and statuses found by a query,
// and URLs and remote addresses looked up, here or on other servers.
package search

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/site"
	"herd/internal/core/timelines"
	"herd/internal/model"
	"herd/internal/store"
)

// DefaultResolveTimeout bounds a remote lookup when Deps.ResolveTimeout is
// not given.
const DefaultResolveTimeout = 10 * time.Second

// Deps is what the search area is built from. Accounts, statuses and
// hashtags are read through the functions of the areas (and of core's read
// path) that own them; each left out finds nothing of its kind.
type Deps struct {
	Store *store.Store
	Site  site.Site
	Log   *slog.Logger // slog.Default() when nil
	// IsLocalHost reports whether a URL is on this instance's host name,
	// on any port; without it no URL is local.
	IsLocalHost func(u *url.URL) bool
	// SearchAccounts finds accounts for q.Q (core's account search, which
	// resolves remote addresses with q.Resolve), with q's Limit, Offset,
	// Following and Resolve.
	SearchAccounts func(ctx context.Context, v *model.Viewer, q Query) ([]*model.Account, error)
	// LookupAccount finds an account by address without WebFinger ("name"
	// or "name@domain", known here).
	LookupAccount func(ctx context.Context, acct string) (*model.Account, error)
	// SearchTags finds hashtags by name prefix, an exact match first, with
	// their recent use (the timelines area's).
	SearchTags func(ctx context.Context, query string, limit, offset int) ([]*timelines.TagView, error)
	// VisibleStatus loads a status the viewer may see (as a thread shows
	// it); not found otherwise.
	VisibleStatus func(ctx context.Context, viewerID, statusID int64) (*model.Status, error)
	// StatusView hydrates one status for a viewer.
	StatusView func(ctx context.Context, viewerID int64, st *model.Status) (*model.StatusView, error)
	// TimelineViews hydrates for viewerID those of statuses the viewer may
	// see in a timeline (blocks and mutes hide them), in the order given,
	// from the rows given, through core's read path.
	TimelineViews func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)
	// ResolveURL finds the account or the status (one of them) a URL on
	// another server names, fetching and storing it when unknown (core's
	// Resolver); it finds nothing (nil, nil, nil) when core has no way to
	// other servers, and so does search.
	ResolveURL func(ctx context.Context, uri string) (*model.Account, *model.Status, error)
	// ResolveTimeout bounds ResolveURL (core's RemoteResolveTimeout);
	// DefaultResolveTimeout when 0.
	ResolveTimeout time.Duration
}

// Service runs the search area's use cases.
type Service struct {
	store          *store.Store
	site           site.Site
	log            *slog.Logger
	isLocalHost    func(u *url.URL) bool
	searchAccounts func(ctx context.Context, v *model.Viewer, q Query) ([]*model.Account, error)
	lookupAccount  func(ctx context.Context, acct string) (*model.Account, error)
	searchTags     func(ctx context.Context, query string, limit, offset int) ([]*timelines.TagView, error)
	visibleStatus  func(ctx context.Context, viewerID, statusID int64) (*model.Status, error)
	statusView     func(ctx context.Context, viewerID int64, st *model.Status) (*model.StatusView, error)
	timelineViews  func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)
	resolveURL     func(ctx context.Context, uri string) (*model.Account, *model.Status, error)
	resolveTimeout time.Duration
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, site: d.Site, log: d.Log, isLocalHost: d.IsLocalHost,
		searchAccounts: d.SearchAccounts, lookupAccount: d.LookupAccount, searchTags: d.SearchTags,
		visibleStatus: d.VisibleStatus, statusView: d.StatusView, timelineViews: d.TimelineViews,
		resolveURL: d.ResolveURL, resolveTimeout: d.ResolveTimeout}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.isLocalHost == nil {
		s.isLocalHost = func(*url.URL) bool { return false }
	}
	if s.searchAccounts == nil {
		s.searchAccounts = func(context.Context, *model.Viewer, Query) ([]*model.Account, error) { return []*model.Account{}, nil }
	}
	if s.lookupAccount == nil {
		s.lookupAccount = func(context.Context, string) (*model.Account, error) { return nil, fault.ErrRecordNotFound }
	}
	if s.searchTags == nil {
		s.searchTags = func(context.Context, string, int, int) ([]*timelines.TagView, error) {
			return []*timelines.TagView{}, nil
		}
	}
	if s.visibleStatus == nil {
		s.visibleStatus = func(context.Context, int64, int64) (*model.Status, error) { return nil, fault.ErrRecordNotFound }
	}
	if s.statusView == nil {
		s.statusView = func(context.Context, int64, *model.Status) (*model.StatusView, error) {
			return nil, fault.ErrRecordNotFound
		}
	}
	if s.timelineViews == nil {
		s.timelineViews = func(context.Context, int64, []*model.Status) ([]*model.StatusView, error) {
			return []*model.StatusView{}, nil
		}
	}
	if s.resolveURL == nil {
		s.resolveURL = func(context.Context, string) (*model.Account, *model.Status, error) { return nil, nil, nil }
	}
	if s.resolveTimeout <= 0 {
		s.resolveTimeout = DefaultResolveTimeout
	}
	return s
}
