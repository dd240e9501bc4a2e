package links

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"herd/internal/jobs"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// QueueCards is the job queue of preview-card fetches: one job per status
// with a card link, payload a cardJob.
const QueueCards = "cards"

const (
	// cardFreshFor: a stored card is used this long before its page is
	// fetched again (Mastodon refreshes cards after two weeks).
	cardFreshFor = 14 * 24 * time.Hour
	// defaultRemoteCardSpread: a status that arrived from another server
	// has its link fetched after a random delay up to this, as Mastodon
	// does, so the linked site is not hit by every instance at once.
	defaultRemoteCardSpread = time.Minute
	// maxRefreshForget bounds how many statuses showing a refreshed card
	// are dropped from caches (the rest see it once they leave the cache).
	maxRefreshForget = 200
)

// CardFetcher fetches the preview card of a web page; cards.Fetcher
// implements it over the guarded outbound client.
type CardFetcher interface {
	FetchCard(ctx context.Context, url string) (*model.PreviewCard, error)
}

// cardJob is the payload of a QueueCards job. ImageOnly: the card of URL
// is stored already (an origin's FEP-8967 preview) and only its image is
// to be copied; the page itself is not fetched.
type cardJob struct {
	StatusID  int64  `json:"status_id"`
	URL       string `json:"url"`
	ImageOnly bool   `json:"image_only,omitempty"`
}

// AddCard gives a new status its card inside its transaction: the link is
// the one its origin named (cardURL, FEP-8967) or else the first of its
// content that is not a mention or hashtag. When the origin attached its
// preview and no card of that URL is stored, the preview is stored as the
// URL's card, already stale, so the next status linking the URL fetches
// the page itself (another server's word never stands for long), and the
// page is not fetched now. Otherwise one card job is enqueued, due after a
// random delay for a status from another server.
func (s *Service) AddCard(ctx context.Context, tx *store.Store, st *model.Status, mentions []*model.Account,
	cardURL string, preview *model.PreviewCard) error {
	link := cardLinkOf(st, mentions, cardURL)
	if link == "" {
		return nil
	}
	if preview != nil && preview.URL == link {
		stored, err := tx.PreviewCardByURL(ctx, link)
		switch {
		case errors.Is(err, model.ErrNotFound):
			card := *preview
			card.FetchedAt, card.ImageKey = time.UnixMilli(0), ""
			if err := tx.SavePreviewCard(ctx, &card); err != nil {
				return err
			}
			if err := tx.LinkStatusCard(ctx, st.ID, card.ID); err != nil {
				return err
			}
			if card.ImageURL == "" {
				return nil
			}
			return s.enqueueCardJob(ctx, tx, st, cardJob{StatusID: st.ID, URL: link, ImageOnly: true})
		case err != nil:
			return err
		case time.Since(stored.FetchedAt) < cardFreshFor:
			return tx.LinkStatusCard(ctx, st.ID, stored.ID)
		}
	}
	return s.enqueueCardJob(ctx, tx, st, cardJob{StatusID: st.ID, URL: link})
}

// enqueueCardJob queues job, due after a random delay for a status from
// another server.
func (s *Service) enqueueCardJob(ctx context.Context, tx *store.Store, st *model.Status, job cardJob) error {
	runAt := time.Now()
	if !st.Local {
		if spread := s.remoteCardSpread(); spread > 0 {
			runAt = runAt.Add(rand.N(spread))
		}
	}
	payload, err := json.Marshal(job)
	if err != nil {
		return err
	}
	_, err = tx.EnqueueJob(ctx, QueueCards, string(payload), runAt)
	return err
}

// cardLinkOf is the link of a status that gets a card: the one its origin
// named, else its content's first link that is not a mention or hashtag;
// "" for boosts and statuses with media (as Mastodon: the media is the
// preview).
func cardLinkOf(st *model.Status, mentions []*model.Account, cardURL string) string {
	if st.ReblogOfID != 0 || st.HasMedia {
		return ""
	}
	if cardURL != "" {
		return cardURL
	}
	skip := map[string]bool{}
	for _, m := range mentions {
		if m.URL != "" {
			skip[m.URL] = true
		}
		if m.URI != "" {
			skip[m.URI] = true
		}
	}
	return text.CardLink(st.Content, skip)
}

// Recard follows an edit: when the edited status's card link is not the
// URL of its card, the card goes and the new link's is looked for as for
// a new status.
func (s *Service) Recard(ctx context.Context, tx *store.Store, st *model.Status, mentions []*model.Account,
	cardURL string, preview *model.PreviewCard) error {
	current, err := tx.PreviewCardsByStatusIDs(ctx, []int64{st.ID})
	if err != nil {
		return err
	}
	link := cardLinkOf(st, mentions, cardURL)
	if card := current[st.ID]; card != nil {
		if card.URL == link {
			return nil
		}
		if err := tx.UnlinkStatusCard(ctx, st.ID); err != nil {
			return err
		}
	}
	return s.AddCard(ctx, tx, st, mentions, cardURL, preview)
}

func (s *Service) remoteCardSpread() time.Duration {
	switch d := s.cardSpread; {
	case d < 0:
		return 0
	case d == 0:
		return defaultRemoteCardSpread
	default:
		return d
	}
}

// CardJobs works a batch of card jobs. A page that cannot be fetched or
// is not HTML leaves its status without a card (no retry: the link is
// not going to change); only database errors are retried.
func (s *Service) CardJobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	failed := map[int64]error{}
	for _, j := range batch {
		var job cardJob
		if err := json.Unmarshal([]byte(j.Payload), &job); err != nil || job.StatusID == 0 || job.URL == "" {
			s.log.Error("cards: bad payload, dropped", "job", j.ID, "payload", j.Payload)
			continue
		}
		if err := s.attachCard(ctx, job); err != nil {
			failed[j.ID] = err
		}
	}
	return failed
}

