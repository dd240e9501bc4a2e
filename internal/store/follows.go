package store

import "context"

// CountFollowRequests counts pending follow requests to an account.
func (s *Store) CountFollowRequests(ctx context.Context, targetID int64) (int64, error) {
	var n int64
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM follow_requests WHERE target_account_id = $1", targetID).Scan(&n)
	return n, err
}
