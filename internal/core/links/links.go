// Package links holds the use cases that read the web pages statuses and
// profiles link to: a status's preview card (its first link's title,
// description and image) and the rel="me" verification of profile fields.
// Both fetch other sites' pages in background jobs through the guarded
// client (cards.Fetcher), spread in time for links that came from other
// servers, and neither keeps files of its own but a card's image.
package links

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"herd/internal/core/site"
	"herd/internal/media"
	"herd/internal/store"
)

// Deps is what the links area is built from. Only Store and Site are
// needed; each collaborator left out turns its feature off, as said beside
// it, and each function left out does nothing.
type Deps struct {
	// Store holds the preview_cards rows, the accounts' fields and the
	// cards and links job queues.
	Store *store.Store
	// Site names local profile pages, which a rel="me" link may point to.
	Site site.Site
	Log  *slog.Logger // slog.Default() when nil
	// Cards fetches link previews; without it statuses get no cards.
	Cards CardFetcher
	// Links reads the rel="me" links of profile fields; without it no
	// field is verified.
	Links LinkVerifier
	// Media stores a card's copied image; without it cards show none.
	Media media.Storage
	// RemoteCardSpread is the longest random delay before the link of a
	// status from another server is fetched for its card, and before a
	// remote profile's links are verified (0: one minute; negative: none,
	// for tests).
	RemoteCardSpread time.Duration

	// FetchImage fetches a remote image through the guarded client and
	// processes it as an upload (the files area's FetchRemoteImage, which
	// bounds how many images a node decodes at once); a function because
	// remote files belong to that area. Without it cards show no image.
	FetchImage func(ctx context.Context, url string) (*media.Image, error)
	// DeleteFiles removes stored files, best effort (the files area's):
	// a card image replaced or not recorded.
	DeleteFiles func(ctx context.Context, keys ...string)
	// StatusChanged drops what this node caches about a status after its
	// card changed, and AccountChanged about an account after a field was
	// verified; functions because the entity caches belong to core.
	StatusChanged  func(statusID int64)
	AccountChanged func(accountID int64)
}

// Service runs the links area's use cases.
type Service struct {
	store *store.Store
	site  site.Site
	log   *slog.Logger
	// cardFetcher fetches preview cards (cards.go); nil: no cards.
	cardFetcher CardFetcher
	cardFetches flightGroup // one fetch per URL at a time on this node
	// linkVerifier reads rel="me" links (link_verification.go); nil: no
	// profile link is verified.
	linkVerifier LinkVerifier
	media        media.Storage // card images; nil: none copied
	cardSpread   time.Duration

	fetchImage     func(ctx context.Context, url string) (*media.Image, error)
	deleteFiles    func(ctx context.Context, keys ...string)
	statusChanged  func(statusID int64)
	accountChanged func(accountID int64)
}

// errNoImages: a card's image cannot be copied on this node (no image
// fetcher or no storage).
var errNoImages = errors.New("links: card images are not enabled")

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, site: d.Site, log: d.Log, cardFetcher: d.Cards, linkVerifier: d.Links,
		media: d.Media, cardSpread: d.RemoteCardSpread, fetchImage: d.FetchImage, deleteFiles: d.DeleteFiles,
		statusChanged: d.StatusChanged, accountChanged: d.AccountChanged}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.fetchImage == nil || s.media == nil {
		s.fetchImage = func(context.Context, string) (*media.Image, error) { return nil, errNoImages }
	}
	if s.deleteFiles == nil {
		s.deleteFiles = func(context.Context, ...string) {}
	}
	if s.statusChanged == nil {
		s.statusChanged = func(int64) {}
	}
	if s.accountChanged == nil {
		s.accountChanged = func(int64) {}
	}
	return s
}
