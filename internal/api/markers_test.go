package api_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

type markerRow struct {
	LastReadID string `json:"last_read_id"`
	Version    int64  `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

func markersOf(t *testing.T, r *testrig.Response) map[string]markerRow {
	t.Helper()
	var raw map[string]json.RawMessage
	r.JSON(t, &raw)
	out := map[string]markerRow{}
	for tl, body := range raw {
		apischema.MustMatch(t, "Marker", body)
		var m markerRow
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		out[tl] = m
	}
	return out
}

func TestMarkers(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		both := "/api/v1/markers?timeline[]=home&timeline[]=notifications"
		if r := inst.Expect(t, 200, "GET", both, alice.Token, nil); string(r.Body) != "{}\n" {
			t.Fatalf("no markers yet = %s", r.Body)
		}
		// Form-encoded, as Mastodon's web client sends it.
		m := markersOf(t, inst.Expect(t, 200, "POST", "/api/v1/markers", alice.Token, url.Values{"home[last_read_id]": {"100"}}))
		if len(m) != 1 || m["home"].LastReadID != "100" || m["home"].Version != 0 {
			t.Fatalf("first save = %+v", m)
		}
		// Each change bumps the version; saving the same position does not.
		m = markersOf(t, inst.Expect(t, 200, "POST", "/api/v1/markers", alice.Token, map[string]any{
			"home": map[string]string{"last_read_id": "105"}, "notifications": map[string]string{"last_read_id": "7"}}))
		if m["home"].LastReadID != "105" || m["home"].Version != 1 || m["notifications"].Version != 0 {
			t.Fatalf("second save = %+v", m)
		}
		m = markersOf(t, inst.Expect(t, 200, "POST", "/api/v1/markers", alice.Token, map[string]any{
			"home": map[string]string{"last_read_id": "105"}}))
		if m["home"].Version != 1 {
			t.Errorf("unchanged save bumped the version: %+v", m)
		}
		m = markersOf(t, inst.Expect(t, 200, "GET", both, alice.Token, nil))
		if len(m) != 2 || m["home"].LastReadID != "105" || m["notifications"].LastReadID != "7" {
			t.Errorf("markers = %+v", m)
		}
		m = markersOf(t, inst.Expect(t, 200, "GET", "/api/v1/markers?timeline[]=notifications", alice.Token, nil))
		if len(m) != 1 || m["notifications"].LastReadID != "7" {
			t.Errorf("notifications only = %+v", m)
		}
		// Markers are per user; unknown timelines are ignored.
		if r := inst.Expect(t, 200, "GET", both, bob.Token, nil); string(r.Body) != "{}\n" {
			t.Errorf("bob sees %s", r.Body)
		}
		if r := inst.Expect(t, 200, "POST", "/api/v1/markers", bob.Token, map[string]any{
			"public": map[string]string{"last_read_id": "1"}}); string(r.Body) != "{}\n" {
			t.Errorf("unknown timeline saved: %s", r.Body)
		}
		inst.Expect(t, 422, "POST", "/api/v1/markers", alice.Token, url.Values{"home[last_read_id]": {""}})
		inst.Expect(t, 422, "POST", "/api/v1/markers", alice.Token, url.Values{"home[last_read_id]": {"abc"}})
		inst.Expect(t, 403, "GET", both, inst.Token(t, alice.Account.ID, "read:notifications"), nil)
		inst.Expect(t, 403, "POST", "/api/v1/markers", inst.Token(t, alice.Account.ID, "read"), url.Values{"home[last_read_id]": {"1"}})
		inst.Expect(t, 401, "GET", both, "", nil)
	})
}
