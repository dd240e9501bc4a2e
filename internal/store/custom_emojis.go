package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"herd/internal/db"
	"herd/internal/model"
)

const emojiColumns = `id, shortcode, domain, image_key, image_remote_url, uri, visible_in_picker, disabled,
	category, cached_at, created_at, updated_at`

func scanEmojis(rows *sql.Rows, err error) ([]*model.CustomEmoji, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.CustomEmoji
	for rows.Next() {
		var e model.CustomEmoji
		var cached, created, updated int64
		if err := rows.Scan(&e.ID, &e.Shortcode, &e.Domain, &e.ImageKey, &e.ImageRemoteURL, &e.URI,
			&e.VisibleInPicker, &e.Disabled, &e.Category, &cached, &created, &updated); err != nil {
			return nil, err
		}
		if cached > 0 {
			e.CachedAt = fromMS(cached)
		}
		e.CreatedAt, e.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// InsertCustomEmoji adds an emoji; ErrDuplicate when its domain has one of
// that shortcode already.
func (s *Store) InsertCustomEmoji(ctx context.Context, e *model.CustomEmoji) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO custom_emojis (`+emojiColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		e.ID, e.Shortcode, e.Domain, e.ImageKey, e.ImageRemoteURL, e.URI, e.VisibleInPicker, e.Disabled,
		e.Category, cachedMS(e.CachedAt), ms(e.CreatedAt), ms(e.UpdatedAt))
	return dup(err)
}

func cachedMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

// CustomEmojiByShortcode is domain's emoji of that shortcode ("" for a
// local one); model.ErrNotFound when there is none.
func (s *Store) CustomEmojiByShortcode(ctx context.Context, shortcode, domain string) (*model.CustomEmoji, error) {
	list, err := scanEmojis(s.q.QueryContext(ctx, "SELECT "+emojiColumns+
		" FROM custom_emojis WHERE shortcode = $1 AND domain = $2", shortcode, domain))
	if err == nil && len(list) == 0 {
		err = model.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// LocalCustomEmojis lists the instance's own emoji by category, then
// shortcode.
func (s *Store) LocalCustomEmojis(ctx context.Context) ([]*model.CustomEmoji, error) {
	return scanEmojis(s.q.QueryContext(ctx, "SELECT "+emojiColumns+
		" FROM custom_emojis WHERE domain = '' ORDER BY category, shortcode"))
}

// CustomEmojisNamed loads the emoji whose shortcode is one of shortcodes
// and whose domain is one of domains, in one query: the caller keeps the
// (domain, shortcode) pairs it asked for.
func (s *Store) CustomEmojisNamed(ctx context.Context, domains, shortcodes []string) ([]*model.CustomEmoji, error) {
	if len(domains) == 0 || len(shortcodes) == 0 {
		return nil, nil
	}
	q := "SELECT " + emojiColumns + " FROM custom_emojis WHERE "
	var d, c any = domains, shortcodes
	if s.Dialect() == db.Postgres {
		q += "domain = ANY($1::text[]) AND shortcode = ANY($2::text[])"
	} else {
		q += "domain IN (SELECT value FROM json_each($1)) AND shortcode IN (SELECT value FROM json_each($2))"
		dj, _ := json.Marshal(domains)
		cj, _ := json.Marshal(shortcodes)
		d, c = string(dj), string(cj)
	}
	return scanEmojis(s.q.QueryContext(ctx, q, d, c))
}

// DeleteCustomEmoji removes emoji id.
func (s *Store) DeleteCustomEmoji(ctx context.Context, id int64) error {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM custom_emojis WHERE id = $1", id))
	if err == nil && n == 0 {
		return model.ErrNotFound
	}
	return err
}

// UpdateRemoteCustomEmoji records what a remote server now says of one of
// its emoji: its id and image address (uncached, image_key cleared, when
// the image address changed: the caller deletes the old file).
func (s *Store) UpdateRemoteCustomEmoji(ctx context.Context, id int64, uri, imageURL string, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE custom_emojis SET uri = $2,
		image_key = CASE WHEN image_remote_url = $3 THEN image_key ELSE '' END,
		cached_at = CASE WHEN image_remote_url = $3 THEN cached_at ELSE 0 END,
		image_remote_url = $3, updated_at = $4 WHERE id = $1 AND domain <> ''`, id, uri, imageURL, ms(at))
	return err
}

// CacheCustomEmoji records the stored image of remote emoji id when it
// has none yet (a concurrent fetch may have stored one) and its image
// address is still imageURL; it says whether it did.
func (s *Store) CacheCustomEmoji(ctx context.Context, id int64, imageURL, key string, at time.Time) (bool, error) {
	return boolAffected(s.q.ExecContext(ctx, `UPDATE custom_emojis SET image_key = $3, cached_at = $4
		WHERE id = $1 AND image_remote_url = $2 AND image_key = '' AND domain <> ''`, id, imageURL, key, ms(at)))
}

// UncacheCustomEmoji forgets remote emoji id's stored image when it is
// still key; it says whether it did, and the caller deletes the file.
func (s *Store) UncacheCustomEmoji(ctx context.Context, id int64, key string) (bool, error) {
	return boolAffected(s.q.ExecContext(ctx, `UPDATE custom_emojis SET image_key = '', cached_at = 0
		WHERE id = $1 AND image_key = $2 AND domain <> ''`, id, key))
}

func boolAffected(res sql.Result, err error) (bool, error) {
	n, err := affected(res, err)
	return n > 0, err
}

// CachedRemoteEmojisBefore lists up to limit remote emoji whose images
// were stored before cutoff, oldest first.
func (s *Store) CachedRemoteEmojisBefore(ctx context.Context, cutoff time.Time, limit int) ([]*model.CustomEmoji, error) {
	return scanEmojis(s.q.QueryContext(ctx, "SELECT "+emojiColumns+
		" FROM custom_emojis WHERE cached_at > 0 AND cached_at < $1 ORDER BY cached_at, id LIMIT $2", ms(cutoff), limit))
}

// CustomEmojiByID is emoji id; model.ErrNotFound when there is none.
func (s *Store) CustomEmojiByID(ctx context.Context, id int64) (*model.CustomEmoji, error) {
	list, err := scanEmojis(s.q.QueryContext(ctx, "SELECT "+emojiColumns+" FROM custom_emojis WHERE id = $1", id))
	if err == nil && len(list) == 0 {
		err = model.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return list[0], nil
}
