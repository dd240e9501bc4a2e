package files

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/url"
	"time"

	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
)

// ChangedRemoteImages sets a's image keys from old's, dropping those whose
// remote address changed (the new picture is fetched again), and answers
// the keys dropped.
func ChangedRemoteImages(old, a *model.Account) []string {
	var stale []string
	a.AvatarKey, a.HeaderKey = old.AvatarKey, old.HeaderKey
	if old.AvatarKey != "" && old.AvatarURL != a.AvatarURL {
		stale, a.AvatarKey = append(stale, old.AvatarKey), ""
	}
	if old.HeaderKey != "" && old.HeaderURL != a.HeaderURL {
		stale, a.HeaderKey = append(stale, old.HeaderKey), ""
	}
	return stale
}

// QueueRemoteAccountImages queues, inside the transaction that stored
// remote account a, one remote_media job fetching its avatar and header
// when one is named and not cached (new, changed, or pruned); nothing for
// a suspended account or a domain that rejects media. Like attachments,
// the fetch runs after a random delay, never in the inbox request.
func (s *Service) QueueRemoteAccountImages(ctx context.Context, tx *store.Store, a *model.Account) error {
	if a.Local() || a.Suspended() || s.mediaFetcher == nil || s.media == nil {
		return nil
	}
	if (a.AvatarKey != "" || a.AvatarURL == "") && (a.HeaderKey != "" || a.HeaderURL == "") {
		return nil
	}
	if s.mediaRejected(ctx, a.Domain) {
		return nil
	}
	payload, err := json.Marshal(remoteMediaJob{AccountID: a.ID})
	if err != nil {
		return err
	}
	runAt := time.Now()
	if spread := s.remoteMediaSpread(); spread > 0 {
		runAt = runAt.Add(rand.N(spread))
	}
	_, err = tx.EnqueueJob(ctx, QueueRemoteMedia, string(payload), runAt)
	return err
}

// cacheRemoteAccountImages fetches the avatar and header of remote account
// id that are not cached (a remote_media job) and processes them as local
// ones (400x400 and 1500x500, centre-cropped). Refusals and remote
// failures leave a picture uncached, shown through the media proxy
// (AccountImageFile); only database and storage errors are returned.
func (s *Service) cacheRemoteAccountImages(ctx context.Context, id int64) error {
	a, err := s.store.AccountByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if a.Local() || a.Suspended() || s.mediaRejected(ctx, a.Domain) {
		return nil
	}
	for _, which := range []ProfileImage{ProfileAvatar, ProfileHeader} {
		remoteURL := which.remoteURL(a)
		if *which.Key(a) != "" || remoteURL == "" {
			continue
		}
		if _, err := s.cacheRemoteAccountImage(ctx, a, which, remoteURL); err != nil && !isFetchFailure(err) {
			return err
		}
	}
	return nil
}

// cacheRemoteAccountImage fetches and stores one picture of remote
// account a, answering its key ("" when the account changed meanwhile
// and nothing was stored). Refusals and remote failures are *fetchFailure
// errors.
func (s *Service) cacheRemoteAccountImage(ctx context.Context, a *model.Account, which ProfileImage, remoteURL string) (string, error) {
	u, err := url.Parse(remoteURL)
	if err != nil {
		return "", &fetchFailure{ErrMediaRefused}
	}
	if b := s.domainBlockFor(ctx, u.Host); b != nil && (b.RejectMedia || b.Severity == model.SeveritySuspend) {
		return "", &fetchFailure{ErrMediaRefused}
	}
	if s.mediaFetcher == nil || s.media == nil {
		return "", ErrNoMediaFetcher
	}
	spec := profileImageSpecs[which]
	data, err := s.mediaFetcher.FetchMedia(ctx, remoteURL, media.MaxImageBytes)
	var img *media.Image
	if err == nil {
		select {
		case s.imageSlots <- struct{}{}:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		img, err = media.ProcessProfileImage(data, spec.width, spec.height)
		<-s.imageSlots
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		s.log.Debug("remote profile image: not cached", "account", a.ID, "url", remoteURL, "err", err)
		return "", &fetchFailure{err}
	}
	key := media.NewKey(spec.prefix) + "/original" + img.Ext
	if err := s.media.Put(ctx, key, bytes.NewReader(img.Original)); err != nil {
		s.DeleteFiles(ctx, key)
		return "", err
	}
	var stored bool
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if stored, err = tx.CacheRemoteAccountImage(ctx, a.ID, which == ProfileHeader, remoteURL, key); err != nil || !stored {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, a.ID, a.ID, "")
	})
	if err != nil || !stored {
		s.DeleteFiles(ctx, key)
		return "", err
	}
	s.accountChanged(a.ID)
	return key, nil
}

// PruneRemoteProfiles removes the cached avatars and headers of remote
// accounts not stored again since cutoff that no local account follows
// or is followed by, as Mastodon's 'tootctl media remove --prune-profiles'
// (its media cache retention, like the maintenance loop here, leaves
// profile pictures alone). Such an account's pictures are shown through
// the media proxy, which fetches them again when viewed, as does the
// account's next refresh or Update. It says how many accounts it pruned.
func (s *Service) PruneRemoteProfiles(ctx context.Context, cutoff time.Time) (int, error) {
	pruned := 0
	var after int64
	for {
		batch, err := s.store.UnfollowedProfileImagesBefore(ctx, cutoff, after, 100)
		if err != nil || len(batch) == 0 {
			return pruned, err
		}
		for _, p := range batch {
			after = p.ID
			var ok bool
			err := s.store.InTx(ctx, func(tx *store.Store) error {
				var err error
				if ok, err = tx.UncacheRemoteProfileImages(ctx, p); err != nil || !ok {
					return err
				}
				return tx.AppendEvent(ctx, store.EventAccountUpdated, p.ID, p.ID, "")
			})
			if err != nil {
				return pruned, err
			}
			if ok {
				s.accountChanged(p.ID)
				s.DeleteFiles(ctx, p.AvatarKey, p.HeaderKey)
				pruned++
			}
		}
		if len(batch) < 100 {
			return pruned, nil
		}
	}
}
