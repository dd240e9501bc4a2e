package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
)

// Mastodon's attachment limits (MediaAttachment::MAX_DESCRIPTION_LENGTH,
// statuses' max_media_attachments) and how long an upload may stay
// unattached before it is removed.
const (
	MaxMediaDescription   = 1500
	DefaultMaxStatusMedia = 4
	UnattachedMediaTTL    = 24 * time.Hour
)

// MediaURL is the public URL of a stored media file.
func (s *Service) MediaURL(key string) string {
	if s.media == nil || key == "" {
		return ""
	}
	return s.media.URL(key)
}

// MediaOrigin is the origin (scheme and host) stored files are served
// from: this instance, its media host, or the S3 bucket's public URL; ""
// without storage. The pages' Content-Security-Policy allows images from
// it and from nowhere else but this instance.
func (s *Service) MediaOrigin() string {
	// Every key is served from the same origin; any key tells which.
	u, err := url.Parse(s.MediaURL("media_attachments/origin.png"))
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// OpenMediaFile opens a stored media file by key for serving;
// fault.ErrRecordNotFound for keys that name nothing.
func (s *Service) OpenMediaFile(ctx context.Context, key string) (media.File, error) {
	if s.media == nil {
		return nil, fault.ErrRecordNotFound
	}
	f, err := s.media.Open(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fault.ErrRecordNotFound
	}
	return f, err
}

// recordImage stores a processed image upload's files and records it
// unattached; on failure nothing is left behind.
func (s *Service) recordImage(ctx context.Context, v *model.Viewer, img *media.Image, description, focus string) (*model.MediaAttachment, error) {
	fileKey, previewKey, err := s.storeImage(ctx, "media_attachments", img)
	if err != nil {
		return nil, err
	}
	m := &model.MediaAttachment{
		ID: ids.New(), AccountID: v.AccountID(), Type: "image",
		FileKey: fileKey, PreviewKey: previewKey,
		ContentType: img.ContentType, Description: description, Focus: focus, Blurhash: img.Blurhash,
		Meta: model.MediaMeta{
			Original: model.MediaSize{Width: img.Width, Height: img.Height},
			Small:    model.MediaSize{Width: img.SmallWidth, Height: img.SmallHeight},
		},
		CreatedAt: time.Now(),
	}
	if err := s.store.InTx(ctx, func(tx *store.Store) error { return tx.InsertMedia(ctx, m) }); err != nil {
		s.DeleteFiles(ctx, m.FileKey, m.PreviewKey)
		return nil, err
	}
	return m, nil
}

// CheckMediaFields validates alt text and a focal point "x,y" (each in
// -1..1), answering the focus as stored ("" when none was sent).
func CheckMediaFields(description, focus string) (string, error) {
	if utf8.RuneCountInString(description) > MaxMediaDescription {
		return "", fault.Unprocessable(fmt.Sprintf("Validation failed: Description is too long (maximum is %d characters)", MaxMediaDescription))
	}
	if strings.TrimSpace(focus) == "" {
		return "", nil
	}
	xs, ys, ok := strings.Cut(focus, ",")
	x, errX := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if !ok || errX != nil || errY != nil || x < -1 || x > 1 || y < -1 || y > 1 {
		return "", fault.Unprocessable("Validation failed: Focus must be two numbers from -1 to 1")
	}
	return strconv.FormatFloat(x, 'f', 2, 64) + "," + strconv.FormatFloat(y, 'f', 2, 64), nil
}

// OwnUnattachedMedia is one of the viewer's uploads not yet attached to a
// status; others (someone else's, or attached) are a 404, as Mastodon's
// /api/v1/media/:id only finds unattached uploads.
func (s *Service) OwnUnattachedMedia(ctx context.Context, v *model.Viewer, id int64) (*model.MediaAttachment, error) {
	m, err := s.store.MediaByID(ctx, id)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	if m.AccountID != v.AccountID() || m.StatusID != 0 {
		return nil, fault.ErrRecordNotFound
	}
	return m, nil
}

// UpdateMedia changes an unattached upload's alt text and focal point;
// nil keeps a field as it is.
func (s *Service) UpdateMedia(ctx context.Context, v *model.Viewer, id int64, description, focus *string) (*model.MediaAttachment, error) {
	m, err := s.OwnUnattachedMedia(ctx, v, id)
	if err != nil {
		return nil, err
	}
	desc, foc := m.Description, m.Focus
	if description != nil {
		desc = *description
	}
	if focus != nil {
		foc = *focus
	}
	if foc, err = CheckMediaFields(desc, foc); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		return tx.UpdateUnattachedMedia(ctx, id, v.AccountID(), desc, foc)
	})
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	m.Description, m.Focus = desc, foc
	return m, nil
}

