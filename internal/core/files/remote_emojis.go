package files

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"herd/internal/ids"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// maxRemoteEmojis bounds how many Emoji tags of one object are read; the
// rest are ignored.
const maxRemoteEmojis = 50

// RemoteEmoji is an Emoji tag of a remote Note or actor as the federation
// layer read it.
type RemoteEmoji struct {
	URI       string // the tag's id
	Shortcode string // its name without the colons
	ImageURL  string // icon.url
	Updated   time.Time
}

// SaveRemoteEmojis records the Emoji tags of an object from domain (the
// sender's host) as that domain's custom emoji, Mastodon's
// ActivityPub::Activity::Create#process_emoji: a new shortcode is added,
// a known one takes a new image address or id when the tag differs or is
// newer. A tag whose id is not on the sender's host, whose name is not a
// shortcode, whose image is not a web URL, or past the first
// maxRemoteEmojis, is ignored. Images not cached are fetched by one
// remote_media job, never here; nothing is fetched from a domain that
// rejects media (its emoji are not shown, see CustomEmojiURL).
func (s *Service) SaveRemoteEmojis(ctx context.Context, domain string, list []RemoteEmoji) error {
	domain = strings.ToLower(domain)
	if domain == "" || len(list) == 0 {
		return nil
	}
	if len(list) > maxRemoteEmojis {
		list = list[:maxRemoteEmojis]
	}
	var fetch []int64
	var stale []string
	changed := false
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		fetch, stale, changed = nil, nil, false
		seen := map[string]bool{}
		now := time.Now()
		for _, r := range list {
			if !s.validRemoteEmoji(domain, r) || seen[r.Shortcode] {
				continue
			}
			seen[r.Shortcode] = true
			old, err := tx.CustomEmojiByShortcode(ctx, r.Shortcode, domain)
			switch {
			case errors.Is(err, model.ErrNotFound):
				e := &model.CustomEmoji{ID: ids.New(), Shortcode: r.Shortcode, Domain: domain, ImageRemoteURL: r.ImageURL,
					URI: r.URI, VisibleInPicker: true, CreatedAt: now, UpdatedAt: now}
				if err := tx.InsertCustomEmoji(ctx, e); err != nil {
					return err
				}
				fetch, changed = append(fetch, e.ID), true
			case err != nil:
				return err
			case old.ImageRemoteURL != r.ImageURL || old.URI != r.URI || (!r.Updated.IsZero() && r.Updated.After(old.UpdatedAt)):
				if err := tx.UpdateRemoteCustomEmoji(ctx, old.ID, r.URI, r.ImageURL, now); err != nil {
					return err
				}
				changed = true
				if old.ImageRemoteURL != r.ImageURL {
					stale, fetch = append(stale, old.ImageKey), append(fetch, old.ID)
				} else if old.ImageKey == "" {
					fetch = append(fetch, old.ID)
				}
			case old.ImageKey == "":
				fetch = append(fetch, old.ID) // never cached, or pruned: fetched again
			}
		}
		if changed {
			if err := tx.AppendEvent(ctx, store.EventCustomEmoji, 0, 0, domain); err != nil {
				return err
			}
		}
		if len(fetch) == 0 || s.mediaRejected(ctx, domain) || s.mediaFetcher == nil {
			return nil
		}
		payload, err := json.Marshal(remoteMediaJob{EmojiIDs: fetch})
		if err != nil {
			return err
		}
		runAt := time.Now()
		if spread := s.remoteMediaSpread(); spread > 0 {
			runAt = runAt.Add(rand.N(spread))
		}
		_, err = tx.EnqueueJob(ctx, QueueRemoteMedia, string(payload), runAt)
		return err
	})
	if err != nil {
		return err
	}
	if changed {
		s.emojis.clear()
	}
	s.DeleteFiles(ctx, stale...)
	return nil
}

