package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"herd/internal/model"
)

const mediaColumns = `id, account_id, status_id, type, file_key, preview_key, content_type, description,
	focus, blurhash, meta, remote_url, created_at, processing, cached_at`

func scanMedia(row interface{ Scan(...any) error }) (*model.MediaAttachment, error) {
	var m model.MediaAttachment
	var statusID sql.NullInt64
	var meta string
	var cached, created int64
	if err := row.Scan(&m.ID, &m.AccountID, &statusID, &m.Type, &m.FileKey, &m.PreviewKey, &m.ContentType,
		&m.Description, &m.Focus, &m.Blurhash, &meta, &m.RemoteURL, &created, &m.Processing, &cached); err != nil {
		return nil, err
	}
	m.StatusID, m.CreatedAt = statusID.Int64, fromMS(created)
	if cached > 0 {
		m.CachedAt = fromMS(cached)
	}
	_ = json.Unmarshal([]byte(meta), &m.Meta) // written by InsertMedia; a bad value only loses sizes
	return &m, nil
}

func scanMediaRows(rows *sql.Rows, err error) ([]*model.MediaAttachment, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.MediaAttachment
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// InsertMedia stores a new attachment: an upload (StatusID 0,
// unattached) or a remote status's attachment.
func (s *Store) InsertMedia(ctx context.Context, m *model.MediaAttachment) error {
	meta, err := json.Marshal(m.Meta)
	if err != nil {
		return err
	}
	var statusID sql.NullInt64
	if m.StatusID != 0 {
		statusID = sql.NullInt64{Int64: m.StatusID, Valid: true}
	}
	var cached int64
	if !m.CachedAt.IsZero() {
		cached = ms(m.CachedAt)
	}
	_, err = s.q.ExecContext(ctx, `INSERT INTO media_attachments (`+mediaColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`, m.ID, m.AccountID, statusID, m.Type, m.FileKey,
		m.PreviewKey, m.ContentType, m.Description, m.Focus, m.Blurhash, string(meta), m.RemoteURL, ms(m.CreatedAt),
		m.Processing, cached)
	return dup(err)
}

// MediaByID loads one attachment; model.ErrNotFound when there is none.
func (s *Store) MediaByID(ctx context.Context, id int64) (*model.MediaAttachment, error) {
	m, err := scanMedia(s.q.QueryRowContext(ctx, "SELECT "+mediaColumns+" FROM media_attachments WHERE id = $1", id))
	return m, notFound(err)
}

// MediaByIDs loads attachments by id, in id order; missing ids are absent.
func (s *Store) MediaByIDs(ctx context.Context, ids []int64) ([]*model.MediaAttachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return scanMediaRows(s.q.QueryContext(ctx, "SELECT "+mediaColumns+" FROM media_attachments WHERE "+
		s.Dialect().InIDs("id", "$1")+" ORDER BY id", s.Dialect().IDs(ids)))
}

// UpdateUnattachedMedia writes an unattached upload's description and
// focus; model.ErrNotFound when accountID has no such unattached upload.
func (s *Store) UpdateUnattachedMedia(ctx context.Context, id, accountID int64, description, focus string) error {
	n, err := affected(s.q.ExecContext(ctx, `UPDATE media_attachments SET description = $3, focus = $4
		WHERE id = $1 AND account_id = $2 AND status_id IS NULL`, id, accountID, description, focus))
	if err == nil && n == 0 {
		err = model.ErrNotFound
	}
	return err
}

// DeleteUnattachedMedia removes accountID's unattached upload id;
// model.ErrNotFound when there is none.
func (s *Store) DeleteUnattachedMedia(ctx context.Context, id, accountID int64) error {
	n, err := affected(s.q.ExecContext(ctx, `DELETE FROM media_attachments
		WHERE id = $1 AND account_id = $2 AND status_id IS NULL`, id, accountID))
	if err == nil && n == 0 {
		err = model.ErrNotFound
	}
	return err
}

// AttachMedia makes ids, in that order, statusID's attachments: each
// must be accountID's and either unattached or attached to statusID
// already (an edit keeping it). It says how many it attached, fewer than
// asked when some were not the account's, were attached elsewhere, or do
// not exist. Attachments the list leaves out are not touched: an edit
// drops them with DropStatusMediaExcept.
func (s *Store) AttachMedia(ctx context.Context, statusID, accountID int64, ids []int64) (int64, error) {
	var n int64
	for i, id := range ids {
		k, err := affected(s.q.ExecContext(ctx, `UPDATE media_attachments SET status_id = $1, position = $4
			WHERE id = $3 AND account_id = $2 AND (status_id IS NULL OR status_id = $1)`, statusID, accountID, id, i))
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// UpdateStatusMediaFields changes the alt text and focal point of one of
// statusID's attachments (an edit's media_attributes).
func (s *Store) UpdateStatusMediaFields(ctx context.Context, statusID, id int64, description, focus string) error {
	_, err := s.q.ExecContext(ctx, "UPDATE media_attachments SET description = $3, focus = $4 WHERE id = $2 AND status_id = $1",
		statusID, id, description, focus)
	return err
}

// DropStatusMediaExcept takes the attachments of statusID that are not in
// keep out of the status's media. They stay linked to the status (position
// -1), for the edit history that still shows them.
func (s *Store) DropStatusMediaExcept(ctx context.Context, statusID int64, keep []int64) error {
	_, err := s.q.ExecContext(ctx, `UPDATE media_attachments SET position = -1
		WHERE status_id = $1 AND position >= 0 AND NOT (`+s.Dialect().InIDs("id", "$2")+")",
		statusID, s.Dialect().IDs(keep))
	return err
}

// DetachMedia makes all of a status's attachments, an edit's dropped ones
// too, unattached uploads again, as if uploaded at now (so the day before
// pruning starts over).
func (s *Store) DetachMedia(ctx context.Context, statusID int64, now time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE media_attachments SET status_id = NULL, position = 0, created_at = $2
		WHERE status_id = $1`, statusID, ms(now))
	return err
}

// MediaByStatusIDs loads the current attachments of a batch of statuses,
// each status's in its media_ids order.
func (s *Store) MediaByStatusIDs(ctx context.Context, statusIDs []int64) (map[int64][]*model.MediaAttachment, error) {
	out := map[int64][]*model.MediaAttachment{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	list, err := scanMediaRows(s.queryFixed(ctx, mediaByStatusIDsQuery(s), s.Dialect().IDs(statusIDs)))
	for _, m := range list {
		out[m.StatusID] = append(out[m.StatusID], m)
	}
	return out, err
}

var mediaByStatusIDsQuery = dialectQuery(func(in func(col, param string) string) string {
	return "SELECT " + mediaColumns + " FROM media_attachments WHERE " + in("status_id", "$1") +
		" AND position >= 0 ORDER BY status_id, position, id"
})

// StaleUnattachedMedia lists up to limit uploads made before cutoff and
// never attached to a status.
func (s *Store) StaleUnattachedMedia(ctx context.Context, cutoff time.Time, limit int) ([]*model.MediaAttachment, error) {
	return scanMediaRows(s.q.QueryContext(ctx, "SELECT "+mediaColumns+` FROM media_attachments
		WHERE status_id IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2`, ms(cutoff), limit))
}

// DeleteMediaIfUnattached removes upload id unless it was attached in the
// meantime; it says whether it removed it.
func (s *Store) DeleteMediaIfUnattached(ctx context.Context, id int64) (bool, error) {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM media_attachments WHERE id = $1 AND status_id IS NULL", id))
	return n > 0, err
}

// FinishMediaProcessing records the processed files of a pending upload
// whose file_key still names rawKey; it says whether it did (false when
// the upload was deleted, or finished by another run, meanwhile).
func (s *Store) FinishMediaProcessing(ctx context.Context, m *model.MediaAttachment, rawKey string) (bool, error) {
	meta, err := json.Marshal(m.Meta)
	if err != nil {
		return false, err
	}
	n, err := affected(s.q.ExecContext(ctx, `UPDATE media_attachments SET file_key = $3, preview_key = $4,
		content_type = $5, blurhash = $6, meta = $7, type = $8, processing = 0
		WHERE id = $1 AND file_key = $2 AND processing = 1`, m.ID, rawKey, m.FileKey, m.PreviewKey,
		m.ContentType, m.Blurhash, string(meta), m.Type))
	return n > 0, err
}

// FailMediaProcessing marks a pending upload whose file_key names rawKey
// failed, its raw file gone; it says whether it did.
func (s *Store) FailMediaProcessing(ctx context.Context, id int64, rawKey string) (bool, error) {
	n, err := affected(s.q.ExecContext(ctx, `UPDATE media_attachments SET file_key = '', processing = 2
		WHERE id = $1 AND file_key = $2 AND processing = 1`, id, rawKey))
	return n > 0, err
}
