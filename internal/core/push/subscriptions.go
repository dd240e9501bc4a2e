package push

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/webpush"
)

// Subscription is a token's push subscription with what the API shows of
// it.
type Subscription struct {
	*model.PushSubscription
	ServerKey string // the instance's VAPID public key
}

// NewSubscription is what an app sends to subscribe
// (POST /api/v1/push/subscription).
type NewSubscription struct {
	Endpoint string
	P256dh   string // subscription[keys][p256dh]
	Auth     string // subscription[keys][auth]
	Standard bool   // RFC 8291 encryption (Mastodon 4.4); legacy aesgcm otherwise
	Alerts   map[string]bool
	Policy   string // "" is all
}

// maxEndpoint bounds an endpoint URL (push services' are ~200 bytes).
const maxEndpoint = 2048

// Subscribe stores the viewer's token's subscription, replacing the one
// it had. accessToken is the token itself, which each payload carries.
// Endpoints must be https: URLs (http: where AllowHTTP says so); keys a
// P-256 point and a 16-byte secret; bad ones answer 422.
func (s *Service) Subscribe(ctx context.Context, v *model.Viewer, accessToken string, n NewSubscription) (*Subscription, error) {
	if err := s.checkEndpoint(n.Endpoint); err != nil {
		return nil, err
	}
	if err := webpush.ValidateSubscriptionKeys(n.P256dh, n.Auth); err != nil {
		return nil, fault.Unprocessable("Validation failed: " + err.Error())
	}
	policy, err := checkPolicy(n.Policy)
	if err != nil {
		return nil, err
	}
	key, err := s.ServerKey(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	p := &model.PushSubscription{ID: ids.New(), TokenID: v.Token.ID, AccountID: v.AccountID(), AccessToken: accessToken,
		Endpoint: n.Endpoint, P256dh: n.P256dh, Auth: n.Auth, Standard: n.Standard, Alerts: alertList(n.Alerts),
		Policy: policy, CreatedAt: now, UpdatedAt: now}
	err = s.store.InTx(ctx, func(tx *store.Store) error { return tx.PutPushSubscription(ctx, p) })
	if err != nil {
		return nil, err
	}
	return &Subscription{PushSubscription: p, ServerKey: key}, nil
}

// Subscription reads the viewer's token's subscription; 404 without one.
func (s *Service) Subscription(ctx context.Context, v *model.Viewer) (*Subscription, error) {
	p, err := s.store.PushSubscriptionOfToken(ctx, v.Token.ID)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	key, err := s.ServerKey(ctx)
	if err != nil {
		return nil, err
	}
	return &Subscription{PushSubscription: p, ServerKey: key}, nil
}

// UpdateSubscription replaces the alerts and policy of the viewer's
// token's subscription (PUT); 404 without one. A nil alerts map keeps the
// alerts; an empty policy keeps the policy.
func (s *Service) UpdateSubscription(ctx context.Context, v *model.Viewer, alerts map[string]bool, policy string) (*Subscription, error) {
	sub, err := s.Subscription(ctx, v)
	if err != nil {
		return nil, err
	}
	if policy != "" {
		if sub.Policy, err = checkPolicy(policy); err != nil {
			return nil, err
		}
	}
	if alerts != nil {
		sub.Alerts = alertList(alerts)
	}
	sub.UpdatedAt = time.Now()
	err = s.store.InTx(ctx, func(tx *store.Store) error { return tx.UpdatePushSubscription(ctx, sub.PushSubscription) })
	return sub, err
}

// Unsubscribe deletes the viewer's token's subscription, if any.
func (s *Service) Unsubscribe(ctx context.Context, v *model.Viewer) error {
	p, err := s.store.PushSubscriptionOfToken(ctx, v.Token.ID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Store) error { return tx.DeletePushSubscription(ctx, p.ID) })
}

func (s *Service) checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	ok := err == nil && len(endpoint) <= maxEndpoint && u.Host != "" && u.User == nil &&
		(u.Scheme == "https" || (u.Scheme == "http" && s.allowHTTP))
	if !ok {
		return fault.Unprocessable("Validation failed: Endpoint is not a valid https URL")
	}
	return nil
}

func checkPolicy(p string) (string, error) {
	if p == "" {
		return "all", nil
	}
	if !slices.Contains(Policies, p) {
		return "", fault.Unprocessable("Validation failed: Policy is not included in the list")
	}
	return p, nil
}

// alertList keeps the known types switched on, in Alerts' order.
func alertList(alerts map[string]bool) []string {
	var out []string
	for _, a := range Alerts {
		if alerts[a] {
			out = append(out, a)
		}
	}
	return out
}

// ServerKey is the instance's VAPID public key, made on first use.
func (s *Service) ServerKey(ctx context.Context) (string, error) {
	k, err := s.vapid(ctx)
	if err != nil {
		return "", err
	}
	return k.PublicKey(), nil
}

// vapid loads the instance's VAPID keys, making and storing them the
// first time (another node may store its own first: the stored pair wins).
func (s *Service) vapid(ctx context.Context) (*webpush.VAPIDKeys, error) {
	s.keysOnce.Lock()
	defer s.keysOnce.Unlock()
	if s.keys != nil {
		return s.keys, nil
	}
	_, private, err := s.store.VAPIDKeys(ctx)
	if errors.Is(err, model.ErrNotFound) {
		k, gerr := webpush.GenerateVAPID()
		if gerr != nil {
			return nil, gerr
		}
		priv, pub := k.Marshal()
		if err := s.store.InTx(ctx, func(tx *store.Store) error { return tx.InsertVAPIDKeys(ctx, pub, priv, time.Now()) }); err != nil {
			return nil, err
		}
		_, private, err = s.store.VAPIDKeys(ctx)
	}
	if err != nil {
		return nil, err
	}
	k, err := webpush.ParseVAPID(private)
	if err != nil {
		return nil, err
	}
	s.keys = &k
	return s.keys, nil
}
