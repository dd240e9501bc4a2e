package api_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

// TestStartupEndpoints: every call apps make at start for features still
// to come answers valid JSON with Mastodon's scope rules.
func TestStartupEndpoints(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		id := itoa(alice.Account.ID)
		writeOnly := inst.Token(t, alice.Account.ID, "write")
		cases := []struct {
			path   string
			public bool   // answers without a token
			schema string // element schema of the (empty) array, if any
		}{
			{path: "/api/v1/lists", schema: "List"},
			{path: "/api/v1/accounts/" + id + "/lists", schema: "List"},
			{path: "/api/v1/filters", schema: "V1Filter"},
			{path: "/api/v2/filters", schema: "Filter"},
			{path: "/api/v1/announcements", schema: "Announcement"},
			{path: "/api/v1/trends", public: true, schema: "Tag"},
			{path: "/api/v1/trends/tags", public: true, schema: "Tag"},
			{path: "/api/v1/trends/statuses", public: true, schema: "Status"},
			{path: "/api/v1/trends/links", public: true, schema: "TrendsLink"},
			{path: "/api/v1/followed_tags", schema: "Tag"},
			{path: "/api/v1/featured_tags", schema: "FeaturedTag"},
			{path: "/api/v1/accounts/" + id + "/featured_tags", public: true, schema: "FeaturedTag"},
			{path: "/api/v1/conversations", schema: "Conversation"},
			{path: "/api/v1/scheduled_statuses", schema: "ScheduledStatus"},
			{path: "/api/v1/endorsements", schema: "Account"},
			{path: "/api/v1/suggestions", schema: "Account"},
			{path: "/api/v2/suggestions", schema: "Suggestion"},
			{path: "/api/v1/domain_blocks"},
			{path: "/api/v1/notifications/requests", schema: "NotificationRequest"},
			{path: "/api/v1/custom_emojis", public: true, schema: "CustomEmoji"},
			{path: "/api/v1/instance/domain_blocks", public: true, schema: "DomainBlock"},
		}
		for _, c := range cases {
			r := inst.Expect(t, 200, "GET", c.path, alice.Token, nil)
			var list []any
			if err := json.Unmarshal(r.Body, &list); err != nil || list == nil || len(list) != 0 {
				t.Errorf("GET %s = %s, want []", c.path, r.Body)
			}
			if c.schema != "" {
				apischema.MustMatchArray(t, c.schema, r.Body)
			}
			if c.public {
				inst.Expect(t, 200, "GET", c.path, "", nil)
				continue
			}
			inst.Expect(t, 401, "GET", c.path, "", nil)
			if c.path != "/api/v1/announcements" { // needs a user token, no scope
				inst.Expect(t, 403, "GET", c.path, writeOnly, nil)
			}
		}
		if r := inst.Do(t, "GET", "/api/v1/followed_tags", alice.Token, nil); r.Header.Get("Link") != "" {
			t.Errorf("followed_tags Link = %q, want none", r.Header.Get("Link"))
		}
		inst.Expect(t, 404, "GET", "/api/v1/accounts/999999/featured_tags", "", nil)

		r := inst.Expect(t, 200, "GET", "/api/v2/notifications/policy", alice.Token, nil)
		apischema.MustMatch(t, "NotificationPolicy", r.Body)
		inst.Expect(t, 401, "GET", "/api/v2/notifications/policy", "", nil)

		// No push subscription: Mastodon's 404, and deleting it is a no-op.
		r = inst.Expect(t, 404, "GET", "/api/v1/push/subscription", alice.Token, nil)
		if string(r.Body) != `{"error":"Record not found"}`+"\n" {
			t.Errorf("push subscription = %s", r.Body)
		}
		inst.Expect(t, 200, "DELETE", "/api/v1/push/subscription", alice.Token, nil)
		inst.Expect(t, 401, "GET", "/api/v1/push/subscription", "", nil)
		inst.Expect(t, 404, "GET", "/api/v1/lists/1", alice.Token, nil)
		inst.Expect(t, 404, "GET", "/api/v2/filters/1", alice.Token, nil)
	})
}

// TestCreatingMissingFeatures: creating what Herd cannot hold yet is a 422
// whose message says so, after the usual token and scope checks.
func TestCreatingMissingFeatures(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		readOnly := inst.Token(t, alice.Account.ID, "read")
		cases := []struct{ method, path, want string }{
			{"POST", "/api/v1/filters", "Filters are not supported yet"},
			{"POST", "/api/v2/filters", "Filters are not supported yet"},
			{"POST", "/api/v1/featured_tags", "Featured hashtags are not supported yet"},
			{"POST", "/api/v1/media", "Validation failed: File can't be blank"}, // no file sent
			{"POST", "/api/v2/media", "Validation failed: File can't be blank"},
			{"POST", "/api/v1/domain_blocks", "Domain blocks are not supported yet"},
			{"PATCH", "/api/v2/notifications/policy", "Notification filtering is not supported yet"},
		}
		for _, c := range cases {
			r := inst.Expect(t, 422, c.method, c.path, alice.Token, url.Values{"title": {"x"}})
			var body struct{ Error string }
			r.JSON(t, &body)
			if body.Error != c.want {
				t.Errorf("%s %s: error %q, want %q", c.method, c.path, body.Error, c.want)
			}
			inst.Expect(t, 401, c.method, c.path, "", nil)
			inst.Expect(t, 403, c.method, c.path, readOnly, nil)
		}
	})
}
