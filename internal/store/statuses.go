package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"herd/internal/model"
)

const statusCols = `id, account_id, uri, url, local, text, content, spoiler_text, visibility, sensitive,
	language, in_reply_to_id, in_reply_to_account_id, reblog_of_id, conversation_id, application_id,
	has_media, replies_count, reblogs_count, favourites_count, edited_at, created_at`

func scanStatus(row interface{ Scan(...any) error }) (*model.Status, error) {
	var st model.Status
	var vis string
	var replyTo, replyToAccount, reblogOf, edited sql.NullInt64
	var created int64
	err := row.Scan(&st.ID, &st.AccountID, &st.URI, &st.URL, &st.Local, &st.Text, &st.Content, &st.SpoilerText,
		&vis, &st.Sensitive, &st.Language, &replyTo, &replyToAccount, &reblogOf, &st.ConversationID,
		&st.ApplicationID, &st.HasMedia, &st.RepliesCount, &st.ReblogsCount, &st.FavouritesCount, &edited, &created)
	if err != nil {
		return nil, notFound(err)
	}
	st.Visibility = model.Visibility(vis)
	st.InReplyToID = replyTo.Int64
	st.InReplyToAccountID = replyToAccount.Int64
	st.ReblogOfID = reblogOf.Int64
	st.EditedAt = fromNullMS(edited)
	st.CreatedAt = fromMS(created)
	return &st, nil
}

