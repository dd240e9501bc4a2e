package api_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/core/accounts"
	"herd/internal/testrig"
)

func TestGetAccounts(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()

		acct, err := inst.Client("").GetAccount(ctx, mastodon.ID(itoa(alice.Account.ID)))
		if err != nil || acct.Username != "alice" || acct.Acct != "alice" {
			t.Fatalf("GetAccount = %+v (%v)", acct, err)
		}
		r := inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts/%d", alice.Account.ID), bob.Token, nil)
		apischema.MustMatch(t, "Account", r.Body)
		inst.Expect(t, 404, "GET", "/api/v1/accounts/12345", "", nil)
		inst.Expect(t, 404, "GET", "/api/v1/accounts/not-an-id", "", nil)

		// Suspended accounts answer with suspended: true and nothing else.
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", bob.Token, map[string]any{"display_name": "Bob"})
		if err := inst.Core.Accounts.SuspendAccount(ctx, bob.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		r = inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts/%d", bob.Account.ID), "", nil)
		apischema.MustMatch(t, "Account", r.Body)
		var sus struct {
			Suspended   bool   `json:"suspended"`
			DisplayName string `json:"display_name"`
		}
		r.JSON(t, &sus)
		if !sus.Suspended || sus.DisplayName != "" {
			t.Errorf("suspended account = %s", r.Body)
		}

		// Accounts pending approval do not exist for others.
		pending, _, err := inst.Core.Accounts.CreateAccount(ctx, accounts.NewAccount{Username: "pending", Email: "p@example.com",
			Password: testrig.Password()})
		if err != nil {
			t.Fatal(err)
		}
		inst.Expect(t, 404, "GET", fmt.Sprintf("/api/v1/accounts/%d", pending.ID), "", nil)
		inst.Expect(t, 404, "GET", "/api/v1/accounts/lookup?acct=pending", "", nil)
		inst.Expect(t, 404, "POST", fmt.Sprintf("/api/v1/accounts/%d/follow", pending.ID), alice.Token, nil)

		// Many at once: in the order asked, unknown and pending ones left out.
		r = inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts?id[]=%d&id[]=999&id[]=%d&id[]=%d",
			bob.Account.ID, pending.ID, alice.Account.ID), "", nil)
		apischema.MustMatchArray(t, "Account", r.Body)
		if ids := accountIDs(t, r.Body); !slices.Equal(ids, []string{itoa(bob.Account.ID), itoa(alice.Account.ID)}) {
			t.Errorf("accounts?id[] = %v", ids)
		}
	})
}

func TestLookupAccount(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		found, err := inst.Client("").AccountLookup(context.Background(), "alice")
		if err != nil || string(found.ID) != itoa(alice.Account.ID) {
			t.Fatalf("AccountLookup = %+v (%v)", found, err)
		}
		for _, acct := range []string{"ALICE", "@alice", "alice@" + inst.Domain} {
			r := inst.Expect(t, 200, "GET", "/api/v1/accounts/lookup?acct="+acct, "", nil)
			apischema.MustMatch(t, "Account", r.Body)
		}
		for _, acct := range []string{"nobody", "alice@elsewhere.example", ""} {
			inst.Expect(t, 404, "GET", "/api/v1/accounts/lookup?acct="+acct, "", nil)
		}
	})
}

func TestSearchAccounts(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		me := inst.NewUser(t, "me")
		alice, alicia, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "alicia"), inst.NewUser(t, "bob")
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", bob.Token, map[string]any{"display_name": "Bob Malice"})
		act(t, inst, me.Token, "follow", alicia.Account.ID, nil)
		act(t, inst, alicia.Token, "follow", alice.Account.ID, nil)

		found, err := inst.Client(me.Token).AccountsSearch(context.Background(), "alice", 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range found {
			got = append(got, a.Username)
		}
		// The exact username first, then other matches (display names too).
		if len(got) != 2 || got[0] != "alice" || !slices.Contains(got, "bob") {
			t.Errorf("search alice = %v", got)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/accounts/search?q=ali&following=true", me.Token, nil)
		apischema.MustMatchArray(t, "Account", r.Body)
		if ids := accountIDs(t, r.Body); !slices.Equal(ids, []string{itoa(alicia.Account.ID)}) {
			t.Errorf("following=true search = %v", ids)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/accounts/search?q=@alice@"+inst.Domain+"&limit=1", me.Token, nil)
		if ids := accountIDs(t, r.Body); !slices.Equal(ids, []string{itoa(alice.Account.ID)}) {
			t.Errorf("search by local address = %v", ids)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/accounts/search?q=ali&limit=1&offset=1", me.Token, nil)
		if ids := accountIDs(t, r.Body); len(ids) != 1 {
			t.Errorf("offset page = %v", ids)
		}
		for _, q := range []string{"", "alice@elsewhere.example"} {
			if ids := accountIDs(t, inst.Expect(t, 200, "GET", "/api/v1/accounts/search?q="+q, me.Token, nil).Body); len(ids) != 0 {
				t.Errorf("search %q = %v", q, ids)
			}
		}
		inst.Expect(t, 401, "GET", "/api/v1/accounts/search?q=ali", "", nil)
	})
}
