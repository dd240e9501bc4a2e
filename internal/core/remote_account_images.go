package core

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

// changedRemoteImages sets a's image keys from old's, dropping those whose
// remote address changed (the new picture is fetched again), and answers
// the keys dropped.
func changedRemoteImages(old, a *model.Account) []string {
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

// queueRemoteAccountImages queues, inside the transaction that stored
// remote account a, one remote_media job fetching its avatar and header
// when one is named and not cached (new, changed, or pruned); nothing for
// a suspended account or a domain that rejects media. Like attachments,
// the fetch runs after a random delay, never in the inbox request.
func (c *Core) queueRemoteAccountImages(ctx context.Context, tx *store.Store, a *model.Account) error {
	if a.Local() || a.Suspended() || c.mediaFetcher == nil || c.media == nil {
		return nil
	}
	if (a.AvatarKey != "" || a.AvatarURL == "") && (a.HeaderKey != "" || a.HeaderURL == "") {
		return nil
	}
	if c.mediaRejected(ctx, a.Domain) {
		return nil
	}
	payload, err := json.Marshal(remoteMediaJob{AccountID: a.ID})
	if err != nil {
		return err
	}
	runAt := time.Now()
	if spread := c.remoteMediaSpread(); spread > 0 {
		runAt = runAt.Add(rand.N(spread))
	}
	_, err = tx.EnqueueJob(ctx, QueueRemoteMedia, string(payload), runAt)
	return err
}

// cacheRemoteAccountImages fetches the avatar and header of remote account
// id that are not cached (a remote_media job) and processes them as local
// ones (400x400 and 1500x500, centre-cropped). Refusals and remote
// failures leave a picture uncached, shown at its remote address; only
// database and storage errors are returned.
func (c *Core) cacheRemoteAccountImages(ctx context.Context, id int64) error {
	a, err := c.Store.AccountByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if a.Local() || a.Suspended() || c.mediaRejected(ctx, a.Domain) {
		return nil
	}
	for _, which := range []ProfileImage{ProfileAvatar, ProfileHeader} {
		remoteURL := a.AvatarURL
		if which == ProfileHeader {
			remoteURL = a.HeaderURL
		}
		if *which.key(a) != "" || remoteURL == "" {
			continue
		}
		if err := c.cacheRemoteAccountImage(ctx, a, which, remoteURL); err != nil && !isFetchFailure(err) {
			return err
		}
	}
	return nil
}

func (c *Core) cacheRemoteAccountImage(ctx context.Context, a *model.Account, which ProfileImage, remoteURL string) error {
	u, err := url.Parse(remoteURL)
	if err != nil {
		return &fetchFailure{ErrMediaRefused}
	}
	if b := c.DomainBlockFor(ctx, u.Host); b != nil && (b.RejectMedia || b.Severity == model.SeveritySuspend) {
		return &fetchFailure{ErrMediaRefused}
	}
	if c.mediaFetcher == nil || c.media == nil {
		return ErrNoMediaFetcher
	}
	spec := profileImageSpecs[which]
	data, err := c.mediaFetcher.FetchMedia(ctx, remoteURL, media.MaxImageBytes)
	var img *media.Image
	if err == nil {
		select {
		case c.imageSlots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		img, err = media.ProcessProfileImage(data, spec.width, spec.height)
		<-c.imageSlots
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		c.Log.Debug("remote profile image: not cached", "account", a.ID, "url", remoteURL, "err", err)
		return &fetchFailure{err}
	}
	key := media.NewKey(spec.prefix) + "/original" + img.Ext
	if err := c.media.Put(ctx, key, bytes.NewReader(img.Original)); err != nil {
		c.deleteFiles(ctx, key)
		return err
	}
	var stored bool
	err = c.Store.InTx(ctx, func(tx *store.Store) error {
		if stored, err = tx.CacheRemoteAccountImage(ctx, a.ID, which == ProfileHeader, remoteURL, key); err != nil || !stored {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, a.ID, a.ID, "")
	})
	if err != nil || !stored {
		c.deleteFiles(ctx, key)
		return err
	}
	c.forgetAccount(a.ID)
	return nil
}

// PruneRemoteProfiles removes the cached avatars and headers of remote
// accounts not stored again since cutoff that no local account follows
// or is followed by, as Mastodon's 'tootctl media remove --prune-profiles'
// (its media cache retention, like the maintenance loop here, leaves
// profile pictures alone). Such an account shows its origin's pictures
// until it is next stored (refreshed, or its Update comes), which fetches
// them again. It says how many accounts it pruned.
func (c *Core) PruneRemoteProfiles(ctx context.Context, cutoff time.Time) (int, error) {
	pruned := 0
	var after int64
	for {
		batch, err := c.Store.UnfollowedProfileImagesBefore(ctx, cutoff, after, 100)
		if err != nil || len(batch) == 0 {
			return pruned, err
		}
		for _, p := range batch {
			after = p.ID
			var ok bool
			err := c.Store.InTx(ctx, func(tx *store.Store) error {
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
				c.forgetAccount(p.ID)
				c.deleteFiles(ctx, p.AvatarKey, p.HeaderKey)
				pruned++
			}
		}
		if len(batch) < 100 {
			return pruned, nil
		}
	}
}