// validRemoteEmoji checks an Emoji tag from domain.
func (s *Service) validRemoteEmoji(domain string, r RemoteEmoji) bool {
	if !text.ValidShortcode(r.Shortcode) || len(r.Shortcode) > 100 || len(r.URI) > maxRemoteURI || len(r.ImageURL) > maxRemoteURI {
		return false
	}
	id, err := url.Parse(r.URI)
	if err != nil || (id.Scheme != "https" && id.Scheme != "http") || s.canonicalHost(id) != domain {
		return false
	}
	img, err := url.Parse(r.ImageURL)
	return err == nil && (img.Scheme == "https" || img.Scheme == "http") && img.Host != ""
}

// cacheRemoteEmojis fetches and stores the images of remote emoji ids not
// cached yet (a remote_media job). Refusals and remote failures leave an
// emoji uncached; only database and storage errors are returned.
func (s *Service) cacheRemoteEmojis(ctx context.Context, idList []int64) error {
	for _, id := range idList {
		if err := s.cacheRemoteEmoji(ctx, id); err != nil && !isFetchFailure(err) {
			return err
		}
	}
	return nil
}

func (s *Service) cacheRemoteEmoji(ctx context.Context, id int64) error {
	e, err := s.store.CustomEmojiByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.Local() || e.ImageKey != "" || e.ImageRemoteURL == "" || s.mediaRejected(ctx, e.Domain) {
		return nil
	}
	u, err := url.Parse(e.ImageRemoteURL)
	if err != nil {
		return &fetchFailure{ErrMediaRefused}
	}
	if b := s.domainBlockFor(ctx, u.Host); b != nil && (b.RejectMedia || b.Severity == model.SeveritySuspend) {
		return &fetchFailure{ErrMediaRefused}
	}
	if s.mediaFetcher == nil || s.media == nil {
		return ErrNoMediaFetcher
	}
	data, err := s.mediaFetcher.FetchMedia(ctx, e.ImageRemoteURL, media.MaxEmojiBytes)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		s.log.Debug("remote emoji: not cached", "emoji", e.ID, "url", e.ImageRemoteURL, "err", err)
		return &fetchFailure{err}
	}
	img, err := s.processEmoji(ctx, data)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		s.log.Debug("remote emoji: not cached", "emoji", e.ID, "url", e.ImageRemoteURL, "err", err)
		return &fetchFailure{err}
	}
	key, err := s.storeEmoji(ctx, img)
	if err != nil {
		return err
	}
	var stored bool
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if stored, err = tx.CacheCustomEmoji(ctx, e.ID, e.ImageRemoteURL, key, time.Now()); err != nil || !stored {
			return err
		}
		return tx.AppendEvent(ctx, store.EventCustomEmoji, e.ID, 0, e.Domain)
	})
	if err != nil || !stored {
		s.DeleteFiles(ctx, key)
		return err
	}
	s.emojis.clear()
	return nil
}

// pruneRemoteEmojis removes the images of remote emoji cached before
// cutoff (the media prune); an emoji is fetched again when an object
// names it next. It says how many it pruned.
func (s *Service) pruneRemoteEmojis(ctx context.Context, cutoff time.Time) (int, error) {
	pruned := 0
	for {
		batch, err := s.store.CachedRemoteEmojisBefore(ctx, cutoff, 100)
		if err != nil || len(batch) == 0 {
			return pruned, err
		}
		for _, e := range batch {
			var ok bool
			err := s.store.InTx(ctx, func(tx *store.Store) error {
				var err error
				if ok, err = tx.UncacheCustomEmoji(ctx, e.ID, e.ImageKey); err != nil || !ok {
					return err
				}
				return tx.AppendEvent(ctx, store.EventCustomEmoji, e.ID, 0, e.Domain)
			})
			if err != nil {
				return pruned, err
			}
			if ok {
				s.DeleteFiles(ctx, e.ImageKey)
				pruned++
			}
		}
		s.emojis.clear()
		if len(batch) < 100 {
			return pruned, nil
		}
	}
}