// attachCard gives a status the card of its link: the stored one while
// fresh, else fetched (once per URL however many jobs ask at the same
// time), then linked to the status with an event, so every node drops
// the status's cached rendering.
func (s *Service) attachCard(ctx context.Context, job cardJob) error {
	if _, err := s.store.StatusByID(ctx, job.StatusID); errors.Is(err, model.ErrNotFound) {
		return nil // deleted meanwhile
	} else if err != nil {
		return err
	}
	if job.ImageOnly {
		return s.copyPreviewImage(ctx, job)
	}
	card, refreshed, err := s.cardOf(ctx, job.URL)
	if err != nil || card == nil {
		return err
	}
	var others []int64
	if refreshed {
		if others, err = s.store.StatusIDsOfCard(ctx, card.ID, maxRefreshForget); err != nil {
			return err
		}
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LinkStatusCard(ctx, job.StatusID, card.ID); err != nil {
			return err
		}
		for _, id := range append(others, job.StatusID) {
			if err := tx.AppendEvent(ctx, store.EventStatusCard, id, 0, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range append(others, job.StatusID) {
		s.statusChanged(id)
	}
	return nil
}

// cardOf returns the card of url: stored and fresh, or fetched and saved
// (refreshed reports a stored card that was fetched again). nil without
// error when the page has no card.
func (s *Service) cardOf(ctx context.Context, url string) (card *model.PreviewCard, refreshed bool, err error) {
	stored, err := s.store.PreviewCardByURL(ctx, url)
	switch {
	case err == nil && time.Since(stored.FetchedAt) < cardFreshFor:
		return stored, false, nil
	case err != nil && !errors.Is(err, model.ErrNotFound):
		return nil, false, err
	}
	if s.cardFetcher == nil {
		return stored, false, nil
	}
	fetched, err := s.cardFetches.do(url, func() (*model.PreviewCard, error) {
		card, err := s.cardFetcher.FetchCard(ctx, url)
		if err != nil {
			s.log.Debug("cards: fetch failed", "url", url, "err", err)
			return nil, nil
		}
		card.URL, card.FetchedAt = url, time.Now()
		if stored != nil {
			card.ID = stored.ID
		}
		s.copyCardImage(ctx, card)
		err = s.store.InTx(ctx, func(tx *store.Store) error { return tx.SavePreviewCard(ctx, card) })
		if err != nil {
			s.deleteFiles(ctx, card.ImageKey)
			return nil, err
		}
		if stored != nil && stored.ImageKey != card.ImageKey {
			s.deleteFiles(ctx, stored.ImageKey) // the refreshed card's image replaces it
		}
		return card, nil
	})
	if err != nil {
		return nil, false, err
	}
	if fetched == nil {
		return stored, false, nil // a stale card beats none
	}
	return fetched, stored != nil, nil
}

// copyCardImage copies a fetched card's image into media storage, as a
// preview within Mastodon's card size (640×360), with its blurhash and,
// when the page gave none, its size. A card whose image cannot be fetched
// or is not an image shows none: readers' browsers never load it from the
// linked site.
func (s *Service) copyCardImage(ctx context.Context, card *model.PreviewCard) {
	card.ImageKey = ""
	if card.ImageURL == "" {
		return
	}
	img, err := s.fetchImage(ctx, card.ImageURL)
	if err != nil {
		s.log.Debug("cards: image not copied", "url", card.ImageURL, "err", err)
		return
	}
	key := media.NewKey("preview_cards") + "/original" + img.SmallExt
	if err := s.media.Put(ctx, key, bytes.NewReader(img.Small)); err != nil {
		s.log.Warn("cards: store image", "url", card.ImageURL, "err", err)
		return
	}
	card.ImageKey, card.Blurhash = key, img.Blurhash
	if card.Width == 0 || card.Height == 0 {
		card.Width, card.Height = img.SmallWidth, img.SmallHeight
	}
}

// copyPreviewImage copies the image of a card an origin server attached
// (FEP-8967) and, if it is still without one, gives it to the card.
func (s *Service) copyPreviewImage(ctx context.Context, job cardJob) error {
	card, err := s.store.PreviewCardByURL(ctx, job.URL)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil || card.ImageKey != "" {
		return err
	}
	s.copyCardImage(ctx, card)
	if card.ImageKey == "" {
		return nil
	}
	var set bool
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if set, err = tx.SetPreviewCardImage(ctx, card.ID, card.ImageKey, card.Blurhash); err != nil || !set {
			return err
		}
		return tx.AppendEvent(ctx, store.EventStatusCard, job.StatusID, 0, "")
	})
	if err != nil || !set {
		s.deleteFiles(ctx, card.ImageKey)
		return err
	}
	s.statusChanged(job.StatusID)
	return nil
}

// flightGroup runs one fetch per key at a time: callers that ask for a
// key already being fetched wait for that fetch and share its answer.
type flightGroup struct {
	mu    sync.Mutex
	calls map[string]*flight
}

type flight struct {
	done chan struct{}
	card *model.PreviewCard
	err  error
}

func (g *flightGroup) do(key string, fn func() (*model.PreviewCard, error)) (*model.PreviewCard, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*flight{}
	}
	if f, ok := g.calls[key]; ok {
		g.mu.Unlock()
		<-f.done
		return f.card, f.err
	}
	f := &flight{done: make(chan struct{})}
	g.calls[key] = f
	g.mu.Unlock()
	f.card, f.err = fn()
	g.mu.Lock()
	delete(g.calls, key)
	g.mu.Unlock()
	close(f.done)
	return f.card, f.err
}
