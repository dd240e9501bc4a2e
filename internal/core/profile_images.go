package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"herd/internal/core/fault"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
)

// ProfileImage names one of an account's two pictures.
type ProfileImage int

// The two profile pictures.
const (
	ProfileAvatar ProfileImage = iota
	ProfileHeader
)

// profileImageSpec is how a profile picture is processed and stored.
type profileImageSpec struct {
	field         string // as Mastodon names it in validation errors
	prefix        string // storage key folder
	width, height int    // Mastodon's geometry, cropped ("#")
}

var profileImageSpecs = [...]profileImageSpec{
	ProfileAvatar: {"Avatar", "avatars", media.AvatarWidth, media.AvatarHeight},
	ProfileHeader: {"Header", "headers", media.HeaderWidth, media.HeaderHeight},
}

// key is the account's stored key of the picture.
func (p ProfileImage) key(a *model.Account) *string {
	if p == ProfileAvatar {
		return &a.AvatarKey
	}
	return &a.HeaderKey
}

// storeProfileImage checks, crops, re-encodes and stores an avatar or
// header sent by its owner (media.ProcessProfileImage: the same checks as
// an upload, sniffed type and limits before decoding) under a new key,
// which it answers. A file that is not acceptable is a 422 and stores
// nothing.
func (c *Core) storeProfileImage(ctx context.Context, which ProfileImage, r io.Reader) (string, error) {
	spec := profileImageSpecs[which]
	if c.media == nil {
		return "", fault.Unprocessable("Media uploads are not enabled")
	}
	data, err := io.ReadAll(io.LimitReader(r, media.MaxImageBytes+1))
	if err != nil {
		return "", err
	}
	// Decoding holds up to a few hundred MB for an image at the pixel
	// limit: one per CPU at a time, as uploads.
	select {
	case c.imageSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	img, err := media.ProcessProfileImage(data, spec.width, spec.height)
	<-c.imageSlots
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return "", fault.Unprocessable(fmt.Sprintf("Validation failed: %s must be less than %d MB and %d megapixels",
			spec.field, media.MaxImageBytes>>20, media.MaxImagePixels/1_000_000))
	case errors.Is(err, media.ErrUnsupported), errors.Is(err, media.ErrCorrupt):
		return "", fault.Unprocessable("Validation failed: " + spec.field + " content type is invalid")
	case err != nil:
		return "", err
	}
	key := media.NewKey(spec.prefix) + "/original" + img.Ext
	if err := c.media.Put(ctx, key, bytes.NewReader(img.Original)); err != nil {
		c.deleteFiles(ctx, key)
		return "", err
	}
	return key, nil
}

// DeleteProfileImage removes the viewer's avatar or header (DELETE
// /api/v1/profile/avatar and /header, Mastodon 4.2): the account shows the
// default picture again, followers' servers get the Update, and the file
// goes once that is committed. Removing what is not there changes nothing
// but still answers the account, as Mastodon.
func (c *Core) DeleteProfileImage(ctx context.Context, v *model.Viewer, which ProfileImage) (*model.Viewer, error) {
	var fresh *model.Viewer
	var old string
	err := c.Store.InTx(ctx, func(tx *store.Store) error {
		acct, err := tx.AccountByID(ctx, v.AccountID())
		if err != nil {
			return err
		}
		user, err := tx.UserByAccountID(ctx, acct.ID)
		if err != nil {
			return err
		}
		key := which.key(acct)
		old, *key = *key, ""
		if err := tx.SetAccountImageKeys(ctx, acct.ID, acct.AvatarKey, acct.HeaderKey); err != nil {
			return err
		}
		if acct, err = tx.AccountByID(ctx, acct.ID); err != nil {
			return err
		}
		fresh = &model.Viewer{Token: v.Token, Account: acct, User: user}
		return c.profileChanged(ctx, tx, acct)
	})
	if err != nil {
		return nil, err
	}
	c.wakeJobs()
	c.forgetAccount(fresh.Account.ID)
	c.deleteFiles(ctx, old)
	return fresh, nil
}

// profileChanged queues the Update of a local actor to its followers'
// servers, as Mastodon's UpdateDistributionWorker after any profile edit,
// and logs the change so every node drops what it cached of the account.
func (c *Core) profileChanged(ctx context.Context, tx *store.Store, acct *model.Account) error {
	if err := c.queueDelivery(ctx, tx, acct, Delivery{Kind: "Update:Person", Followers: true}); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, store.EventAccountUpdated, acct.ID, acct.ID, "")
}
