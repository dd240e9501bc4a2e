// Package core holds Herd's use cases, shared by every door (client API,
// federation, web UI): posting, following, interactions, visibility,
// notifications and fan-out. It never knows about HTTP.
package core

import (
	"context"
	"log/slog"
	"time"

	"herd/internal/core/accounts"
	"herd/internal/core/domains"
	"herd/internal/core/federation"
	"herd/internal/core/files"
	"herd/internal/core/instance"
	"herd/internal/core/links"
	"herd/internal/core/lists"
	"herd/internal/core/moderation"
	"herd/internal/core/notifications"
	"herd/internal/core/push"
	"herd/internal/core/search"
	"herd/internal/core/site"
	"herd/internal/core/social"
	"herd/internal/core/streams"
	"herd/internal/core/timelines"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
)

// Config is what the use cases need to know about the instance.
type Config struct {
	Domain              string // public host[:port]
	Protocol            string // https, or http for local testing
	MaxStatusChars      int    // default 500
	MaxMediaAttachments int    // files per status, default 4
	RegistrationMode    string // open | approval | closed
	InstanceTitle       string
	InstanceDesc        string
	ContactEmail        string
	MaxPinnedStatuses   int
	// AuthorizedFetch serves ActivityPub documents only to signed requests
	// from domains that are not suspended (Mastodon's AUTHORIZED_FETCH).
	AuthorizedFetch bool
	// LimitedFederation federates only with domains in domain_allows
	// (Mastodon's LIMITED_FEDERATION_MODE); it implies AuthorizedFetch.
	LimitedFederation bool
	// ShowDomainBlocks says who sees /api/v1/instance/domain_blocks: all,
	// users (signed in) or disabled (Mastodon's show_domain_blocks).
	ShowDomainBlocks string
	// RemoteCardSpread is the longest random delay before the link of a
	// status from another server is fetched for its preview card (0: one
	// minute; negative: none, for tests).
	RemoteCardSpread time.Duration
	// RemoteMediaSpread is the longest random delay before a remote
	// status's attachments are fetched (0: five seconds; negative: none,
	// for tests).
	RemoteMediaSpread time.Duration
	// CacheBytes is the memory the read path's entity caches may hold
	// (statuses, accounts, viewers' states, live counters, apps), split
	// between them as cache_size.go says; 0: DefaultCacheBytes (64 MB).
	CacheBytes int
	// PushOverHTTP accepts http:// push endpoints (tests, whose push
	// service listens on loopback); production requires https.
	PushOverHTTP bool
}

// Core is the set of use cases over one store.
type Core struct {
	site.Site // the instance's addresses: BaseURL, AccountURI, StatusURL…
	store     *store.Store
	Config    Config
	Log       *slog.Logger
	Accounts  *accounts.Service // local accounts and how they sign in
	hub       *hub
	caches    *entityCaches // read path's rows by id (cache.go)
	// resolver finds remote accounts (remote_resolve.go); nil until
	// SetResolver, and then only known remote accounts are found.
	resolver Resolver
	// refreshing rate-limits background refreshes of stale remote
	// accounts (remote_resolve.go).
	refreshing attempts[int64]
	wake       func() // wakes the job workers after a commit that enqueued jobs (wakeJobs)
	// eventsWake is signalled after each commit of this node that appended
	// events, so followEvents reads them at once (events.go).
	eventsWake chan struct{}

	// The areas moved out of core (internal/core/<area>), built in New;
	// the doors call their use cases through these fields.

	// Domains is how this instance treats other servers: domain blocks
	// and allows, the federation policy, delivery health.
	Domains *domains.Service
	// Instance is what the instance says about itself: stats, peers,
	// rules, contact account, weekly activity.
	Instance *instance.Service
	// Files is the files this instance stores and shows: uploads, remote
	// attachments, avatars, headers and emoji cached here, custom emoji,
	// and the media proxy.
	Files *files.Service
	// Links reads the pages statuses and profiles link to: preview cards
	// and rel="me" verification of profile fields.
	Links *links.Service
	// Moderation is what users bring to the moderators: reports.
	Moderation *moderation.Service
	// Notifications records, lists and counts notifications and keeps the
	// read markers (core/notifications).
	Notifications *notifications.Service
	// Timelines pages the lists of statuses: the home feed and the fan-out
	// that writes it, the public, hashtag and account timelines, hashtags,
	// featured hashtags, bookmarks and favourites.
	Timelines *timelines.Service
	// Lists is users' lists of accounts and their timelines (core/lists).
	Lists *lists.Service
	// Search finds accounts, hashtags and statuses, and looks URLs and
	// remote addresses up.
	Search *search.Service
	// Social is the social graph: follows and follow requests, blocks,
	// mutes, account notes, relationships and the lists of followers,
	// following, requests, blocks and mutes (core/social).
	Social *social.Service
	// Streams feeds the streaming API's open connections from the events
	// log (core/streams).
	Streams *streams.Service
	// Push is Web Push: apps' subscriptions and the messages sent to
	// their push services (core/push).
	Push *push.Service
	// Federation is what other servers send and fetch: the inbox's
	// ingestion of notes, edits, deletes, follows, likes, announces,
	// blocks and pins, remote accounts, and the actors, statuses and
	// collections the activitypub door serves (core/federation).
	Federation *federation.Service
}

