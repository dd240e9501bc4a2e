package api

import (
	"net/http"

	"herd/internal/core/fault"
	"herd/internal/door"
)

// notYet answers 422, Mastodon's validation status, whose message apps show.
func notYet(msg string) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error { return fault.Unprocessable(msg) }
}

func emptyObject(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, struct{}{})
}

func (a *API) getAccountFeaturedTags(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tags, err := a.core.Timelines.FeaturedTags(r.Context(), id)
	if err != nil {
		return err
	}
	// Nothing can be featured yet, so the list is always empty.
	return writeJSON(w, make([]any, 0, len(tags)))
}

// notificationPolicy is Mastodon's NotificationPolicy entity (v2, 4.3).
type notificationPolicy struct {
	ForNotFollowing    string `json:"for_not_following"`
	ForNotFollowers    string `json:"for_not_followers"`
	ForNewAccounts     string `json:"for_new_accounts"`
	ForPrivateMentions string `json:"for_private_mentions"`
	ForLimitedAccounts string `json:"for_limited_accounts"`
	Summary            struct {
		PendingRequestsCount      int `json:"pending_requests_count"`
		PendingNotificationsCount int `json:"pending_notifications_count"`
	} `json:"summary"`
}

func (a *API) getNotificationPolicy(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, notificationPolicy{ForNotFollowing: "accept", ForNotFollowers: "accept",
		ForNewAccounts: "accept", ForPrivateMentions: "accept", ForLimitedAccounts: "accept"})
}
