// Package server wires a Herd node together: database, use cases, the
// client API, OAuth and the background loops, behind one http.Handler.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"herd/internal/activitypub"
	"herd/internal/api"
	"herd/internal/cards"
	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/core/files"
	"herd/internal/db"
	"herd/internal/jobs"
	"herd/internal/media"
	"herd/internal/oauth"
	"herd/internal/safehttp"
	"herd/internal/store"
	"herd/internal/web"
)

// Server is one running Herd node.
type Server struct {
	Config *config.Config
	DB     *db.DB
	Core   *core.Core
	// Store is the database's use-case-free face, for the tools and tests
	// that must see or set rows directly; the doors never get it.
	Store   *store.Store
	Jobs    *jobs.Pool // every queue's workers, started by Run
	Handler http.Handler
	// Inbox and Receiver are the receiving door of federation (tests
	// point their fetcher at fake remotes).
	Inbox    *activitypub.Inbox
	Receiver *activitypub.Receiver
	// Deliverer sends outgoing activities (tests point its client at
	// fake remotes).
	Deliverer *activitypub.Deliverer
	log       *slog.Logger
}

// New opens and migrates the database and builds the handler. Call Run to
// start the background loops and Close when done.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger) (*Server, error) {
	database, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := database.Migrate(ctx); err != nil {
		database.Close()
		return nil, err
	}
	st := store.New(database)
	storage, err := MediaStorage(cfg) // media_files.go
	if err != nil {
		database.Close()
		return nil, err
	}
	// The one outbound client: remote accounts, cards, media and rel="me"
	// links are all fetched through it.
	outbound := safehttp.New(safehttp.Options{Domain: cfg.Domain, AllowPrivateAddresses: cfg.AllowPrivateAddresses,
		Resolve: cfg.OutboundResolve})
	// The one job system: every queue's workers, woken by the use cases
	// after each commit that enqueued a job.
	pool := jobs.New(st.JobQueue(), log)
	var mediaFetcher files.MediaFetcher = media.NewFetcher(outbound)
	if cfg.MediaFetcher != nil {
		mediaFetcher = cfg.MediaFetcher
	}
	c := core.New(core.Deps{Store: st, Config: CoreConfig(cfg), Log: log, Wake: pool.Wake,
		Media:        storage,
		Transcoder:   media.NewFFmpeg(),          // video, audio and AVIF uploads (Debian's ffmpeg)
		Cards:        cards.NewFetcher(outbound), // preview cards through the guarded client
		Links:        cards.NewFetcher(outbound), // rel="me" links of profile fields, likewise
		MediaFetcher: mediaFetcher,               // remote attachments, avatars… likewise
		Mailer:       mailer(cfg),                // mail.go: password resets, when SMTP is set
		PushClient:   outbound,                   // Web Push messages to push services, guarded too
	})
	// Remote accounts are fetched signed as the instance actor. The
	// receiver resolves remote objects for core and calls core to store
	// them: the one real cycle, closed by SetResolver.
	fetcher := activitypub.NewFetcher(outbound, c, activitypub.InstanceActorKey(c))
	receiver := activitypub.NewReceiver(c, fetcher, log)
	c.SetResolver(receiver)
	deliverer := activitypub.NewDeliverer(c, outbound, log)
	registerQueues(pool, st.Dialect(), c, receiver, deliverer) // jobs.go
	mux := http.NewServeMux()
	gate, err := newAPIGate(cfg, c, log) // ratelimit.go
	if err != nil {
		database.Close()
		return nil, err
	}
	// Each door registers its routes from its own table (routes.go); the
	// sign-in form and the password grant count attempts with the gate.
	api.New(c, log, mux).Gate = gate
	oauth.New(c, log, mux, gate)                 // authorize and its consent page, token, revoke, metadata
	pages := web.New(c, log, mux, gate)          // the web interface: public pages, sign-in pages, the web client
	fed := activitypub.New(c, fetcher, log, mux) // WebFinger, actors, statuses, collections, the inbox
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		if err := c.Ready(r.Context()); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("OK"))
	})
	registerPlaceholderImages(mux)
	var files *http.ServeMux // the media host's handler, when there is one
	switch {
	case cfg.UsesS3(): // files are fetched from the bucket's public URL
	case cfg.MediaHost != "":
		files = http.NewServeMux()
		registerMediaFiles(files, c)                              // media_files.go
		redirectMediaFiles(mux, cfg.Protocol+"://"+cfg.MediaHost) // URLs given out before the media host was set
	default:
		registerMediaFiles(mux, c)
	}
	registerMediaProxy(mux, c)
	registerAccountImageProxy(mux, c)
	registerCustomEmojiProxy(mux, c)
	s := &Server{Config: cfg, DB: database, Core: c, Store: st, Jobs: pool, Inbox: fed.Inbox, Receiver: receiver,
		Deliverer: deliverer, log: log}
	slowBodies := bodyDeadline{grace: cfg.BodyReadGrace, minRate: int64(cfg.BodyMinRate)} // body_deadline.go
	s.Handler = slowBodies.wrap(withCORS(gate.throttleCredentials(fed.WithProfilePaths(mux, http.HandlerFunc(pages.ServeProfilePath)))))
	if files != nil {
		s.Handler = byMediaHost(cfg.MediaHost, files, s.Handler)
	}
	s.Handler = storableURLs(s.Handler) // storable_urls.go: no NUL or invalid UTF-8 reaches a door
	return s, nil
}

