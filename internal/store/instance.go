package store

import (
	"context"
	"database/sql"
	"time"

	"herd/internal/model"
)

// InstanceRules lists the instance's rules in their display order.
func (s *Store) InstanceRules(ctx context.Context) ([]model.Rule, error) {
	rows, err := s.q.QueryContext(ctx,
		"SELECT id, text, hint FROM instance_rules ORDER BY position, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.Rule{}
	for rows.Next() {
		var r model.Rule
		if err := rows.Scan(&r.ID, &r.Text, &r.Hint); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertInstanceRule adds a rule after the existing ones (its position is
// one past the largest).
func (s *Store) InsertInstanceRule(ctx context.Context, r *model.Rule, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO instance_rules (id, text, hint, position, created_at)
		SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1, $4 FROM instance_rules`,
		r.ID, r.Text, r.Hint, ms(at))
	return err
}

// DeleteInstanceRule removes a rule; model.ErrNotFound when there is none.
func (s *Store) DeleteInstanceRule(ctx context.Context, id int64) error {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM instance_rules WHERE id = $1", id))
	if err == nil && n == 0 {
		return model.ErrNotFound
	}
	return err
}

// CountLocalStatuses is the instance's local status count, summed from the
// local accounts' counters as Mastodon does (no scan of statuses).
func (s *Store) CountLocalStatuses(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := s.q.QueryRowContext(ctx,
		"SELECT SUM(statuses_count) FROM accounts WHERE domain = '' AND suspended_at IS NULL").Scan(&n)
	return n.Int64, err
}

// CountActiveUsersSince counts local, unsuspended users active at or after
// since.
func (s *Store) CountActiveUsersSince(ctx context.Context, since time.Time) (int64, error) {
	var n int64
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u WHERE u.last_active_at >= $1
		AND u.account_id NOT IN (SELECT id FROM accounts WHERE suspended_at IS NOT NULL)`, ms(since)).Scan(&n)
	return n, err
}

// KnownDomains lists the remote domains the instance has accounts from,
// alphabetically.
func (s *Store) KnownDomains(ctx context.Context) ([]string, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT DISTINCT domain FROM accounts WHERE domain <> '' ORDER BY domain")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CountKnownDomains counts the remote domains the instance has accounts
// from.
func (s *Store) CountKnownDomains(ctx context.Context) (int64, error) {
	var n int64
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(DISTINCT domain) FROM accounts WHERE domain <> ''").Scan(&n)
	return n, err
}

// FirstAdminAccountID is the oldest admin's account id (the instance's
// contact account); model.ErrNotFound when there is no admin.
func (s *Store) FirstAdminAccountID(ctx context.Context) (int64, error) {
	var id int64
	err := s.q.QueryRowContext(ctx, `SELECT u.account_id FROM users u JOIN accounts a ON a.id = u.account_id
		WHERE u.role = 'admin' AND a.suspended_at IS NULL ORDER BY u.created_at, u.account_id LIMIT 1`).Scan(&id)
	return id, notFound(err)
}

// RecordUserActive marks a user active at t: it moves last_active_at and
// adds the user to the week's active set (once per week).
func (s *Store) RecordUserActive(ctx context.Context, accountID int64, t, week time.Time) error {
	if _, err := s.q.ExecContext(ctx, "UPDATE users SET last_active_at = $2 WHERE account_id = $1 AND last_active_at < $2",
		accountID, ms(t)); err != nil {
		return err
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO user_activity_weeks (week, account_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, ms(week), accountID)
	return err
}

// WeeklyActivity counts, for each of the n weeks starting at first (each
// week long), local statuses, active users and registrations: three
// grouped queries whatever n is.
func (s *Store) WeeklyActivity(ctx context.Context, first time.Time, week time.Duration, n int) ([]model.WeekActivity, error) {
	out := make([]model.WeekActivity, n)
	for i := range out {
		out[i].Week = first.Add(time.Duration(i) * week)
	}
	start, span := ms(first), week.Milliseconds()
	end := start + span*int64(n)
	// Integer division buckets rows by week on both SQLite and PostgreSQL.
	queries := []struct {
		sql string
		set func(*model.WeekActivity, int64)
	}{
		{`SELECT (created_at - $1) / $2, COUNT(*) FROM statuses
			WHERE local AND created_at >= $1 AND created_at < $3 GROUP BY 1`,
			func(w *model.WeekActivity, c int64) { w.Statuses = c }},
		{`SELECT (week - $1) / $2, COUNT(*) FROM user_activity_weeks
			WHERE week >= $1 AND week < $3 GROUP BY 1`,
			func(w *model.WeekActivity, c int64) { w.Logins = c }},
		{`SELECT (created_at - $1) / $2, COUNT(*) FROM users
			WHERE created_at >= $1 AND created_at < $3 GROUP BY 1`,
			func(w *model.WeekActivity, c int64) { w.Registrations = c }},
	}
	for _, q := range queries {
		rows, err := s.q.QueryContext(ctx, q.sql, start, span, end)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var bucket, count int64
			if err := rows.Scan(&bucket, &count); err != nil {
				rows.Close()
				return nil, err
			}
			if bucket >= 0 && bucket < int64(n) {
				q.set(&out[bucket], count)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
