package model

import "time"

// PushSubscription is a Web Push subscription: where the push service of
// one app on one device accepts notifications for one access token.
type PushSubscription struct {
	ID          int64
	TokenID     int64
	AccountID   int64
	AccessToken string // carried in each payload for the app's service worker
	Endpoint    string
	P256dh      string // the user agent's public key (base64url)
	Auth        string // the shared authentication secret (base64url)
	// Standard: RFC 8291 aes128gcm with RFC 8292 VAPID (Mastodon 4.4);
	// otherwise the legacy aesgcm draft.
	Standard  bool
	Alerts    []string // notification types pushed
	Policy    string   // all, followed, follower or none
	CreatedAt time.Time
	UpdatedAt time.Time
}
