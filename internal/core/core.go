// Package core holds Herd's use cases, shared by every door (client API,
// federation, web UI): posting, following, interactions, visibility,
// notifications and fan-out. It never knows about HTTP.
package core

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"herd/internal/ids"
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
}

// Core is the set of use cases over one store.
type Core struct {
	Store  *store.Store
	Config Config
	Log    *slog.Logger
	tokens *tokenCache
	hub    *hub
	caches *entityCaches // read path's rows by id (cache.go)
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
	// once per activityResolution per account rather than on every page.
	homeReads sync.Map
	wake      func() // wakes the job workers after a commit that enqueued jobs (fanout.go)
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

// New wires the use cases to a store.
func New(st *store.Store, cfg Config, log *slog.Logger) *Core {
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
	if log == nil {
		log = slog.Default()
	}
	c := &Core{Store: st, Config: cfg, Log: log, tokens: newTokenCache(), hub: newHub(), caches: newEntityCaches(),
		domains: newDomainHealth(), policy: &domainPolicy{}, imageSlots: make(chan struct{}, runtime.NumCPU()),
		emojis: newEmojiCache()}
	if st != nil {
		st.OnViewersChanged(c.forgetViewers)
		st.OnCountsChanged(c.forgetCounts)
	}
	return c
}

// BaseURL is the instance's origin, e.g. https://example.com.
func (c *Core) BaseURL() string { return c.Config.Protocol + "://" + c.Config.Domain }

// AccountURI is a local account's ActivityPub id.
func (c *Core) AccountURI(username string) string { return c.BaseURL() + "/users/" + username }

// AccountURL is a local account's profile page.
func (c *Core) AccountURL(username string) string { return c.BaseURL() + "/@" + username }

// StatusURI is a local status's ActivityPub id.
func (c *Core) StatusURI(username string, id int64) string {
	return c.AccountURI(username) + "/statuses/" + ids.Format(id)
}

// StatusURL is a local status's web page.
func (c *Core) StatusURL(username string, id int64) string {
	return c.AccountURL(username) + "/" + ids.Format(id)
}

// TagURL is a hashtag's page.
func (c *Core) TagURL(name string) string { return c.BaseURL() + "/tags/" + strings.ToLower(name) }

// Ready checks the database answers.
func (c *Core) Ready(ctx context.Context) error { return c.Store.DB.Ping(ctx) }