// DeleteMedia removes an unattached upload and its files.
func (s *Service) DeleteMedia(ctx context.Context, v *model.Viewer, id int64) (*model.MediaAttachment, error) {
	m, err := s.OwnUnattachedMedia(ctx, v, id)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error { return tx.DeleteUnattachedMedia(ctx, id, v.AccountID()) })
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	s.deleteMediaFiles(ctx, m)
	return m, nil
}

func (s *Service) deleteMediaFiles(ctx context.Context, m *model.MediaAttachment) {
	s.DeleteFiles(ctx, m.FileKey, m.PreviewKey)
}

// PruneUnattachedMedia removes uploads made before cutoff and never
// attached to a status, with their files, and says how many it removed.
// The maintenance loop calls it with UnattachedMediaTTL ago.
func (s *Service) PruneUnattachedMedia(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	for {
		stale, err := s.store.StaleUnattachedMedia(ctx, cutoff, 100)
		if err != nil || len(stale) == 0 {
			return n, err
		}
		for _, m := range stale {
			var removed bool
			err := s.store.InTx(ctx, func(tx *store.Store) error {
				var err error
				removed, err = tx.DeleteMediaIfUnattached(ctx, m.ID)
				return err
			})
			if err != nil {
				return n, err
			}
			if removed { // not attached in the meantime
				s.deleteMediaFiles(ctx, m)
				n++
			}
		}
		if len(stale) < 100 {
			return n, nil
		}
	}
}

// StatusMedia checks the media_ids of a new status (statusID 0) or of an
// edit of statusID: at most Deps.MaxAttachments, each the author's own upload,
// unattached or (for an edit) already the status's. It answers the
// attachments in the order given.
func (s *Service) StatusMedia(ctx context.Context, authorID, statusID int64, raw []string) ([]*model.MediaAttachment, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	if len(raw) > s.maxAttachments {
		return nil, fault.Unprocessable(fmt.Sprintf("Validation failed: You can attach at most %d files", s.maxAttachments))
	}
	want := make([]int64, 0, len(raw))
	for _, s := range raw {
		id, ok := ids.Parse(s)
		if !ok {
			return nil, fault.Unprocessable("Validation failed: Media attachments are invalid")
		}
		want = append(want, id)
	}
	found, err := s.store.MediaByIDs(ctx, want)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*model.MediaAttachment, len(found))
	for _, m := range found {
		if m.AccountID == authorID && (m.StatusID == 0 || m.StatusID == statusID) {
			byID[m.ID] = m
		}
	}
	out := make([]*model.MediaAttachment, 0, len(want))
	for _, id := range want {
		m := byID[id]
		if m == nil {
			return nil, fault.Unprocessable("Validation failed: Media attachments are invalid")
		}
		if m.Processing != model.MediaProcessed {
			// Mastodon's media_attachments.validations.not_ready (failed
			// uploads included).
			return nil, fault.Unprocessable("Cannot attach files that have not finished processing. Try again in a moment!")
		}
		delete(byID, id) // the same id twice is refused too
		out = append(out, m)
	}
	return out, nil
}

// AttachMedia attaches checked uploads to st, in order, inside the post's
// or edit's transaction; an upload attached elsewhere meanwhile fails it.
func AttachMedia(ctx context.Context, tx *store.Store, st *model.Status, list []*model.MediaAttachment) error {
	if len(list) == 0 {
		return nil
	}
	want := MediaIDs(list)
	n, err := tx.AttachMedia(ctx, st.ID, st.AccountID, want)
	if err != nil {
		return err
	}
	if n != int64(len(want)) {
		return fault.Unprocessable("Validation failed: Media attachments are invalid")
	}
	for _, m := range list {
		m.StatusID = st.ID
	}
	return nil
}

// MediaIDs lists the ids of attachments, in order (an edit's history
// records them).
func MediaIDs(list []*model.MediaAttachment) []int64 {
	out := make([]int64, len(list))
	for i, m := range list {
		out[i] = m.ID
	}
	return out
}
