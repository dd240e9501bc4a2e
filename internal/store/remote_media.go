package store

import (
	"context"
	"encoding/json"
	"time"

	"herd/internal/model"
)

// CacheRemoteMedia records the files fetched for remote attachment id
// (and its type, as processing found it: a video may be a gifv),
// unless another fetch cached it first (it then says false, and the
// caller removes its own files).
func (s *Store) CacheRemoteMedia(ctx context.Context, m *model.MediaAttachment) (bool, error) {
	meta, err := json.Marshal(m.Meta)
	if err != nil {
		return false, err
	}
	n, err := affected(s.q.ExecContext(ctx, `UPDATE media_attachments SET file_key = $2, preview_key = $3,
		content_type = $4, blurhash = $5, meta = $6, cached_at = $7, type = $8
		WHERE id = $1 AND file_key = '' AND remote_url <> ''`, m.ID, m.FileKey, m.PreviewKey, m.ContentType,
		m.Blurhash, string(meta), ms(m.CachedAt), m.Type))
	return n > 0, err
}

// UncacheRemoteMedia forgets remote attachment id's files when they are
// still fileKey's (not refetched meanwhile); it says whether it did, and
// the caller then deletes the files.
func (s *Store) UncacheRemoteMedia(ctx context.Context, id int64, fileKey string) (bool, error) {
	n, err := affected(s.q.ExecContext(ctx, `UPDATE media_attachments SET file_key = '', preview_key = '', cached_at = 0
		WHERE id = $1 AND file_key = $2 AND remote_url <> ''`, id, fileKey))
	return n > 0, err
}

// CachedRemoteMediaBefore lists up to limit remote attachments whose files
// were stored before cutoff, oldest first.
func (s *Store) CachedRemoteMediaBefore(ctx context.Context, cutoff time.Time, limit int) ([]*model.MediaAttachment, error) {
	return scanMediaRows(s.q.QueryContext(ctx, "SELECT "+mediaColumns+` FROM media_attachments
		WHERE cached_at > 0 AND cached_at < $1 ORDER BY cached_at, id LIMIT $2`, ms(cutoff), limit))
}

// CountCachedRemoteMediaBefore counts the remote attachments whose files
// were stored before cutoff.
func (s *Store) CountCachedRemoteMediaBefore(ctx context.Context, cutoff time.Time) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM media_attachments WHERE cached_at > 0 AND cached_at < $1`,
		ms(cutoff)).Scan(&n)
	return n, err
}
