package store

import (
	"context"
	"database/sql"
	"time"
)

// Queries of outgoing delivery: who receives an activity, and which remote
// hosts have stopped answering.

// deliveryInbox prefers an account's shared inbox, as Mastodon groups
// deliveries (one POST per server, whatever the number of followers there).
const deliveryInbox = "CASE WHEN a.shared_inbox_url <> '' THEN a.shared_inbox_url ELSE a.inbox_url END"

// DeliveryInboxes lists the distinct inbox URLs of the remote followers of
// the accounts followersOf and of the remote accounts among accountIDs,
// shared inboxes preferred. Local, suspended and gone accounts and
// accounts without an inbox are left out.
// The followers are read through follows_remote_followers, so a popular
// account's local followers are not visited.
func (s *Store) DeliveryInboxes(ctx context.Context, followersOf, accountIDs []int64) ([]string, error) {
	remote := " a.domain <> '' AND a.suspended_at IS NULL AND (a.shared_inbox_url <> '' OR a.inbox_url <> '')"
	q := "SELECT DISTINCT " + deliveryInbox + " FROM accounts a WHERE a.id IN " + literalIDs(accountIDs) + " AND" + remote
	if len(followersOf) > 0 {
		q += " UNION SELECT " + deliveryInbox + " FROM follows f JOIN accounts a ON a.id = f.account_id" +
			" WHERE f.target_account_id IN " + literalIDs(followersOf) + " AND f.remote_follower AND" + remote
	}
	var out []string
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var inbox string
		err := rows.Scan(&inbox)
		out = append(out, inbox)
		return err
	}, q)
	return out, err
}

// DeleteJob removes one job and reports whether it was still there, so
// work that must happen once (expanding a delivery into per-inbox jobs)
// can be tied to the removal in one transaction.
func (s *Store) DeleteJob(ctx context.Context, id int64) (bool, error) {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM jobs WHERE id = $1", id))
	return n == 1, err
}

// DeferJob puts a claimed job back to run at runAt without counting the
// attempt (it was not tried: its remote host was busy).
func (s *Store) DeferJob(ctx context.Context, id int64, runAt time.Time) error {
	_, err := s.q.ExecContext(ctx, "UPDATE jobs SET run_at = $2, locked_until = 0, attempts = attempts - 1 WHERE id = $1",
		id, ms(runAt))
	return err
}

// RecordDeliveryFailure notes that delivering to domain failed on day
// (days since the epoch) and returns on how many distinct days it failed
// since it last answered.
func (s *Store) RecordDeliveryFailure(ctx context.Context, domain string, day int64) (int, error) {
	if _, err := s.q.ExecContext(ctx, "INSERT INTO delivery_failures (domain, day) VALUES ($1, $2) ON CONFLICT DO NOTHING",
		domain, day); err != nil {
		return 0, err
	}
	var n int
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM delivery_failures WHERE domain = $1", domain).Scan(&n)
	return n, err
}

// MarkDomainUnavailable stops deliveries to domain until it answers again.
func (s *Store) MarkDomainUnavailable(ctx context.Context, domain string, at time.Time) error {
	_, err := s.q.ExecContext(ctx, "INSERT INTO unavailable_domains (domain, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
		domain, ms(at))
	return err
}

// ClearDeliveryFailures forgets a domain's failures and its unavailability
// (it answered).
func (s *Store) ClearDeliveryFailures(ctx context.Context, domain string) error {
	if _, err := s.q.ExecContext(ctx, "DELETE FROM delivery_failures WHERE domain = $1", domain); err != nil {
		return err
	}
	_, err := s.q.ExecContext(ctx, "DELETE FROM unavailable_domains WHERE domain = $1", domain)
	return err
}

// DomainDeliveryState tells whether deliveries to domain failed since it
// last answered, and whether it is marked unavailable.
func (s *Store) DomainDeliveryState(ctx context.Context, domain string) (failing, unavailable bool, err error) {
	err = s.q.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM delivery_failures WHERE domain = $1),
		EXISTS (SELECT 1 FROM unavailable_domains WHERE domain = $1)`, domain).Scan(&failing, &unavailable)
	return failing, unavailable, err
}

// UnavailableDomains lists the domains deliveries skip.
func (s *Store) UnavailableDomains(ctx context.Context) ([]string, error) {
	var out []string
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var d string
		err := rows.Scan(&d)
		out = append(out, d)
		return err
	}, "SELECT domain FROM unavailable_domains")
	return out, err
}