func scanStatuses(rows *sql.Rows, err error) ([]*model.Status, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Status
	for rows.Next() {
		st, err := scanStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// StatusByID loads one status.
func (s *Store) StatusByID(ctx context.Context, id int64) (*model.Status, error) {
	return scanStatus(s.q.QueryRowContext(ctx, "SELECT "+statusCols+" FROM statuses WHERE id = $1", id))
}

// StatusesByIDs batch-loads statuses, keyed by id.
func (s *Store) StatusesByIDs(ctx context.Context, ids []int64) (map[int64]*model.Status, error) {
	out := make(map[int64]*model.Status, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := scanStatuses(s.queryFixed(ctx, statusesByIDsQuery(s), s.Dialect().IDs(ids)))
	for _, st := range list {
		out[st.ID] = st
	}
	return out, err
}

// InsertStatus stores a new status row (mentions and tags are separate).
func (s *Store) InsertStatus(ctx context.Context, st *model.Status) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO statuses (id, account_id, uri, url, local, text, content,
		spoiler_text, visibility, sensitive, language, in_reply_to_id, in_reply_to_account_id, reblog_of_id,
		conversation_id, application_id, has_media, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
		st.ID, st.AccountID, st.URI, st.URL, st.Local, st.Text, st.Content, st.SpoilerText, string(st.Visibility),
		st.Sensitive, st.Language, nullID(st.InReplyToID), nullID(st.InReplyToAccountID), nullID(st.ReblogOfID),
		st.ConversationID, st.ApplicationID, st.HasMedia, ms(st.CreatedAt))
	if err == nil && st.ReblogOfID != 0 {
		err = s.viewerChanged(ctx, st.AccountID) // the booster's "reblogged"
	}
	return dup(err)
}

// UpdateStatusContent saves an edit of a status's text and whether it has media.
func (s *Store) UpdateStatusContent(ctx context.Context, st *model.Status) error {
	_, err := s.q.ExecContext(ctx, `UPDATE statuses SET text = $2, content = $3, spoiler_text = $4,
		sensitive = $5, language = $6, edited_at = $7, has_media = $8 WHERE id = $1`,
		st.ID, st.Text, st.Content, st.SpoilerText, st.Sensitive, st.Language, nullMS(st.EditedAt), st.HasMedia)
	return err
}

// DeleteStatusRow removes a status and the rows that hang off it.
func (s *Store) DeleteStatusRow(ctx context.Context, id int64) error {
	for _, q := range []string{
		"DELETE FROM statuses WHERE id = $1",
		"DELETE FROM mentions WHERE status_id = $1",
		"DELETE FROM status_tags WHERE status_id = $1",
		"DELETE FROM favourites WHERE status_id = $1",
		"DELETE FROM bookmarks WHERE status_id = $1",
		"DELETE FROM pins WHERE status_id = $1",
		"DELETE FROM status_edits WHERE status_id = $1",
		"DELETE FROM home_feed WHERE status_id = $1",
		"DELETE FROM list_feed WHERE status_id = $1",
		"DELETE FROM notifications WHERE status_id = $1",
	} {
		if _, err := s.q.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return s.statusCountsChanged(ctx, nil, false, id)
}

// AddStatusCounts adjusts a status's counters atomically in SQL.
func (s *Store) AddStatusCounts(ctx context.Context, id int64, replies, reblogs, favourites int64) error {
	_, err := s.q.ExecContext(ctx, `UPDATE statuses SET
		replies_count = CASE WHEN replies_count + $2 < 0 THEN 0 ELSE replies_count + $2 END,
		reblogs_count = CASE WHEN reblogs_count + $3 < 0 THEN 0 ELSE reblogs_count + $3 END,
		favourites_count = CASE WHEN favourites_count + $4 < 0 THEN 0 ELSE favourites_count + $4 END
		WHERE id = $1`, id, replies, reblogs, favourites)
	return s.statusCountsChanged(ctx, err, true, id)
}

// InsertMentions records who a status mentions.
func (s *Store) InsertMentions(ctx context.Context, statusID int64, accountIDs []int64) error {
	for _, id := range accountIDs {
		if _, err := s.q.ExecContext(ctx, "INSERT INTO mentions (status_id, account_id) VALUES ($1, $2)", statusID, id); err != nil {
			return dup(err)
		}
	}
	return nil
}

// MentionsByStatusIDs batch-loads the mentioned account ids of statuses.
func (s *Store) MentionsByStatusIDs(ctx context.Context, statusIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, mentionsByStatusIDsQuery(s), s.Dialect().IDs(statusIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid, aid int64
		if err := rows.Scan(&sid, &aid); err != nil {
			return nil, err
		}
		out[sid] = append(out[sid], aid)
	}
	return out, rows.Err()
}

// TagsByStatusIDs batch-loads the hashtags of statuses.
func (s *Store) TagsByStatusIDs(ctx context.Context, statusIDs []int64) (map[int64][]model.Tag, error) {
	out := map[int64][]model.Tag{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, tagsByStatusIDsQuery(s), s.Dialect().IDs(statusIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var t model.Tag
		if err := rows.Scan(&sid, &t.ID, &t.Name); err != nil {
			return nil, err
		}
		out[sid] = append(out[sid], t)
	}
	return out, rows.Err()
}

// StatusEditsOf lists the earlier versions of a status, oldest first.
func (s *Store) StatusEditsOf(ctx context.Context, statusID int64) ([]model.StatusEdit, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id, status_id, account_id, text, content, spoiler_text, sensitive,
		media_ids, created_at FROM status_edits WHERE status_id = $1 ORDER BY id`, statusID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.StatusEdit
	for rows.Next() {
		var e model.StatusEdit
		var created int64
		var mediaIDs string
		if err := rows.Scan(&e.ID, &e.StatusID, &e.AccountID, &e.Text, &e.Content, &e.SpoilerText, &e.Sensitive,
			&mediaIDs, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMS(created)
		for _, f := range strings.Split(mediaIDs, ",") {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				e.MediaIDs = append(e.MediaIDs, id)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// InsertStatusEdit stores one version of a status.
func (s *Store) InsertStatusEdit(ctx context.Context, e *model.StatusEdit) error {
	mediaIDs := make([]string, len(e.MediaIDs))
	for i, id := range e.MediaIDs {
		mediaIDs[i] = strconv.FormatInt(id, 10)
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO status_edits (id, status_id, account_id, text, content,
		spoiler_text, sensitive, media_ids, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		e.ID, e.StatusID, e.AccountID, e.Text, e.Content, e.SpoilerText, e.Sensitive, strings.Join(mediaIDs, ","),
		ms(e.CreatedAt))
	return err
}

// The page loader's batch reads, with fixed texts (ids in one parameter)
// so they stay prepared.
var (
	statusesByIDsQuery = dialectQuery(func(in func(col, param string) string) string {
		return "SELECT " + statusCols + " FROM statuses WHERE " + in("id", "$1")
	})
	mentionsByStatusIDsQuery = dialectQuery(func(in func(col, param string) string) string {
		return "SELECT status_id, account_id FROM mentions WHERE " + in("status_id", "$1") + " ORDER BY status_id, account_id"
	})
	tagsByStatusIDsQuery = dialectQuery(func(in func(col, param string) string) string {
		return "SELECT st.status_id, t.id, t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE " +
			in("st.status_id", "$1") + " ORDER BY st.status_id, t.id"
	})
)