// Deps is everything the use cases are built from. Only Store and Config
// are needed; each collaborator left out turns its feature off, as said
// beside it, which is what tools and tests that need no network want.
type Deps struct {
	Store  *store.Store
	Config Config
	Log    *slog.Logger // slog.Default() when nil
	// Wake wakes the job system right after a commit that enqueued jobs
	// (jobs.Pool.Wake); without it workers find jobs at their next poll.
	Wake func()
	// Media stores uploaded and cached files; without it uploads are
	// refused and remote files stay at their remote URLs.
	Media media.Storage
	// Transcoder processes video, audio and AVIF (Debian's ffmpeg);
	// without it those uploads are refused.
	Transcoder *media.FFmpeg
	// Cards fetches link previews; without it statuses get no cards.
	Cards links.CardFetcher
	// Links reads the rel="me" links of profile fields; without it no
	// field is verified.
	Links links.LinkVerifier
	// MediaFetcher downloads remote attachments, avatars and emoji through
	// the guarded client; without it remote files stay remote.
	MediaFetcher files.MediaFetcher
	// Mailer sends the instance's mail; without it no mail is sent and
	// nothing that needs it (password resets) is offered.
	Mailer accounts.Mailer
	// PushClient posts Web Push messages (the guarded outbound client);
	// without it no push is sent.
	PushClient push.Doer
}

