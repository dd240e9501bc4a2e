package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"herd/internal/apischema"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// groupRow is a NotificationGroup as tests read it.
type groupRow struct {
	GroupKey      string   `json:"group_key"`
	Count         int      `json:"notifications_count"`
	Type          string   `json:"type"`
	MostRecentID  int64    `json:"most_recent_notification_id"`
	PageMinID     *string  `json:"page_min_id"`
	PageMaxID     *string  `json:"page_max_id"`
	LatestAt      *string  `json:"latest_page_notification_at"`
	SampleAccount []string `json:"sample_account_ids"`
	StatusID      *string  `json:"status_id"`
}

type groupedResults struct {
	Accounts []struct {
		ID string `json:"id"`
	} `json:"accounts"`
	Statuses []struct {
		ID string `json:"id"`
	} `json:"statuses"`
	Groups          []groupRow `json:"notification_groups"`
	PartialAccounts *[]any     `json:"partial_accounts"`
}

func getGroups(t *testing.T, inst *testrig.Instance, token, path string) (groupedResults, *testrig.Response) {
	t.Helper()
	r := inst.Expect(t, 200, "GET", path, token, nil)
	apischema.MustMatch(t, "GroupedNotificationsResults", r.Body)
	var out groupedResults
	r.JSON(t, &out)
	return out, r
}

func groupSummary(gs []groupRow) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = fmt.Sprintf("%s×%d", g.Type, g.Count)
	}
	return strings.Join(parts, ",")
}

func TestGroupedNotifications(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, dave, erin := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"),
			inst.NewUser(t, "dave"), inst.NewUser(t, "erin")
		a := alice.Account.ID
		st := seedStatus(t, inst, a, "hello", model.Public)
		for _, u := range []*testrig.User{bob, carol, dave} {
			seedFavourite(t, inst, u.Account.ID, st)
		}
		m1 := seedMention(t, inst, erin.Account.ID, a, "@alice one")
		m2 := seedMention(t, inst, erin.Account.ID, a, "@alice two")
		act(t, inst, bob.Token, "follow", a, nil)
		all, _ := listNotifications(t, inst, alice.Token, "/api/v1/notifications")
		// all: follow, mention2, mention1, fav dave, fav carol, fav bob
		if len(all) != 6 {
			t.Fatalf("v1 = %s", summary(all))
		}

		res, r := getGroups(t, inst, alice.Token, "/api/v2/notifications")
		if got := groupSummary(res.Groups); got != "follow×1,mention×1,mention×1,favourite×3" {
			t.Fatalf("groups = %s", got)
		}
		fav := res.Groups[3]
		if !strings.HasPrefix(fav.GroupKey, fmt.Sprintf("favourite-%d-", st.ID)) || fav.GroupKey != all[3].GroupKey {
			t.Errorf("favourite group key = %q (v1 said %q)", fav.GroupKey, all[3].GroupKey)
		}
		if strings.Join(fav.SampleAccount, ",") != joinIDs(dave.Account.ID, carol.Account.ID, bob.Account.ID) {
			t.Errorf("sample accounts = %v", fav.SampleAccount)
		}
		if fav.StatusID == nil || *fav.StatusID != itoa(st.ID) || fav.MostRecentID != mustID(t, all[3].ID) {
			t.Errorf("favourite group = %+v", fav)
		}
		if fav.PageMaxID == nil || *fav.PageMaxID != all[3].ID || fav.PageMinID == nil || *fav.PageMinID != all[5].ID || fav.LatestAt == nil {
			t.Errorf("favourite group page bounds = %+v", fav)
		}
		if !strings.Contains(string(r.Body), fmt.Sprintf(`"most_recent_notification_id":%s,`, all[3].ID)) {
			t.Errorf("most_recent_notification_id must be a JSON number, as Mastodon sends it: %s", r.Body)
		}
		mention := res.Groups[2]
		if mention.GroupKey != "ungrouped-"+all[2].ID || mention.StatusID == nil || *mention.StatusID != itoa(m1.ID) {
			t.Errorf("mention group = %+v", mention)
		}
		if res.Groups[1].StatusID == nil || *res.Groups[1].StatusID != itoa(m2.ID) || res.Groups[0].StatusID != nil {
			t.Errorf("groups = %+v", res.Groups)
		}
		if len(res.Statuses) != 3 || len(res.Accounts) != 4 || res.PartialAccounts != nil {
			t.Errorf("statuses %d, accounts %d (want 3 and 4): %s", len(res.Statuses), len(res.Accounts), r.Body)
		}

		// grouped_types limits grouping; types and exclude_types filter.
		res, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications?grouped_types[]=follow")
		if got := groupSummary(res.Groups); got != "follow×1,mention×1,mention×1,favourite×1,favourite×1,favourite×1" {
			t.Errorf("grouped_types=follow: %s", got)
		}
		res, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications?exclude_types[]=mention&exclude_types[]=follow")
		if got := groupSummary(res.Groups); got != "favourite×3" {
			t.Errorf("exclude_types: %s", got)
		}
		res, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications?expand_accounts=partial_avatars&types[]=follow")
		if got := groupSummary(res.Groups); got != "follow×1" || res.PartialAccounts == nil {
			t.Errorf("partial_avatars: %s, partial_accounts %v", got, res.PartialAccounts)
		}
		inst.Expect(t, 400, "GET", "/api/v2/notifications?expand_accounts=everything", alice.Token, nil)
		inst.Expect(t, 403, "GET", "/api/v2/notifications", inst.Token(t, a, "write"), nil)
	})
}

