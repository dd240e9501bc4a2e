package api

import (
	"net/http"

	"herd/internal/core/fault"
	"herd/internal/core/push"
	"herd/internal/ids"
)

// WebPushSubscription is Mastodon's entity: every alert type is listed,
// false when not pushed.
type WebPushSubscription struct {
	ID        string          `json:"id"`
	Endpoint  string          `json:"endpoint"`
	Standard  bool            `json:"standard"`
	Alerts    map[string]bool `json:"alerts"`
	ServerKey string          `json:"server_key"`
	Policy    string          `json:"policy"`
}

func pushSubscriptionEntity(s *push.Subscription) WebPushSubscription {
	alerts := make(map[string]bool, len(push.Alerts))
	for _, a := range push.Alerts {
		alerts[a] = false
	}
	for _, a := range s.Alerts {
		alerts[a] = true
	}
	return WebPushSubscription{ID: ids.Format(s.ID), Endpoint: s.Endpoint, Standard: s.Standard, Alerts: alerts,
		ServerKey: s.ServerKey, Policy: s.Policy}
}

// pushAlerts reads data[alerts][type]; nil when no alert was sent.
func pushAlerts(p params) map[string]bool {
	var alerts map[string]bool
	for _, a := range push.Alerts {
		key := "data[alerts][" + a + "]"
		if p.has(key) {
			if alerts == nil {
				alerts = map[string]bool{}
			}
			alerts[a] = p.boolean(key, false)
		}
	}
	return alerts
}

// subscribePush serves POST /api/v1/push/subscription: one subscription
// per access token, a new one replacing the old.
func (a *API) subscribePush(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	if !p.has("subscription[endpoint]") && !p.has("subscription[keys][p256dh]") {
		return fault.BadRequest("param is missing or the value is empty: subscription")
	}
	s, err := a.core.Push.Subscribe(r.Context(), viewerOf(r), bearerToken(r), push.NewSubscription{
		Endpoint: p.str("subscription[endpoint]"), P256dh: p.str("subscription[keys][p256dh]"),
		Auth: p.str("subscription[keys][auth]"), Standard: p.boolean("subscription[standard]", false),
		Alerts: pushAlerts(p), Policy: p.str("data[policy]"),
	})
	if err != nil {
		return err
	}
	return writeJSON(w, pushSubscriptionEntity(s))
}

func (a *API) getPushSubscription(w http.ResponseWriter, r *http.Request) error {
	s, err := a.core.Push.Subscription(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, pushSubscriptionEntity(s))
}

// updatePushSubscription serves PUT: data[alerts] replaces the alerts,
// data[policy] (or policy, as Mastodon also reads it) the policy.
func (a *API) updatePushSubscription(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	policy := p.str("data[policy]")
	if policy == "" {
		policy = p.str("policy")
	}
	alerts := pushAlerts(p)
	if alerts == nil && p.has("data[alerts]") {
		alerts = map[string]bool{}
	}
	s, err := a.core.Push.UpdateSubscription(r.Context(), viewerOf(r), alerts, policy)
	if err != nil {
		return err
	}
	return writeJSON(w, pushSubscriptionEntity(s))
}

func (a *API) deletePushSubscription(w http.ResponseWriter, r *http.Request) error {
	if err := a.core.Push.Unsubscribe(r.Context(), viewerOf(r)); err != nil {
		return err
	}
	return emptyObject(w, r)
}
