package store

import (
	"context"
	"time"

	"herd/internal/model"
)

// MarkerOf loads one of an account's timeline markers.
func (s *Store) MarkerOf(ctx context.Context, accountID int64, timeline string) (*model.Marker, error) {
	var m model.Marker
	var updated int64
	err := s.q.QueryRowContext(ctx, `SELECT timeline, last_read_id, version, updated_at FROM markers
		WHERE account_id = $1 AND timeline = $2`, accountID, timeline).Scan(&m.Timeline, &m.LastReadID, &m.Version, &updated)
	if err != nil {
		return nil, notFound(err)
	}
	m.UpdatedAt = fromMS(updated)
	return &m, nil
}

// MarkersOf loads an account's markers for the given timelines, keyed by
// timeline; timelines without a marker are absent.
func (s *Store) MarkersOf(ctx context.Context, accountID int64, timelines []string) (map[string]*model.Marker, error) {
	out := map[string]*model.Marker{}
	if len(timelines) == 0 {
		return out, nil
	}
	in, args := stringsIn([]any{accountID}, timelines)
	rows, err := s.q.QueryContext(ctx, `SELECT timeline, last_read_id, version, updated_at FROM markers
		WHERE account_id = $1 AND timeline IN `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m model.Marker
		var updated int64
		if err := rows.Scan(&m.Timeline, &m.LastReadID, &m.Version, &updated); err != nil {
			return nil, err
		}
		m.UpdatedAt = fromMS(updated)
		out[m.Timeline] = &m
	}
	return out, rows.Err()
}

// SaveMarker creates or moves a marker in one statement. As Rails'
// optimistic locking does for Mastodon, the version (lock_version) starts
// at 0 and goes up by one each time the position actually changes;
// updated_at moves only then too.
func (s *Store) SaveMarker(ctx context.Context, accountID int64, timeline string, lastReadID int64, now time.Time) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)
		VALUES ($1, $2, $3, 0, $4)
		ON CONFLICT (account_id, timeline) DO UPDATE SET
			version = markers.version + CASE WHEN markers.last_read_id <> excluded.last_read_id THEN 1 ELSE 0 END,
			updated_at = CASE WHEN markers.last_read_id <> excluded.last_read_id THEN excluded.updated_at ELSE markers.updated_at END,
			last_read_id = excluded.last_read_id`, accountID, timeline, lastReadID, ms(now))
	return err
}
