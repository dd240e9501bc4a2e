package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/model"
	"herd/internal/testrig"
)

func TestNotificationsListAndFilters(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, dave := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"), inst.NewUser(t, "dave")
		a, b, c, d := alice.Account.ID, bob.Account.ID, carol.Account.ID, dave.Account.ID
		st := seedStatus(t, inst, a, "hello", model.Public)
		seedFavourite(t, inst, b, st)
		mention := seedMention(t, inst, c, a, "@alice hi")
		act(t, inst, dave.Token, "follow", a, nil)

		ctx := context.Background()
		list, err := inst.Client(alice.Token).GetNotifications(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].Type != "follow" || list[1].Type != "mention" || list[2].Type != "favourite" {
			t.Fatalf("notifications = %+v", list)
		}
		if string(list[0].Account.ID) != itoa(d) || list[0].Status != nil {
			t.Errorf("follow = %+v", list[0])
		}
		if string(list[1].Account.ID) != itoa(c) || list[1].Status == nil || string(list[1].Status.ID) != itoa(mention.ID) {
			t.Errorf("mention = %+v", list[1])
		}
		if list[2].Status == nil || string(list[2].Status.ID) != itoa(st.ID) {
			t.Errorf("favourite = %+v", list[2])
		}

		r := inst.Expect(t, 200, "GET", "/api/v1/notifications", alice.Token, nil)
		apischema.MustMatchArray(t, "Notification", r.Body)

		for _, tc := range []struct{ query, want string }{
			{"types[]=mention", fmt.Sprintf("mention:%d", c)},
			{"types[]=mention&types[]=favourite", fmt.Sprintf("mention:%d,favourite:%d", c, b)},
			{"exclude_types[]=follow&exclude_types[]=favourite", fmt.Sprintf("mention:%d", c)},
			{"types[]=mention&types[]=nonsense", fmt.Sprintf("mention:%d", c)},
			{"types[]=nonsense", ""},
			{fmt.Sprintf("account_id=%d", b), fmt.Sprintf("favourite:%d", b)},
		} {
			got, _ := listNotifications(t, inst, alice.Token, "/api/v1/notifications?"+tc.query)
			if summary(got) != tc.want {
				t.Errorf("%s: got %s, want %s", tc.query, summary(got), tc.want)
			}
		}

		// Others' notifications are not found; scopes are enforced.
		inst.Expect(t, 404, "GET", "/api/v1/notifications/"+string(list[0].ID), bob.Token, nil)
		inst.Expect(t, 403, "GET", "/api/v1/notifications", inst.Token(t, a, "read:statuses"), nil)
		inst.Expect(t, 200, "GET", "/api/v1/notifications", inst.Token(t, a, "read:notifications"), nil)
		inst.Expect(t, 403, "POST", "/api/v1/notifications/clear", inst.Token(t, a, "read"), nil)
		inst.Expect(t, 401, "GET", "/api/v1/notifications", "", nil)

		one, err := inst.Client(alice.Token).GetNotification(ctx, list[1].ID)
		if err != nil || one.Type != "mention" {
			t.Fatalf("get one = %+v, %v", one, err)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/notifications/"+string(list[1].ID), alice.Token, nil)
		apischema.MustMatch(t, "Notification", r.Body)
	})
}

func TestNotificationsPaging(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		var want []string
		for i := 0; i < 5; i++ {
			seedMention(t, inst, bob.Account.ID, alice.Account.ID, fmt.Sprintf("@alice %d", i))
		}
		all, _ := listNotifications(t, inst, alice.Token, "/api/v1/notifications")
		for _, n := range all {
			want = append(want, n.ID)
		}
		if len(want) != 5 {
			t.Fatalf("got %d notifications", len(want))
		}
		page, r := listNotifications(t, inst, alice.Token, "/api/v1/notifications?limit=2&types[]=mention")
		if len(page) != 2 || page[0].ID != want[0] || page[1].ID != want[1] {
			t.Fatalf("first page = %v", page)
		}
		next := linkRel(t, r.Header.Get("Link"), "next", inst.URL)
		if next != "/api/v1/notifications?limit=2&max_id="+want[1]+"&types%5B%5D=mention" {
			t.Fatalf("next link = %q (Link: %s)", next, r.Header.Get("Link"))
		}
		page, r = listNotifications(t, inst, alice.Token, next)
		if len(page) != 2 || page[0].ID != want[2] || page[1].ID != want[3] {
			t.Fatalf("second page = %v", page)
		}
		prev := linkRel(t, r.Header.Get("Link"), "prev", inst.URL)
		page, _ = listNotifications(t, inst, alice.Token, prev)
		if len(page) != 2 || page[0].ID != want[0] || page[1].ID != want[1] {
			t.Fatalf("prev page = %v", page)
		}
		page, _ = listNotifications(t, inst, alice.Token, "/api/v1/notifications?since_id="+want[2])
		if len(page) != 2 || page[0].ID != want[0] {
			t.Fatalf("since_id page = %v", page)
		}
		// go-mastodon follows the same cursors.
		pg := &mastodon.Pagination{Limit: 4}
		got, err := inst.Client(alice.Token).GetNotifications(context.Background(), pg)
		if err != nil || len(got) != 4 || string(pg.MaxID) != want[3] {
			t.Fatalf("client page = %d, max_id %s, %v", len(got), pg.MaxID, err)
		}
	})
}

