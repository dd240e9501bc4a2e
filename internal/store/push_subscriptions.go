package store

import (
	"context"
	"strings"
	"time"

	"herd/internal/model"
)

// VAPIDKeys loads the instance's VAPID key pair.
func (s *Store) VAPIDKeys(ctx context.Context) (publicKey, privateKey string, err error) {
	err = s.q.QueryRowContext(ctx, "SELECT public_key, private_key FROM vapid_keys WHERE id = 1").Scan(&publicKey, &privateKey)
	return publicKey, privateKey, notFound(err)
}

// InsertVAPIDKeys stores the VAPID key pair unless one is already stored
// (another node may have made one first; the caller reads it back).
func (s *Store) InsertVAPIDKeys(ctx context.Context, publicKey, privateKey string, now time.Time) error {
	_, err := s.q.ExecContext(ctx, "INSERT INTO vapid_keys (id, public_key, private_key, created_at)"+
		" VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING", publicKey, privateKey, ms(now))
	return err
}

const pushSubscriptionCols = "id, token_id, account_id, access_token, endpoint, p256dh, auth, standard, alerts, policy, created_at, updated_at"

func scanPushSubscription(row interface{ Scan(...any) error }) (*model.PushSubscription, error) {
	var p model.PushSubscription
	var alerts string
	var created, updated int64
	if err := row.Scan(&p.ID, &p.TokenID, &p.AccountID, &p.AccessToken, &p.Endpoint, &p.P256dh, &p.Auth, &p.Standard,
		&alerts, &p.Policy, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	if alerts != "" {
		p.Alerts = strings.Split(alerts, ",")
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// PutPushSubscription stores a token's subscription, replacing the one it
// had (Mastodon: a new POST replaces it).
func (s *Store) PutPushSubscription(ctx context.Context, p *model.PushSubscription) error {
	if _, err := s.q.ExecContext(ctx, "DELETE FROM push_subscriptions WHERE token_id = $1", p.TokenID); err != nil {
		return err
	}
	_, err := s.q.ExecContext(ctx, "INSERT INTO push_subscriptions ("+pushSubscriptionCols+
		") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
		p.ID, p.TokenID, p.AccountID, p.AccessToken, p.Endpoint, p.P256dh, p.Auth, p.Standard,
		strings.Join(p.Alerts, ","), p.Policy, ms(p.CreatedAt), ms(p.UpdatedAt))
	return err
}

// UpdatePushSubscription changes a subscription's alerts and policy.
func (s *Store) UpdatePushSubscription(ctx context.Context, p *model.PushSubscription) error {
	_, err := s.q.ExecContext(ctx, "UPDATE push_subscriptions SET alerts = $1, policy = $2, updated_at = $3 WHERE id = $4",
		strings.Join(p.Alerts, ","), p.Policy, ms(p.UpdatedAt), p.ID)
	return err
}

// PushSubscriptionOfToken finds a token's subscription.
func (s *Store) PushSubscriptionOfToken(ctx context.Context, tokenID int64) (*model.PushSubscription, error) {
	return scanPushSubscription(s.q.QueryRowContext(ctx, "SELECT "+pushSubscriptionCols+
		" FROM push_subscriptions WHERE token_id = $1", tokenID))
}

// PushSubscriptionByID finds a subscription whose token is still valid.
func (s *Store) PushSubscriptionByID(ctx context.Context, id int64) (*model.PushSubscription, error) {
	return scanPushSubscription(s.q.QueryRowContext(ctx, "SELECT "+pushSubscriptionCols+
		" FROM push_subscriptions p WHERE id = $1 AND EXISTS (SELECT 1 FROM tokens t WHERE t.id = p.token_id AND t.revoked_at IS NULL)", id))
}

// PushSubscriptionsOf lists an account's subscriptions whose tokens are
// still valid.
func (s *Store) PushSubscriptionsOf(ctx context.Context, accountID int64) ([]*model.PushSubscription, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT "+pushSubscriptionCols+" FROM push_subscriptions p WHERE account_id = $1"+
		" AND EXISTS (SELECT 1 FROM tokens t WHERE t.id = p.token_id AND t.revoked_at IS NULL) ORDER BY id", accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.PushSubscription
	for rows.Next() {
		p, err := scanPushSubscription(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeletePushSubscription removes a subscription (the app unsubscribed, or
// the push service says it is gone).
func (s *Store) DeletePushSubscription(ctx context.Context, id int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM push_subscriptions WHERE id = $1", id)
	return err
}
