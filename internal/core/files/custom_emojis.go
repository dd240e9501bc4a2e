package files

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// maxEmojiCategory bounds an emoji's category name.
const maxEmojiCategory = 64

// AddCustomEmoji adds a local emoji (admin CLI): data is checked and
// processed as an upload is (media.ProcessEmoji: Mastodon's 256 KB limit,
// type sniffed, pixels bounded before decoding) and stored as a static
// PNG. A bad file or shortcode, or one taken, is a 422 and nothing is
// kept.
func (s *Service) AddCustomEmoji(ctx context.Context, shortcode string, data []byte, category string) (*model.CustomEmoji, error) {
	if !text.ValidShortcode(shortcode) {
		return nil, fault.Unprocessable("Validation failed: Shortcode must be at least 2 characters: letters, digits and underscores")
	}
	category = strings.TrimSpace(category)
	if len([]rune(category)) > maxEmojiCategory {
		return nil, fault.Unprocessable("Validation failed: Category is too long")
	}
	if s.media == nil {
		return nil, ErrNoMediaFetcher
	}
	if _, err := s.store.CustomEmojiByShortcode(ctx, shortcode, ""); err == nil {
		return nil, fault.Unprocessable("Validation failed: Shortcode has already been taken")
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	img, err := s.processEmoji(ctx, data)
	if err != nil {
		return nil, err
	}
	key, err := s.storeEmoji(ctx, img)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	e := &model.CustomEmoji{ID: ids.New(), Shortcode: shortcode, ImageKey: key, VisibleInPicker: true,
		Category: category, CreatedAt: now, UpdatedAt: now}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.InsertCustomEmoji(ctx, e); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventCustomEmoji, e.ID, 0, "")
	})
	if err != nil {
		s.DeleteFiles(ctx, key)
		if errors.Is(err, store.ErrDuplicate) {
			return nil, fault.Unprocessable("Validation failed: Shortcode has already been taken")
		}
		return nil, err
	}
	s.emojis.clear()
	return e, nil
}

// processEmoji runs media.ProcessEmoji in one of the node's image slots
// (see processImage); a refused file is a 422 saying why.
func (s *Service) processEmoji(ctx context.Context, data []byte) (*media.Image, error) {
	select {
	case s.imageSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	img, err := media.ProcessEmoji(data)
	<-s.imageSlots
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return nil, fault.Unprocessable("Validation failed: Image must be less than 256 KB (and 33 megapixels)")
	case errors.Is(err, media.ErrUnsupported):
		return nil, fault.Unprocessable("Validation failed: Image must be a PNG, GIF, WebP or JPEG image")
	case errors.Is(err, media.ErrCorrupt):
		return nil, fault.Unprocessable("Validation failed: Image could not be read")
	}
	return img, err
}

// storeEmoji stores a processed emoji image under a new key.
func (s *Service) storeEmoji(ctx context.Context, img *media.Image) (string, error) {
	if s.media == nil {
		return "", ErrNoMediaFetcher
	}
	key := media.NewKey("custom_emojis") + "/static" + img.Ext
	if err := s.media.Put(ctx, key, bytes.NewReader(img.Original)); err != nil {
		s.DeleteFiles(ctx, key)
		return "", err
	}
	return key, nil
}

// RemoveCustomEmoji deletes a local emoji and its image (admin CLI); the
// ":shortcode:" left in texts then shows as text.
func (s *Service) RemoveCustomEmoji(ctx context.Context, shortcode string) error {
	e, err := s.store.CustomEmojiByShortcode(ctx, shortcode, "")
	if err != nil {
		return fault.NotFoundOr(err)
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteCustomEmoji(ctx, e.ID); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventCustomEmoji, e.ID, 0, "")
	})
	if err != nil {
		return fault.NotFoundOr(err)
	}
	s.emojis.clear()
	s.DeleteFiles(ctx, e.ImageKey)
	return nil
}

// LocalCustomEmojis lists the instance's own emoji, disabled and hidden
// ones too (admin CLI).
func (s *Service) LocalCustomEmojis(ctx context.Context) ([]*model.CustomEmoji, error) {
	return s.store.LocalCustomEmojis(ctx)
}

// ListedCustomEmojis is what GET /api/v1/custom_emojis shows: the local
// emoji that are enabled and visible in the picker (Mastodon's
// CustomEmoji.listed).
func (s *Service) ListedCustomEmojis(ctx context.Context) ([]*model.CustomEmoji, error) {
	all, err := s.store.LocalCustomEmojis(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.CustomEmoji, 0, len(all))
	for _, e := range all {
		if !e.Disabled && e.VisibleInPicker && e.ImageKey != "" {
			out = append(out, e)
		}
	}
	return out, nil
}

// CustomEmojiURL is the address an emoji's image is shown at, on this
// instance or its media storage, never a remote server's, which viewers'
// browsers would load: its stored copy; for a remote emoji not cached
// (never fetched, failed, or pruned), the media proxy, which fetches it
// when asked (CustomEmojiFile). It is "" for an emoji of a domain that
// rejects media, which is not shown at all (CustomEmojisIn leaves it
// out): Mastodon does not even record those.
func (s *Service) CustomEmojiURL(e *model.CustomEmoji) string {
	if !e.Local() && s.mediaRejected(context.Background(), e.Domain) {
		return ""
	}
	if u := s.MediaURL(e.ImageKey); u != "" {
		return u
	}
	if !e.Local() && e.ImageRemoteURL != "" {
		return s.customEmojiProxyURL(e.ID)
	}
	return ""
}

// LocalCustomEmoji is local emoji id (its ActivityPub document); disabled
// and unknown ones are not found.
func (s *Service) LocalCustomEmoji(ctx context.Context, id int64) (*model.CustomEmoji, error) {
	e, err := s.store.CustomEmojiByID(ctx, id)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	if !e.Local() || e.Disabled {
		return nil, fault.ErrRecordNotFound
	}
	return e, nil
}