func TestNotificationsDismissAndClear(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		for i := 0; i < 3; i++ {
			seedMention(t, inst, bob.Account.ID, alice.Account.ID, fmt.Sprintf("@alice %d", i))
		}
		ctx := context.Background()
		c := inst.Client(alice.Token)
		list, _ := c.GetNotifications(ctx, nil)
		if err := c.DismissNotification(ctx, list[0].ID); err != nil {
			t.Fatal(err)
		}
		inst.Expect(t, 404, "GET", "/api/v1/notifications/"+string(list[0].ID), alice.Token, nil)
		inst.Expect(t, 404, "POST", "/api/v1/notifications/"+string(list[0].ID)+"/dismiss", alice.Token, nil)
		// Bob cannot dismiss Alice's notification.
		inst.Expect(t, 404, "POST", "/api/v1/notifications/"+string(list[1].ID)+"/dismiss", bob.Token, nil)
		if rest, _ := c.GetNotifications(ctx, nil); len(rest) != 2 {
			t.Fatalf("after dismiss: %d", len(rest))
		}
		r := inst.Expect(t, 200, "POST", "/api/v1/notifications/clear", alice.Token, nil)
		if string(r.Body) != "{}\n" {
			t.Errorf("clear answered %s", r.Body)
		}
		if rest, _ := c.GetNotifications(ctx, nil); len(rest) != 0 {
			t.Fatalf("after clear: %d", len(rest))
		}
	})
}

func TestNotificationsHideBlockedAndMutedSenders(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, dave := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"), inst.NewUser(t, "dave")
		a := alice.Account.ID
		st := seedStatus(t, inst, a, "hello", model.Public)
		seedFavourite(t, inst, bob.Account.ID, st)
		seedMention(t, inst, carol.Account.ID, a, "@alice hi")
		seedMention(t, inst, dave.Account.ID, a, "@alice hey")
		got, _ := listNotifications(t, inst, alice.Token, "/api/v1/notifications")
		if len(got) != 3 {
			t.Fatalf("before: %s", summary(got))
		}
		act(t, inst, alice.Token, "block", bob.Account.ID, nil)
		act(t, inst, alice.Token, "mute", carol.Account.ID, map[string]any{"notifications": true})
		// A mute that keeps notifications keeps them shown.
		act(t, inst, alice.Token, "mute", dave.Account.ID, map[string]any{"notifications": false})
		got, _ = listNotifications(t, inst, alice.Token, "/api/v1/notifications")
		if summary(got) != fmt.Sprintf("mention:%d", dave.Account.ID) {
			t.Fatalf("after block and mute: %s", summary(got))
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/notifications/unread_count", alice.Token, nil)
		if string(r.Body) != `{"count":1}`+"\n" {
			t.Errorf("unread_count = %s", r.Body)
		}
		// A status the recipient can no longer see takes its notification away.
		private := seedStatus(t, inst, dave.Account.ID, "followers only", model.Private)
		notifyOf(t, inst, a, dave.Account.ID, model.NotifyStatus, private.ID)
		got, _ = listNotifications(t, inst, alice.Token, "/api/v1/notifications")
		if len(got) != 1 {
			t.Fatalf("an invisible status's notification is shown: %s", summary(got))
		}
	})
}

func TestNotificationsUnreadCount(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		st := seedStatus(t, inst, alice.Account.ID, "hello", model.Public)
		seedFavourite(t, inst, bob.Account.ID, st)
		for i := 0; i < 3; i++ {
			seedMention(t, inst, bob.Account.ID, alice.Account.ID, fmt.Sprintf("@alice %d", i))
		}
		count := func(path string) string {
			return string(inst.Expect(t, 200, "GET", path, alice.Token, nil).Body)
		}
		if got := count("/api/v1/notifications/unread_count"); got != `{"count":4}`+"\n" {
			t.Fatalf("unread = %s", got)
		}
		list, _ := listNotifications(t, inst, alice.Token, "/api/v1/notifications")
		inst.Expect(t, 200, "POST", "/api/v1/markers", alice.Token, map[string]any{
			"notifications": map[string]string{"last_read_id": list[2].ID}})
		for path, want := range map[string]string{
			"/api/v1/notifications/unread_count":                     `{"count":2}`,
			"/api/v1/notifications/unread_count?limit=1":             `{"count":1}`,
			"/api/v1/notifications/unread_count?types[]=favourite":   `{"count":0}`,
			"/api/v1/notifications/unread_count?exclude_types[]=fav": `{"count":2}`,
		} {
			if got := count(path); got != want+"\n" {
				t.Errorf("%s = %s, want %s", path, got, want)
			}
		}
	})
}
