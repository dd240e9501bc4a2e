package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"herd/internal/db"
	"herd/internal/model"
)

// SearchTags finds hashtags whose lowercased name starts with prefix
// (already lowercased), shortest first, as Mastodon's Tag.search_for
// orders them.
func (s *Store) SearchTags(ctx context.Context, prefix string, limit, offset int) ([]model.Tag, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id, name FROM tags WHERE name_lower LIKE $1 ESCAPE '\'
		ORDER BY LENGTH(name_lower), name_lower LIMIT $2 OFFSET $3`, escapeLike(prefix)+"%", limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Tag
	for rows.Next() {
		var t model.Tag
		if err := rows.Scan(&t.ID, &t.Name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TagByName finds a hashtag by its lowercased name.
func (s *Store) TagByName(ctx context.Context, nameLower string) (*model.Tag, error) {
	var t model.Tag
	err := s.q.QueryRowContext(ctx, "SELECT id, name FROM tags WHERE name_lower = $1", nameLower).Scan(&t.ID, &t.Name)
	if err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

// TagDay is one day of a hashtag's use: public posts and distinct authors.
type TagDay struct {
	Day      time.Time // midnight UTC
	Uses     int64
	Accounts int64
}

// TagUsage counts, per tag and per UTC day since since, the public
// original posts using each tag and their distinct authors, in one query.
func (s *Store) TagUsage(ctx context.Context, tagIDs []int64, since time.Time) (map[int64][]TagDay, error) {
	out := map[int64][]TagDay{}
	if len(tagIDs) == 0 {
		return out, nil
	}
	in, args := db.In(2, tagIDs)
	args = append([]any{ms(since)}, args...)
	rows, err := s.q.QueryContext(ctx, `SELECT st.tag_id, s.created_at / 86400000 AS day, COUNT(*), COUNT(DISTINCT s.account_id)
		FROM status_tags st JOIN statuses s ON s.id = st.status_id
		WHERE st.tag_id IN `+in+` AND s.created_at >= $1 AND s.visibility = 'public' AND s.reblog_of_id IS NULL
		GROUP BY st.tag_id, s.created_at / 86400000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var tag, day int64
		var d TagDay
		if err := rows.Scan(&tag, &day, &d.Uses, &d.Accounts); err != nil {
			return nil, err
		}
		d.Day = time.Unix(day*86400, 0).UTC()
		out[tag] = append(out[tag], d)
	}
	return out, rows.Err()
}

// StatusSearch is a full-text search over the statuses a viewer may find.
type StatusSearch struct {
	ViewerID  int64
	Terms     []string // each must appear (case-insensitively) in the text or content warning
	Excluded  []string // none of these may appear
	AccountID int64    // only this author's statuses, when set
	MaxID     int64
	MinID     int64
	Limit     int
	Offset    int
}

// SearchStatuses finds original statuses matching every term among those
// Mastodon lets a viewer search: their own, those they favourited,
// bookmarked or were mentioned in, and public posts of indexable authors.
// Matching is a substring test on the lowercased source text (the HTML for
// remote posts, which have none) and content warning: portable LIKE rather
// than FTS5/tsvector, so both databases answer alike. Newest first.
func (s *Store) SearchStatuses(ctx context.Context, q StatusSearch) ([]*model.Status, error) {
	args := []any{q.ViewerID}
	doc := "LOWER(CASE WHEN s.text <> '' THEN s.text ELSE s.content END || ' ' || s.spoiler_text)"
	conds := []string{"s.reblog_of_id IS NULL", `(s.account_id = $1
		OR EXISTS (SELECT 1 FROM favourites f WHERE f.account_id = $1 AND f.status_id = s.id)
		OR EXISTS (SELECT 1 FROM bookmarks b WHERE b.account_id = $1 AND b.status_id = s.id)
		OR EXISTS (SELECT 1 FROM mentions m WHERE m.account_id = $1 AND m.status_id = s.id)
		OR (s.visibility = 'public' AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND a.indexable)))`}
	like := func(op, term string) {
		args = append(args, "%"+escapeLike(strings.ToLower(term))+"%")
		conds = append(conds, fmt.Sprintf("%s %s $%d ESCAPE '\\'", doc, op, len(args)))
	}
	for _, t := range q.Terms {
		like("LIKE", t)
	}
	for _, t := range q.Excluded {
		like("NOT LIKE", t)
	}
	if q.AccountID != 0 {
		args = append(args, q.AccountID)
		conds = append(conds, fmt.Sprintf("s.account_id = $%d", len(args)))
	}
	if q.MaxID != 0 {
		args = append(args, q.MaxID)
		conds = append(conds, fmt.Sprintf("s.id < $%d", len(args)))
	}
	if q.MinID != 0 {
		args = append(args, q.MinID)
		conds = append(conds, fmt.Sprintf("s.id > $%d", len(args)))
	}
	args = append(args, q.Limit, q.Offset)
	return scanStatuses(s.q.QueryContext(ctx, "SELECT "+prefixed("s", statusCols)+" FROM statuses s WHERE "+
		strings.Join(conds, " AND ")+fmt.Sprintf(" ORDER BY s.id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...))
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
