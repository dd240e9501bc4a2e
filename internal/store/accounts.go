package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"herd/internal/db"
	"herd/internal/model"
)

const accountCols = `id, username, domain, display_name, note, note_source, fields, locked, bot,
	discoverable, indexable, hide_collections, avatar_url, header_url, uri, url, inbox_url,
	shared_inbox_url, public_key, private_key, statuses_count, followers_count, following_count,
	last_status_at, suspended_at, created_at, updated_at, avatar_key, header_key`

func scanAccount(row interface{ Scan(...any) error }) (*model.Account, error) {
	var a model.Account
	var fields string
	var lastStatus, suspended sql.NullInt64
	var created, updated int64
	err := row.Scan(&a.ID, &a.Username, &a.Domain, &a.DisplayName, &a.Note, &a.NoteSource, &fields,
		&a.Locked, &a.Bot, &a.Discoverable, &a.Indexable, &a.HideCollections, &a.AvatarURL, &a.HeaderURL,
		&a.URI, &a.URL, &a.InboxURL, &a.SharedInboxURL, &a.PublicKey, &a.PrivateKey,
		&a.StatusesCount, &a.FollowersCount, &a.FollowingCount, &lastStatus, &suspended, &created, &updated,
		&a.AvatarKey, &a.HeaderKey)
	if err != nil {
		return nil, notFound(err)
	}
	_ = json.Unmarshal([]byte(fields), &a.Fields)
	a.LastStatusAt = fromNullMS(lastStatus)
	a.SuspendedAt = fromNullMS(suspended)
	a.CreatedAt = fromMS(created)
	a.UpdatedAt = fromMS(updated)
	return &a, nil
}

// scanAccounts collects a query's accounts in order.
func scanAccounts(rows *sql.Rows, err error) ([]*model.Account, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountByID loads one account.
func (s *Store) AccountByID(ctx context.Context, id int64) (*model.Account, error) {
	return scanAccount(s.q.QueryRowContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE id = $1", id))
}

// AccountByUsername finds an account by name and domain ("" for local),
// case-insensitively.
func (s *Store) AccountByUsername(ctx context.Context, username, domain string) (*model.Account, error) {
	return scanAccount(s.q.QueryRowContext(ctx, "SELECT "+accountCols+
		" FROM accounts WHERE username_lower = $1 AND domain = $2", strings.ToLower(username), strings.ToLower(domain)))
}

// AccountsByIDs batch-loads accounts, keyed by id; missing ids are absent.
func (s *Store) AccountsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Account, error) {
	out := make(map[int64]*model.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := scanAccounts(s.queryFixed(ctx, accountsByIDsQuery(s), s.Dialect().IDs(ids)))
	for _, a := range list {
		out[a.ID] = a
	}
	return out, err
}

// InsertAccount stores a new account.
func (s *Store) InsertAccount(ctx context.Context, a *model.Account) error {
	fields, _ := json.Marshal(fieldsOrEmpty(a.Fields))
	_, err := s.q.ExecContext(ctx, `INSERT INTO accounts (id, username, username_lower, domain, display_name,
		note, note_source, fields, locked, bot, discoverable, indexable, hide_collections, avatar_url, header_url,
		uri, url, inbox_url, shared_inbox_url, public_key, private_key, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)`,
		a.ID, a.Username, strings.ToLower(a.Username), strings.ToLower(a.Domain), a.DisplayName, a.Note, a.NoteSource,
		string(fields), a.Locked, a.Bot, a.Discoverable, a.Indexable, a.HideCollections, a.AvatarURL, a.HeaderURL,
		a.URI, a.URL, a.InboxURL, a.SharedInboxURL, a.PublicKey, a.PrivateKey, ms(a.CreatedAt), ms(a.UpdatedAt))
	return dup(err)
}

// UpdateAccountProfile saves the fields an owner edits in update_credentials.
func (s *Store) UpdateAccountProfile(ctx context.Context, a *model.Account) error {
	fields, _ := json.Marshal(fieldsOrEmpty(a.Fields))
	_, err := s.q.ExecContext(ctx, `UPDATE accounts SET display_name = $2, note = $3, note_source = $4,
		fields = $5, locked = $6, bot = $7, discoverable = $8, indexable = $9, hide_collections = $10,
		avatar_url = $11, header_url = $12, updated_at = $13, avatar_key = $14, header_key = $15 WHERE id = $1`,
		a.ID, a.DisplayName, a.Note, a.NoteSource, string(fields), a.Locked, a.Bot, a.Discoverable,
		a.Indexable, a.HideCollections, a.AvatarURL, a.HeaderURL, ms(time.Now()), a.AvatarKey, a.HeaderKey)
	return err
}

// SetAccountSuspended suspends (at != nil) or unsuspends an account.
func (s *Store) SetAccountSuspended(ctx context.Context, id int64, at *time.Time) error {
	_, err := s.q.ExecContext(ctx, "UPDATE accounts SET suspended_at = $2 WHERE id = $1", id, nullMS(at))
	return s.accountCountsChanged(ctx, err, true, id)
}

// AddAccountCounts adjusts an account's counters atomically in SQL, so
// concurrent writers never lose an increment.
func (s *Store) AddAccountCounts(ctx context.Context, id int64, statuses, followers, following int64) error {
	_, err := s.q.ExecContext(ctx, `UPDATE accounts SET
		statuses_count = CASE WHEN statuses_count + $2 < 0 THEN 0 ELSE statuses_count + $2 END,
		followers_count = CASE WHEN followers_count + $3 < 0 THEN 0 ELSE followers_count + $3 END,
		following_count = CASE WHEN following_count + $4 < 0 THEN 0 ELSE following_count + $4 END
		WHERE id = $1`, id, statuses, followers, following)
	return s.accountCountsChanged(ctx, err, true, id)
}

// TouchLastStatus records when an account last posted.
func (s *Store) TouchLastStatus(ctx context.Context, id int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx, "UPDATE accounts SET last_status_at = $2 WHERE id = $1", id, ms(at))
	return s.accountCountsChanged(ctx, err, true, id)
}

// AccountSearch is a search over accounts, local and known remote ones.
type AccountSearch struct {
	Query     string
	Limit     int
	Offset    int
	ViewerID  int64 // with a viewer, accounts in a block with them either way are left out
	Following bool  // only accounts ViewerID follows
}

// SearchAccounts finds unsuspended accounts, local (approved) or remote
// (known here, not gone), whose username starts with the query or whose
// display name contains it, as Mastodon's account search covers both. An
// exact username match comes first, then the most followed.
func (s *Store) SearchAccounts(ctx context.Context, q AccountSearch) ([]*model.Account, error) {
	term := strings.ToLower(q.Query)
	like := escapeLike(term)
	args := []any{like + "%", "%" + like + "%", term}
	conds := []string{"suspended_at IS NULL",
		`(username_lower LIKE $1 ESCAPE '\' OR LOWER(display_name) LIKE $2 ESCAPE '\')`,
		"NOT EXISTS (SELECT 1 FROM users u WHERE u.account_id = accounts.id AND NOT u.approved)"}
	if q.ViewerID != 0 {
		args = append(args, q.ViewerID)
		v := "$" + itoa(len(args))
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = "+v+
			" AND b.target_account_id = accounts.id) OR (b.account_id = accounts.id AND b.target_account_id = "+v+"))")
		if q.Following {
			conds = append(conds, "EXISTS (SELECT 1 FROM follows f WHERE f.account_id = "+v+" AND f.target_account_id = accounts.id)")
		}
	}
	args = append(args, q.Limit, q.Offset)
	return scanAccounts(s.q.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE "+strings.Join(conds, " AND ")+
		" ORDER BY CASE WHEN username_lower = $3 THEN 0 ELSE 1 END, followers_count DESC, id"+
		" LIMIT $"+itoa(len(args)-1)+" OFFSET $"+itoa(len(args)), args...))
}