func TestGroupedNotificationsPaging(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, dave, erin := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"),
			inst.NewUser(t, "dave"), inst.NewUser(t, "erin")
		a := alice.Account.ID
		st := seedStatus(t, inst, a, "hello", model.Public)
		for _, u := range []*testrig.User{bob, carol, dave} {
			seedFavourite(t, inst, u.Account.ID, st)
		}
		seedMention(t, inst, erin.Account.ID, a, "@alice one")
		seedMention(t, inst, erin.Account.ID, a, "@alice two")
		all, _ := listNotifications(t, inst, alice.Token, "/api/v1/notifications")

		// A page holds limit groups; its cursors are the ids of the
		// notifications heading them.
		res, r := getGroups(t, inst, alice.Token, "/api/v2/notifications?limit=2")
		if got := groupSummary(res.Groups); got != "mention×1,mention×1" {
			t.Fatalf("page 1 = %s", got)
		}
		next := linkRel(t, r.Header.Get("Link"), "next", inst.URL)
		if next != "/api/v2/notifications?limit=2&max_id="+all[1].ID {
			t.Fatalf("next = %q", next)
		}
		res, r = getGroups(t, inst, alice.Token, next)
		if got := groupSummary(res.Groups); got != "favourite×3" {
			t.Fatalf("page 2 = %s", got)
		}
		// The last, short page spans down to the oldest notification.
		if g := res.Groups[0]; *g.PageMinID != all[4].ID || *g.PageMaxID != all[2].ID {
			t.Errorf("page 2 bounds = %s..%s, want %s..%s", *g.PageMinID, *g.PageMaxID, all[4].ID, all[2].ID)
		}
		prev := linkRel(t, r.Header.Get("Link"), "prev", inst.URL)
		res, _ = getGroups(t, inst, alice.Token, prev)
		if got := groupSummary(res.Groups); got != "mention×1,mention×1" {
			t.Errorf("prev page = %s", got)
		}
		// Paging below the newest favourite: the group is met again, counted
		// up to the top of that page, as Mastodon's groups span pages.
		res, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications?max_id="+all[2].ID)
		if got := groupSummary(res.Groups); got != "favourite×2" {
			t.Errorf("below the newest favourite = %s", got)
		}
		// min_id pages up from the oldest: the group is headed by its oldest
		// notification above min_id.
		res, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications?limit=2&min_id="+all[4].ID)
		if got := groupSummary(res.Groups); got != "mention×1,favourite×3" || res.Groups[1].MostRecentID != mustID(t, all[2].ID) {
			t.Errorf("min_id page = %s %+v", got, res.Groups)
		}
	})
}

func TestNotificationGroupShowDismissAccounts(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, erin := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"), inst.NewUser(t, "erin")
		a := alice.Account.ID
		st := seedStatus(t, inst, a, "hello", model.Public)
		seedFavourite(t, inst, bob.Account.ID, st)
		seedFavourite(t, inst, carol.Account.ID, st)
		seedMention(t, inst, erin.Account.ID, a, "@alice one")
		res, _ := getGroups(t, inst, alice.Token, "/api/v2/notifications")
		fav, mention := res.Groups[1], res.Groups[0]

		one, r := getGroups(t, inst, alice.Token, "/api/v2/notifications/"+fav.GroupKey)
		if len(one.Groups) != 1 || one.Groups[0].Count != 2 || one.Groups[0].PageMinID != nil || len(one.Statuses) != 1 {
			t.Errorf("show = %s", r.Body)
		}
		one, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications/"+mention.GroupKey)
		if len(one.Groups) != 1 || one.Groups[0].Type != "mention" {
			t.Errorf("show ungrouped = %+v", one.Groups)
		}
		inst.Expect(t, 404, "GET", "/api/v2/notifications/favourite-1-1", alice.Token, nil)
		inst.Expect(t, 404, "GET", "/api/v2/notifications/"+fav.GroupKey, bob.Token, nil)

		r = inst.Expect(t, 200, "GET", "/api/v2/notifications/"+fav.GroupKey+"/accounts", alice.Token, nil)
		apischema.MustMatchArray(t, "Account", r.Body)
		if got := strings.Join(accountIDs(t, r.Body), ","); got != joinIDs(carol.Account.ID, bob.Account.ID) {
			t.Errorf("group accounts = %s", got)
		}
		r = inst.Expect(t, 200, "GET", "/api/v2/notifications/"+fav.GroupKey+"/accounts?limit=1", alice.Token, nil)
		if next := linkRel(t, r.Header.Get("Link"), "next", inst.URL); !strings.Contains(next, "max_id=") {
			t.Errorf("accounts Link = %q", r.Header.Get("Link"))
		}

		if got := string(inst.Expect(t, 200, "GET", "/api/v2/notifications/unread_count", alice.Token, nil).Body); got != `{"count":2}`+"\n" {
			t.Errorf("v2 unread_count = %s", got)
		}
		inst.Expect(t, 200, "POST", "/api/v2/notifications/"+fav.GroupKey+"/dismiss", alice.Token, nil)
		res, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications")
		if got := groupSummary(res.Groups); got != "mention×1" {
			t.Errorf("after dismissing the group: %s", got)
		}
		inst.Expect(t, 200, "POST", "/api/v2/notifications/"+mention.GroupKey+"/dismiss", alice.Token, nil)
		res, _ = getGroups(t, inst, alice.Token, "/api/v2/notifications")
		if len(res.Groups) != 0 || string(mustJSON(t, res.Groups)) != "[]" {
			t.Errorf("after dismissing all: %+v", res.Groups)
		}
	})
}

