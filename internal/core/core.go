// Package core holds Herd's use cases, shared by every door (client API,
// federation, web UI): posting, following, interactions, visibility,
// notifications and fan-out. It never knows about HTTP.
package core

import (
	"context"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"herd/internal/core/site"
	"herd/internal/media"
	"herd/internal/store"
)

// Registration modes.
const (
	RegistrationsOpen     = "open"
	RegistrationsApproval = "approval"
	RegistrationsClosed   = "closed"
)

// Who sees the instance's domain blocks (Config.ShowDomainBlocks).
const (
	ShowDomainBlocksAll      = "all"
	ShowDomainBlocksUsers    = "users"
	ShowDomainBlocksDisabled = "disabled"
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
}

// Core is the set of use cases over one store.
type Core struct {
	site.Site // the instance's addresses: BaseURL, AccountURI, StatusURL…
	Store     *store.Store
	Config    Config
	Log       *slog.Logger
	tokens    *tokenCache
	hub       *hub
	caches    *entityCaches // read path's rows by id (cache.go)
	// resolver finds remote accounts (remote_accounts.go); nil until
	// SetResolver, and then only known remote accounts are found.
	resolver Resolver
	// refreshing rate-limits background refreshes of stale remote
	// accounts (remote_resolve.go).
	refreshing attempts[int64]
	// imageTries rate-limits the media proxy's fetches of remote
	// pictures, by proxy address (account_images.go, custom_emojis.go).
	imageTries attempts[string]
	// homeReads remembers when this node last recorded each account's home
	// timeline read (unix ms), so touchActive reads the database at most
	// once per activityResolution per account rather than on every page
	// (timelines.go; bounded there by homeReadsPrune).
	homeReads     sync.Map
	homeReadsSets atomic.Int64 // stores since homeReads was last pruned
	wake          func()       // wakes the job workers after a commit that enqueued jobs (fanout.go)
	// domains remembers which remote hosts deliveries fail to reach
	// (domain_health.go).
	domains *domainHealth
	policy  *domainPolicy // domain blocks and allows in memory (domain_policy.go)
	media   media.Storage // uploaded files (media.go); nil refuses uploads
	// imageSlots bounds how many uploads are decoded at once (media.go).
	imageSlots chan struct{}
	av         *media.FFmpeg // video, audio, AVIF (media_upload.go); nil refuses them
	// cardFetcher fetches preview cards (cards.go); nil: no cards.
	cardFetcher CardFetcher
	cardFetches flightGroup // one fetch per URL at a time on this node
	// linkVerifier reads rel="me" links (link_verification.go); nil: no
	// profile link is verified.
	linkVerifier LinkVerifier
	// mediaFetcher downloads remote media (remote_image.go); nil: remote
	// files stay at their remote URLs.
	mediaFetcher MediaFetcher
	// emojis caches custom emoji by domain and shortcode
	// (custom_emoji_lookup.go).
	emojis *emojiCache
	// mailer sends the instance's mail (password_reset.go); nil: none is
	// sent and nothing that needs it is offered.
	mailer Mailer
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
	Cards CardFetcher
	// Links reads the rel="me" links of profile fields; without it no
	// field is verified.
	Links LinkVerifier
	// MediaFetcher downloads remote attachments, avatars and emoji through
	// the guarded client; without it remote files stay remote.
	MediaFetcher MediaFetcher
	// Mailer sends the instance's mail; without it no mail is sent and
	// nothing that needs it (password resets) is offered.
	Mailer Mailer
}

// New builds the use cases from their dependencies.
func New(d Deps) *Core {
	cfg := d.Config
	if cfg.MaxStatusChars <= 0 {
		cfg.MaxStatusChars = 500
	}
	if cfg.MaxMediaAttachments <= 0 {
		cfg.MaxMediaAttachments = DefaultMaxStatusMedia
	}
	if cfg.MaxPinnedStatuses <= 0 {
		cfg.MaxPinnedStatuses = 5
	}
	if cfg.ShowDomainBlocks == "" {
		cfg.ShowDomainBlocks = ShowDomainBlocksAll
	}
	if cfg.RegistrationMode == "" {
		cfg.RegistrationMode = RegistrationsOpen
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	wake := d.Wake
	if wake == nil {
		wake = func() {}
	}
	c := &Core{Site: site.Site{Domain: cfg.Domain, Protocol: cfg.Protocol}, Store: d.Store, Config: cfg, Log: log,
		tokens: newTokenCache(), hub: newHub(), caches: newEntityCaches(d.Config.CacheBytes), wake: wake,
		domains: newDomainHealth(), policy: &domainPolicy{}, imageSlots: make(chan struct{}, runtime.NumCPU()),
		emojis: newEmojiCache(), media: d.Media, av: d.Transcoder, cardFetcher: d.Cards, linkVerifier: d.Links,
		mediaFetcher: d.MediaFetcher, mailer: d.Mailer}
	if d.Store != nil {
		d.Store.OnViewersChanged(c.forgetViewers)
		d.Store.OnCountsChanged(c.forgetCounts)
	}
	return c
}

// Ready checks the database answers.
func (c *Core) Ready(ctx context.Context) error { return c.Store.DB.Ping(ctx) }
