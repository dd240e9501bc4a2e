// Package push is Web Push as Mastodon does it: an app subscribes one
// access token's notifications to its push service (the browser's or the
// phone's), choosing which types and from whom; each notification then
// becomes a durable job that encrypts a small payload with the
// subscription's keys, signs the request with the instance's VAPID key
// and posts it to the push service through the guarded HTTP client.
package push

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync"

	"herd/internal/core/notifications"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/webpush"
)

// QueuePush is the job queue of push messages: one job per notification
// and subscription, payload "<notification id>:<subscription id>".
const QueuePush = "push"

// Attempts bounds the tries of one push message (a push service that is
// down gets it later, as deliveries do).
const Attempts = 8

// Alerts are the notification types an app may ask to be pushed
// (docs.joinmastodon.org/methods/push).
var Alerts = []string{"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
	"quote", "quoted_update", "admin.sign_up", "admin.report"}

// Policies say from whom notifications are pushed: everyone, accounts the
// user follows, accounts following the user, or no one.
var Policies = []string{"all", "followed", "follower", "none"}

// Deps is what the push area is built from.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
	// Client posts to push services; the guarded outbound client (no
	// private addresses, bounded time and size). Without it nothing is
	// pushed (the jobs fail and retry).
	Client Doer
	// Contact is the VAPID subject push services may write to about
	// this instance's traffic: a mailto: or https: URL.
	Contact string
	// AllowHTTP accepts http:// endpoints; for tests only, where the push
	// service is a loopback listener.
	AllowHTTP bool
	// Wake wakes the job workers after a push job is enqueued.
	Wake func()
	// Notification reads a notification as its recipient sees it
	// (core/notifications), for the payload's title and body.
	Notification func(ctx context.Context, v *model.Viewer, id int64) (*notifications.NotificationView, error)
	// Avatar is the URL an account's avatar is served at (core/files),
	// the payload's icon.
	Avatar func(a *model.Account) string
}

// Service is the push area.
type Service struct {
	store        *store.Store
	log          *slog.Logger
	client       Doer
	contact      string
	allowHTTP    bool
	wake         func()
	notification func(ctx context.Context, v *model.Viewer, id int64) (*notifications.NotificationView, error)
	avatar       func(a *model.Account) string

	keysOnce sync.Mutex
	keys     *webpush.VAPIDKeys // loaded or made on first use
}

// New builds the area.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Log, client: d.Client, contact: d.Contact, allowHTTP: d.AllowHTTP,
		wake: d.Wake, notification: d.Notification, avatar: d.Avatar}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.client == nil {
		s.client = &http.Client{Transport: refuseTransport{}}
	}
	if s.wake == nil {
		s.wake = func() {}
	}
	if s.avatar == nil {
		s.avatar = func(*model.Account) string { return "" }
	}
	return s
}

// Doer sends an HTTP request (safehttp.Client, http.Client).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// refuseTransport stands for a missing client: every push fails, so jobs
// retry and then give up, and nothing leaves the machine unguarded.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errNoClient
}

type pushError string

func (e pushError) Error() string { return string(e) }

const errNoClient = pushError("push: no HTTP client configured")

// alertOn says whether a subscription pushes a notification type.
func alertOn(p *model.PushSubscription, typ string) bool { return slices.Contains(p.Alerts, typ) }