// New builds the use cases from their dependencies.
func New(d Deps) *Core {
	cfg := d.Config
	if cfg.MaxStatusChars <= 0 {
		cfg.MaxStatusChars = 500
	}
	if cfg.MaxMediaAttachments <= 0 {
		cfg.MaxMediaAttachments = files.DefaultMaxStatusMedia
	}
	if cfg.MaxPinnedStatuses <= 0 {
		cfg.MaxPinnedStatuses = 5
	}
	if cfg.ShowDomainBlocks == "" {
		cfg.ShowDomainBlocks = domains.ShowDomainBlocksAll
	}
	if cfg.RegistrationMode == "" {
		cfg.RegistrationMode = accounts.RegistrationsOpen
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	wake := d.Wake
	if wake == nil {
		wake = func() {}
	}
	c := &Core{Site: site.Site{Domain: cfg.Domain, Protocol: cfg.Protocol}, store: d.Store, Config: cfg, Log: log,
		hub: newHub(), caches: newEntityCaches(d.Config.CacheBytes), wake: wake, eventsWake: make(chan struct{}, 1)}
	c.Accounts = accounts.New(accounts.Deps{Store: d.Store, Site: c.Site, Log: log,
		RegistrationMode: cfg.RegistrationMode, Mailer: d.Mailer, AccountChanged: c.forgetCachedAccount})
	// Domains and Files need each other (a block drops a domain's cached
	// files; the files ask the domain policy): Domains reaches Files
	// through a function called only once both are built.
	c.Domains = domains.New(domains.Deps{Store: d.Store, Log: log, AuthorizedFetch: cfg.AuthorizedFetch,
		LimitedFederation: cfg.LimitedFederation, ShowDomainBlocks: cfg.ShowDomainBlocks,
		AccountChanged: c.forgetAccount, DeleteFiles: func(ctx context.Context, keys ...string) { c.Files.DeleteFiles(ctx, keys...) }})
	c.Instance = instance.New(instance.Deps{Store: d.Store, DomainBlockFor: c.Domains.DomainBlockFor})
	c.Files = files.New(files.Deps{Store: d.Store, Site: c.Site, Log: log,
		Media: d.Media, Transcoder: d.Transcoder, Fetcher: d.MediaFetcher,
		MaxAttachments: cfg.MaxMediaAttachments, RemoteMediaSpread: cfg.RemoteMediaSpread,
		Wake: c.wakeJobs, StatusChanged: c.forgetStatus, AccountChanged: c.forgetAccount,
		DomainBlockFor: c.Domains.DomainBlockFor, FederationAllowed: c.Domains.FederationAllowed,
		VisibleStatus: c.VisibleStatus, ProfileChanged: c.profileChanged, CanonicalHost: site.CanonicalHost})
	c.Links = links.New(links.Deps{Store: d.Store, Site: c.Site, Log: log,
		Cards: d.Cards, Links: d.Links, Media: d.Media, RemoteCardSpread: cfg.RemoteCardSpread,
		FetchImage: c.Files.FetchRemoteImage, DeleteFiles: c.Files.DeleteFiles,
		StatusChanged: c.forgetStatus, AccountChanged: c.forgetAccount})
	c.Moderation = moderation.New(moderation.Deps{Store: d.Store, Account: c.Account, Rules: c.Instance.InstanceRules})
	// Notifications and Push need each other (a notification enqueues its
	// pushes; a push shows its notification): Notifications reaches Push
	// through a function called only once both are built.
	c.Notifications = notifications.New(notifications.Deps{Store: d.Store, VisibleViews: c.visibleInThread,
		Recorded: func(ctx context.Context, tx *store.Store, n *model.Notification) error {
			return c.Push.Enqueue(ctx, tx, n)
		}})
	// The VAPID subject: who push services may write to about this
	// instance's traffic (a mailto: or https: URL; none for plain-http
	// test instances without a contact).
	contact := ""
	if cfg.ContactEmail != "" {
		contact = "mailto:" + cfg.ContactEmail
	} else if cfg.Protocol == "https" {
		contact = c.BaseURL()
	}
	c.Push = push.New(push.Deps{Store: d.Store, Log: log, Client: d.PushClient, Contact: contact, AllowHTTP: cfg.PushOverHTTP,
		Wake: wake, Notification: c.Notifications.Notification,
		Avatar: func(a *model.Account) string { url, _ := c.Files.AccountAvatar(a); return url }})
	c.Subscribe(c.Push.Noticed)
	// Streams and Lists: a list stream asks the lists area whose list it
	// is, through a function called only once both are built.
	c.Streams = streams.New(streams.Deps{Store: d.Store, Log: log, TimelineViews: c.visibleInFeed,
		Notification: c.Notifications.Notification,
		ListOwner:    func(ctx context.Context, id int64) (int64, error) { return c.Lists.Owner(ctx, id) },
		QueueBytes:   int64(cacheBudget(cfg.CacheBytes) / 64 * cacheShares.streams)})
	c.Subscribe(c.Streams.Notice)
	c.Timelines = timelines.New(timelines.Deps{Store: d.Store, Log: log,
		FeedViews: c.visibleInFeed, TimelineViews: c.visibleInTimeline, ThreadViews: c.visibleInThread})
	c.Lists = lists.New(lists.Deps{Store: d.Store, FeedViews: c.visibleInFeed, MarkActive: c.Timelines.MarkActive})
	// The resolver is set after New (SetResolver), so search reaches it
	// through a function that reads it when called.
	c.Search = search.New(search.Deps{Store: d.Store, Site: c.Site, Log: log, IsLocalHost: c.IsLocalHost,
		SearchAccounts: func(ctx context.Context, v *model.Viewer, q search.Query) ([]*model.Account, error) {
			return c.SearchAccounts(ctx, v, AccountSearch{Query: q.Q, Limit: q.Limit, Offset: q.Offset,
				Following: q.Following, Resolve: q.Resolve})
		},
		LookupAccount: c.LookupAccount, SearchTags: c.Timelines.SearchTags,
		VisibleStatus: c.VisibleStatus, StatusView: c.StatusView, TimelineViews: c.visibleInTimeline,
		ResolveURL: func(ctx context.Context, uri string) (*model.Account, *model.Status, error) {
			if c.resolver == nil {
				return nil, nil, nil
			}
			return c.resolver.ResolveURL(ctx, uri)
		},
		ResolveTimeout: RemoteResolveTimeout})
	c.Social = social.New(social.Deps{Store: d.Store, Site: c.Site, Notifications: c.Notifications,
		QueueDelivery: func(ctx context.Context, tx *store.Store, actor *model.Account, kind string, objectID, targetID int64, uri string) error {
			return c.queueDelivery(ctx, tx, actor, Delivery{Kind: kind, ObjectID: objectID, TargetID: targetID, URI: uri})
		},
		QueueFollowAnswer: c.queueFollowAnswer, Wake: c.wakeJobs})
	// Federation stores what arrives the way local posts, edits and
	// deletes are stored: through core's status steps.
	c.Federation = federation.New(federation.Deps{Store: d.Store, Site: c.Site, Wake: c.wakeJobs,
		Notifications: c.Notifications, Social: c.Social, Files: c.Files, Links: c.Links, Domains: c.Domains,
		VisibleStatus: c.VisibleStatus,
		RecordStatus: func(ctx context.Context, tx *store.Store, st, parent *model.Status, mentions []*model.Account, tags map[string]string) error {
			_, err := c.recordStatus(ctx, tx, st, parent, mentions, tags)
			return err
		},
		RemoveStatus: c.removeStatus,
		UpdateMentionsAndTags: func(ctx context.Context, tx *store.Store, st *model.Status, mentions []*model.Account, tags map[string]string) error {
			return c.updateMentionsAndTags(ctx, tx, st, &renderedText{html: st.Content, mentions: mentions, tags: tags})
		},
		NotifyBoosters: c.notifyBoosters, QueueFollowAnswer: c.queueFollowAnswer,
		StatusChanged: c.forgetStatus, AccountChanged: c.forgetAccount})
	if d.Store != nil {
		d.Store.OnViewersChanged(c.forgetViewers)
		d.Store.OnCountsChanged(c.forgetCounts)
		d.Store.OnEventsAppended(func() {
			select {
			case c.eventsWake <- struct{}{}:
			default:
			}
		})
	}
	return c
}

// Ready checks the database answers.
func (c *Core) Ready(ctx context.Context) error { return c.store.DB.Ping(ctx) }

// wakeJobs wakes the job workers after a commit that enqueued jobs.
func (c *Core) wakeJobs() { c.wake() }