// ApprovedAccountsByIDs batch-loads accounts like AccountsByIDs, leaving
// out local accounts whose registration is still pending approval: Mastodon
// answers 404 for those everywhere but to their owner.
func (s *Store) ApprovedAccountsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Account, error) {
	out := make(map[int64]*model.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.In(1, ids)
	list, err := scanAccounts(s.q.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE id IN "+in+
		" AND NOT EXISTS (SELECT 1 FROM users u WHERE u.account_id = accounts.id AND NOT u.approved)", args...))
	for _, a := range list {
		out[a.ID] = a
	}
	return out, err
}

// CountLocalAccounts counts local, unsuspended accounts (instance stats).
func (s *Store) CountLocalAccounts(ctx context.Context) (int64, error) {
	var n int64
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts WHERE domain = '' AND suspended_at IS NULL").Scan(&n)
	return n, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

func fieldsOrEmpty(f []model.Field) []model.Field {
	if f == nil {
		return []model.Field{}
	}
	return f
}

// LocalAccountsByUsernames batch-loads local accounts by username,
// case-insensitively, keyed by the lowercased name (resolving the mentions
// in a profile note).
func (s *Store) LocalAccountsByUsernames(ctx context.Context, names []string) (map[string]*model.Account, error) {
	out := make(map[string]*model.Account, len(names))
	if len(names) == 0 {
		return out, nil
	}
	var b strings.Builder
	args := make([]any, len(names))
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("$" + itoa(i+1))
		args[i] = strings.ToLower(n)
	}
	list, err := scanAccounts(s.q.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE domain = '' AND username_lower IN ("+
		b.String()+")", args...))
	for _, a := range list {
		out[strings.ToLower(a.Username)] = a
	}
	return out, err
}

// AccountLive is the part of an account that changes with other people's
// actions (counters) or moderation (suspension), never trusted from a cache.
type AccountLive struct {
	StatusesCount, FollowersCount, FollowingCount int64
	LastStatusAt, SuspendedAt                     *time.Time
}

// accountsByIDsQuery is AccountsByIDs' fixed text (ids in one parameter),
// so it stays prepared.
var accountsByIDsQuery = dialectQuery(func(in func(col, param string) string) string {
	return "SELECT " + accountCols + " FROM accounts WHERE " + in("id", "$1")
})

// SetAccountImageKeys records the storage keys of an account's avatar and
// header ("" for none), local uploads and cached remote images alike.
func (s *Store) SetAccountImageKeys(ctx context.Context, id int64, avatarKey, headerKey string) error {
	_, err := s.q.ExecContext(ctx, "UPDATE accounts SET avatar_key = $2, header_key = $3, updated_at = $4 WHERE id = $1",
		id, avatarKey, headerKey, ms(time.Now()))
	return err
}
