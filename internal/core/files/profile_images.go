package files

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

// Key is the account's field holding the stored key of the picture.
func (p ProfileImage) Key(a *model.Account) *string {
	if p == ProfileAvatar {
		return &a.AvatarKey
	}
	return &a.HeaderKey
}

// remoteURL is a remote account's address of the picture at its origin.
func (p ProfileImage) remoteURL(a *model.Account) string {
	if p == ProfileAvatar {
		return a.AvatarURL
	}
	return a.HeaderURL
}

// missingPath is the default picture's path.
func (p ProfileImage) missingPath() string {
	if p == ProfileAvatar {
		return missingAvatarPath
	}
	return missingHeaderPath
}

// StoreProfileImage checks, crops, re-encodes and stores an avatar or
// header sent by its owner (media.ProcessProfileImage: the same checks as
// an upload, sniffed type and limits before decoding) under a new key,
// which it answers. A file that is not acceptable is a 422 and stores
// nothing.
func (s *Service) StoreProfileImage(ctx context.Context, which ProfileImage, r io.Reader) (string, error) {
	spec := profileImageSpecs[which]
	if s.media == nil {
		return "", fault.Unprocessable("Media uploads are not enabled")
	}
	data, err := io.ReadAll(io.LimitReader(r, media.MaxImageBytes+1))
	if err != nil {
		return "", err
	}
	// Decoding holds up to a few hundred MB for an image at the pixel
	// limit: one per CPU at a time, as uploads.
	select {
	case s.imageSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	img, err := media.ProcessProfileImage(data, spec.width, spec.height)
	<-s.imageSlots
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
	if err := s.media.Put(ctx, key, bytes.NewReader(img.Original)); err != nil {
		s.DeleteFiles(ctx, key)
		return "", err
	}
	return key, nil
}

// DeleteProfileImage removes the viewer's avatar or header (DELETE
// /api/v1/profile/avatar and /header, Mastodon 4.2): the account shows the
// default picture again, followers' servers get the Update, and the file
// goes once that is committed. Removing what is not there changes nothing
// but still answers the account, as Mastodon.
func (s *Service) DeleteProfileImage(ctx context.Context, v *model.Viewer, which ProfileImage) (*model.Viewer, error) {
	var fresh *model.Viewer
	var old string
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		acct, err := tx.AccountByID(ctx, v.AccountID())
		if err != nil {
			return err
		}
		user, err := tx.UserByAccountID(ctx, acct.ID)
		if err != nil {
			return err
		}
		key := which.Key(acct)
		old, *key = *key, ""
		if err := tx.SetAccountImageKeys(ctx, acct.ID, acct.AvatarKey, acct.HeaderKey); err != nil {
			return err
		}
		if acct, err = tx.AccountByID(ctx, acct.ID); err != nil {
			return err
		}
		fresh = &model.Viewer{Token: v.Token, Account: acct, User: user}
		return s.profileChanged(ctx, tx, acct)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	s.accountChanged(fresh.Account.ID)
	s.DeleteFiles(ctx, old)
	return fresh, nil
}