// TestGroupKeysFollowMastodonBuckets checks Mastodon 4.3's rule: a group
// stays open for 12 hours from the hour it started.
func TestGroupKeysFollowMastodonBuckets(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		a := alice.Account.ID
		recent := seedStatus(t, inst, a, "recent", model.Public)
		old := seedStatus(t, inst, a, "old", model.Public)
		hour := time.Now().Unix() / 3600
		plant := func(st *model.Status, ago time.Duration) string {
			at := time.Now().Add(-ago)
			key := fmt.Sprintf("favourite-%d-%d", st.ID, at.Unix()/3600)
			exec(t, inst, `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, group_key, created_at)
				VALUES ($1, $2, $3, 'favourite', $4, $5, $6)`, ids.New(), a, bob.Account.ID, st.ID, key, at.UnixMilli())
			return key
		}
		openKey := plant(recent, 5*time.Hour)
		plant(old, 13*time.Hour)
		seedFavourite(t, inst, carol.Account.ID, recent)
		seedFavourite(t, inst, carol.Account.ID, old)
		list, _ := listNotifications(t, inst, alice.Token, "/api/v1/notifications?types[]=favourite")
		if len(list) != 4 {
			t.Fatalf("favourites = %s", summary(list))
		}
		if list[1].GroupKey != openKey {
			t.Errorf("a favourite 5 hours into a group joins it: %s, want %s", list[1].GroupKey, openKey)
		}
		if want := fmt.Sprintf("favourite-%d-%d", old.ID, hour); list[0].GroupKey != want {
			t.Errorf("a favourite after 12 hours starts a new group: %s, want %s", list[0].GroupKey, want)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReblogNotificationsShowTheBoostedStatus: whether notify is handed the
// boost or the boosted status, the notification shows (and groups by) the
// boosted one, as Mastodon's target_status does.
func TestReblogNotificationsShowTheBoostedStatus(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		a := alice.Account.ID
		st := seedStatus(t, inst, a, "boost me", model.Public)
		boost := &model.Status{ID: ids.New(), AccountID: bob.Account.ID, Local: true, Visibility: model.Public,
			ReblogOfID: st.ID, ConversationID: st.ConversationID, CreatedAt: time.Now()}
		exec(t, inst, `INSERT INTO statuses (id, account_id, visibility, reblog_of_id, conversation_id, created_at)
			VALUES ($1, $2, 'public', $3, $4, $5)`, boost.ID, boost.AccountID, st.ID, st.ConversationID, boost.CreatedAt.UnixMilli())
		notifyOf(t, inst, a, bob.Account.ID, model.NotifyReblog, boost.ID)
		notifyOf(t, inst, a, carol.Account.ID, model.NotifyReblog, st.ID)

		list, r := listNotifications(t, inst, alice.Token, "/api/v1/notifications")
		apischema.MustMatchArray(t, "Notification", r.Body)
		if len(list) != 2 || list[0].Status == nil || list[1].Status == nil ||
			list[0].Status.ID != itoa(st.ID) || list[1].Status.ID != itoa(st.ID) {
			t.Fatalf("reblog notifications = %s", r.Body)
		}
		if list[0].GroupKey != list[1].GroupKey || !strings.HasPrefix(list[0].GroupKey, fmt.Sprintf("reblog-%d-", st.ID)) {
			t.Errorf("group keys = %s, %s", list[0].GroupKey, list[1].GroupKey)
		}
		res, _ := getGroups(t, inst, alice.Token, "/api/v2/notifications")
		if got := groupSummary(res.Groups); got != "reblog×2" || *res.Groups[0].StatusID != itoa(st.ID) || len(res.Statuses) != 1 {
			t.Errorf("grouped = %s %+v", got, res.Groups)
		}
	})
}
