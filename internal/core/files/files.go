// Package files holds the use cases of the files this instance stores and
// shows: uploads (images at once, video and audio through a durable
// transcoding job), the attachments, avatars, headers and custom emoji of
// other servers cached through the guarded client and pruned again, local
// avatars and headers, local custom emoji and their lookup when rendering,
// and the media proxy that shows every remote file not cached at an
// address of this instance. It is named for what it keeps, not
// internal/media, the library below it that decodes, encodes and stores
// the bytes.
package files

import (
	"context"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"herd/internal/core/fault"
	"herd/internal/core/site"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
)

// Deps is what the files area is built from. Only Store and Site are
// needed; each collaborator left out turns its feature off, as said beside
// it, and each function left out does nothing.
type Deps struct {
	// Store holds the media_attachments and custom_emojis rows, the
	// accounts' image keys and the remote_media and media job queues.
	Store *store.Store
	// Site builds the media proxy's addresses and the default pictures'.
	Site site.Site
	Log  *slog.Logger // slog.Default() when nil
	// Media stores uploaded and cached files; without it uploads are
	// refused and remote files are shown through the media proxy only.
	Media media.Storage
	// Transcoder processes video, audio and AVIF (Debian's ffmpeg);
	// without it those uploads are refused.
	Transcoder *media.FFmpeg
	// Fetcher downloads remote attachments, avatars and emoji through the
	// guarded client; without it remote files are never cached.
	Fetcher MediaFetcher
	// MaxAttachments is how many files a status may attach
	// (DefaultMaxStatusMedia when 0).
	MaxAttachments int
	// RemoteMediaSpread is the longest random delay before remote files
	// are fetched (0: five seconds; negative: none, for tests).
	RemoteMediaSpread time.Duration

	// Wake wakes the job workers after a commit that enqueued a job
	// (jobs.Pool.Wake through core); without it they find it at their
	// next poll.
	Wake func()
	// StatusChanged drops what this node caches about a status after its
	// attachments were cached or pruned; a function because the entity
	// caches belong to core.
	StatusChanged func(statusID int64)
	// AccountChanged drops what this node caches about an account (the
	// entity and its signed-in viewers) after its pictures changed; a
	// function because those caches belong to core.
	AccountChanged func(accountID int64)
	// DomainBlockFor is the block that applies to a host or its parent
	// domain (nil when none), and FederationAllowed whether a host may be
	// federated with at all: the domain policy, which decides what remote
	// files are fetched and shown (mediaRejected). Functions because the
	// policy belongs to the domains area. Without them no host is blocked.
	DomainBlockFor    func(ctx context.Context, host string) *model.DomainBlock
	FederationAllowed func(ctx context.Context, host string) bool
	// VisibleStatus answers status id if viewerID (0 for a visitor) may
	// see it, else fault.ErrRecordNotFound: the media proxy serves an
	// attachment only to whoever may see its status. A function because
	// visibility belongs to core; without it the proxy serves nothing.
	VisibleStatus func(ctx context.Context, viewerID, statusID int64) (*model.Status, error)
	// ProfileChanged queues, inside the transaction that changed a local
	// account's pictures, the Update of its actor to followers' servers
	// and the event that drops cached copies on every node; a function
	// because deliveries belong to core.
	ProfileChanged func(ctx context.Context, tx *store.Store, acct *model.Account) error
	// CanonicalHost is a URL's host as domains are stored
	// (site.CanonicalHost): an emoji tag counts only with an id on its
	// sender's domain, compared as every other origin check compares
	// hosts. Without it, the host as written, lowercased (stricter: a
	// default port or a trailing dot refuses the tag).
	CanonicalHost func(u *url.URL) string
}

// Service runs the files area's use cases.
type Service struct {
	store          *store.Store
	site           site.Site
	log            *slog.Logger
	media          media.Storage // uploaded and cached files (media.go); nil refuses uploads
	av             *media.FFmpeg // video, audio, AVIF (media_upload.go); nil refuses them
	mediaFetcher   MediaFetcher  // remote files (remote_image.go); nil: never cached
	maxAttachments int
	mediaSpread    time.Duration
	// imageSlots bounds how many images are decoded at once (remote_image.go).
	imageSlots chan struct{}
	// imageTries rate-limits the media proxy's fetches of remote
	// pictures, by proxy address (media_proxy.go).
	imageTries attempts
	// emojis caches custom emoji by domain and shortcode
	// (custom_emoji_lookup.go).
	emojis *emojiCache

	wake              func()
	statusChanged     func(statusID int64)
	accountChanged    func(accountID int64)
	domainBlockFor    func(ctx context.Context, host string) *model.DomainBlock
	federationAllowed func(ctx context.Context, host string) bool
	visibleStatus     func(ctx context.Context, viewerID, statusID int64) (*model.Status, error)
	profileChanged    func(ctx context.Context, tx *store.Store, acct *model.Account) error
	canonicalHost     func(u *url.URL) string
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, site: d.Site, log: d.Log, media: d.Media, av: d.Transcoder,
		mediaFetcher: d.Fetcher, maxAttachments: d.MaxAttachments, mediaSpread: d.RemoteMediaSpread,
		imageSlots: make(chan struct{}, runtime.NumCPU()), emojis: newEmojiCache(),
		wake: d.Wake, statusChanged: d.StatusChanged, accountChanged: d.AccountChanged,
		domainBlockFor: d.DomainBlockFor, federationAllowed: d.FederationAllowed,
		visibleStatus: d.VisibleStatus, profileChanged: d.ProfileChanged, canonicalHost: d.CanonicalHost}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxAttachments <= 0 {
		s.maxAttachments = DefaultMaxStatusMedia
	}
	if s.wake == nil {
		s.wake = func() {}
	}
	if s.statusChanged == nil {
		s.statusChanged = func(int64) {}
	}
	if s.accountChanged == nil {
		s.accountChanged = func(int64) {}
	}
	if s.domainBlockFor == nil {
		s.domainBlockFor = func(context.Context, string) *model.DomainBlock { return nil }
	}
	if s.federationAllowed == nil {
		s.federationAllowed = func(context.Context, string) bool { return true }
	}
	if s.visibleStatus == nil {
		s.visibleStatus = func(context.Context, int64, int64) (*model.Status, error) {
			return nil, fault.ErrRecordNotFound
		}
	}
	if s.profileChanged == nil {
		s.profileChanged = func(context.Context, *store.Store, *model.Account) error { return nil }
	}
	if s.canonicalHost == nil {
		s.canonicalHost = func(u *url.URL) string { return strings.ToLower(u.Host) }
	}
	return s
}

// maxRemoteURI bounds a remote file's or emoji's address, as core bounds
// every URI of a remote status.
const maxRemoteURI = 2048

func truncateChars(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// attempts remembers when each remote picture was last asked of its
// origin on this node, so that it is tried at most once per interval
// however often it is asked for (as core's attempts for stale accounts).
type attempts struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// claim reports whether k may be tried now, at most once per every, and
// records it.
func (r *attempts) claim(k string, now time.Time, every time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last = map[string]time.Time{}
	}
	if t, ok := r.last[k]; ok && now.Sub(t) < every {
		return false
	}
	if len(r.last) > 10_000 {
		for k, t := range r.last {
			if now.Sub(t) >= every {
				delete(r.last, k)
			}
		}
	}
	r.last[k] = now
	return true
}
