package api

import (
	"net/http"

	"herd/internal/core/fault"
)

// startupRoutes answers the calls apps make when they start or open a
// screen, for features Herd does not have yet: reads get a valid empty
// answer with the scopes Mastodon requires (so an app shows an empty
// screen, not an error), and attempts to create such things get 422 with a
// message the app shows. Scopes: docs.joinmastodon.org/methods/*.
func (a *API) startupRoutes() {
	empty := a.emptyList
	a.handle("GET /api/v1/lists", user("read:lists"), empty)
	a.handle("GET /api/v1/lists/{id}", user("read:lists"), a.recordNotFound)
	a.handle("GET /api/v1/accounts/{id}/lists", user("read:lists"), empty)
	a.handle("POST /api/v1/lists", user("write:lists"), notYet("Lists are not supported yet"))

	a.handle("GET /api/v1/filters", user("read:filters"), empty)
	a.handle("GET /api/v2/filters", user("read:filters"), empty)
	a.handle("GET /api/v1/filters/{id}", user("read:filters"), a.recordNotFound)
	a.handle("GET /api/v2/filters/{id}", user("read:filters"), a.recordNotFound)
	a.handle("POST /api/v1/filters", user("write:filters"), notYet("Filters are not supported yet"))
	a.handle("POST /api/v2/filters", user("write:filters"), notYet("Filters are not supported yet"))

	a.handle("GET /api/v1/announcements", user(), empty)
	a.handle("POST /api/v1/announcements/{id}/dismiss", user("write:accounts"), a.recordNotFound)

	a.handle("GET /api/v1/trends", public, empty)
	a.handle("GET /api/v1/trends/tags", public, empty)
	a.handle("GET /api/v1/trends/statuses", public, empty)
	a.handle("GET /api/v1/trends/links", public, empty)

	// Without followed tags there is no page, hence no Link header.
	a.handle("GET /api/v1/followed_tags", user("read:follows"), empty)
	a.handle("GET /api/v1/featured_tags", user("read:accounts"), empty)
	a.handle("GET /api/v1/featured_tags/suggestions", user("read:accounts"), empty)
	a.handle("GET /api/v1/accounts/{id}/featured_tags", public, a.getAccountFeaturedTags)
	a.handle("POST /api/v1/featured_tags", user("write:accounts"), notYet("Featured hashtags are not supported yet"))

	a.handle("GET /api/v1/conversations", user("read:statuses"), empty)
	a.handle("GET /api/v1/scheduled_statuses", user("read:statuses"), empty)
	a.handle("GET /api/v1/scheduled_statuses/{id}", user("read:statuses"), a.recordNotFound)
	a.handle("GET /api/v1/endorsements", user("read:accounts"), empty)
	a.handle("GET /api/v1/suggestions", user("read", "read:accounts"), empty)
	a.handle("GET /api/v2/suggestions", user("read", "read:accounts"), empty)
	a.handle("DELETE /api/v1/suggestions/{id}", user("read", "read:accounts"), emptyObject)

	a.handle("GET /api/v1/domain_blocks", user("read:blocks", "follow"), empty)
	a.handle("POST /api/v1/domain_blocks", user("write:blocks", "follow"), notYet("Domain blocks are not supported yet"))

	// Mastodon answers 404 while the token has no push subscription, and an
	// empty object when deleting one that does not exist.
	a.handle("GET /api/v1/push/subscription", user("push"), a.recordNotFound)
	a.handle("PUT /api/v1/push/subscription", user("push"), a.recordNotFound)
	a.handle("DELETE /api/v1/push/subscription", user("push"), emptyObject)
	a.handle("POST /api/v1/push/subscription", user("push"), notYet("Push notifications are not supported yet"))

	a.handle("GET /api/v1/polls/{id}", public, a.recordNotFound)
	a.handle("POST /api/v1/polls/{id}/votes", user("write:statuses"), a.recordNotFound)

	// Mastodon 4.3's notification filtering: Herd filters nothing, so the
	// policy accepts everything and there are no filtered requests.
	a.handle("GET /api/v2/notifications/policy", user("read:notifications"), a.getNotificationPolicy)
	a.handle("PATCH /api/v2/notifications/policy", user("write:notifications"),
		notYet("Notification filtering is not supported yet"))
	a.handle("GET /api/v1/notifications/requests", user("read:notifications"), empty)
}

// notYet answers 422, Mastodon's validation status, whose message apps show.
func notYet(msg string) handlerFunc {
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
	tags, err := a.core.FeaturedTags(r.Context(), id)
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