// CoreConfig maps node settings to what the use cases need.
func CoreConfig(cfg *config.Config) core.Config {
	return core.Config{
		Domain: cfg.Domain, Protocol: cfg.Protocol, MaxStatusChars: cfg.MaxStatusChars,
		MaxMediaAttachments: cfg.MaxMediaAttachments,
		RegistrationMode:    cfg.Registrations, InstanceTitle: cfg.Title, InstanceDesc: cfg.Description,
		ContactEmail: cfg.ContactEmail, AuthorizedFetch: cfg.AuthorizedFetch, LimitedFederation: cfg.LimitedFederation,
		ShowDomainBlocks: cfg.ShowDomainBlocks, RemoteCardSpread: cfg.RemoteCardSpread,
		RemoteMediaSpread: cfg.RemoteMediaSpread, CacheBytes: cfg.CacheMB << 20,
		PushOverHTTP: cfg.AllowPrivateAddresses, // tests only: their push service listens on loopback
	}
}

// Run runs the background loops (events log, WAL checkpoints, job
// workers, hourly pruning) until ctx ends.
func (s *Server) Run(ctx context.Context) {
	s.Core.StartEvents(ctx)
	go s.maintenanceLoop(ctx)
	s.Jobs.Run(ctx)
	go s.hourlyLoop(ctx) // jobs.go
}

// maintenanceLoop truncates SQLite's WAL, drops events every node has
// long since read, removes uploads left unattached for a day and the
// files of remote media cached longer than HERD_MEDIA_CACHE_DAYS, once a
// minute.
func (s *Server) maintenanceLoop(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.DB.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("wal checkpoint", "err", err)
			}
			if err := s.Core.PruneEvents(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("prune events", "err", err)
			}
			if _, err := s.Core.Files.PruneUnattachedMedia(ctx, time.Now().Add(-files.UnattachedMediaTTL)); err != nil && ctx.Err() == nil {
				s.log.Warn("prune unattached media", "err", err)
			}
			if days := s.Config.MediaCacheDays; days > 0 {
				cutoff := time.Now().Add(-time.Duration(days) * 24 * time.Hour)
				if _, err := s.Core.Files.PruneRemoteMedia(ctx, cutoff, nil); err != nil && ctx.Err() == nil {
					s.log.Warn("prune remote media", "err", err)
				}
			}
		}
	}
}

// Close waits for the job workers (stopped by Run's context) and closes
// the database.
func (s *Server) Close() error {
	s.Jobs.Wait()
	return s.DB.Close()
}
