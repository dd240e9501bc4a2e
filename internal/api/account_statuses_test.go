package api_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

// seedAccountStatus stores a status as given (posting is another area's
// endpoint), filling in id, time and thread.
func seedAccountStatus(t *testing.T, inst *testrig.Instance, st *model.Status) *model.Status {
	t.Helper()
	st.ID, st.Local, st.CreatedAt = ids.New(), true, time.Now()
	if st.ConversationID == 0 {
		st.ConversationID = st.ID
	}
	if st.Content == "" {
		st.Content = "<p>" + st.Text + "</p>"
	}
	err := inst.Store.InTx(context.Background(), func(tx *store.Store) error { return tx.InsertStatus(context.Background(), st) })
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAccountStatuses(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		b := bob.Account.ID
		aliceSays := seedAccountStatus(t, inst, &model.Status{AccountID: alice.Account.ID, Text: "hello", Visibility: model.Public})
		public := seedAccountStatus(t, inst, &model.Status{AccountID: b, Text: "public #news", Visibility: model.Public})
		private := seedAccountStatus(t, inst, &model.Status{AccountID: b, Text: "friends only", Visibility: model.Private})
		reply := seedAccountStatus(t, inst, &model.Status{AccountID: b, Text: "@alice hi", Visibility: model.Public,
			InReplyToID: aliceSays.ID, InReplyToAccountID: alice.Account.ID, ConversationID: aliceSays.ID})
		boost := seedAccountStatus(t, inst, &model.Status{AccountID: b, Visibility: model.Public, ReblogOfID: aliceSays.ID})
		exec := func(q string, args ...any) {
			if _, err := inst.Store.DB.Write.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		tagID := ids.New()
		exec("INSERT INTO tags (id, name, name_lower, created_at) VALUES ($1, 'news', 'news', $2)", tagID, time.Now().UnixMilli())
		exec("INSERT INTO status_tags (status_id, tag_id) VALUES ($1, $2)", public.ID, tagID)
		exec("INSERT INTO pins (id, account_id, status_id) VALUES ($1, $2, $3)", ids.New(), b, public.ID)

		path := fmt.Sprintf("/api/v1/accounts/%d/statuses", b)
		list := func(token, query string) []string {
			t.Helper()
			r := inst.Expect(t, 200, "GET", path+query, token, nil)
			apischema.MustMatchArray(t, "Status", r.Body)
			return accountIDs(t, r.Body)
		}
		s := func(sts ...*model.Status) []string {
			out := make([]string, len(sts))
			for i, st := range sts {
				out[i] = itoa(st.ID)
			}
			return out
		}
		if got := list("", ""); !slices.Equal(got, s(boost, reply, public)) {
			t.Errorf("anonymous sees %v, want %v", got, s(boost, reply, public))
		}
		act(t, inst, alice.Token, "follow", b, nil)
		if got := list(alice.Token, ""); !slices.Equal(got, s(boost, reply, private, public)) {
			t.Errorf("a follower sees %v", got)
		}
		if got := list(alice.Token, "?exclude_replies=true&exclude_reblogs=true"); !slices.Equal(got, s(private, public)) {
			t.Errorf("without replies and boosts: %v", got)
		}
		if got := list("", "?tagged=news"); !slices.Equal(got, s(public)) {
			t.Errorf("tagged=news: %v", got)
		}
		if got := list("", "?pinned=true"); !slices.Equal(got, s(public)) {
			t.Errorf("pinned: %v", got)
		}

		r := inst.Expect(t, 200, "GET", path+"?limit=2", "", nil)
		next := linkRel(t, r.Header.Get("Link"), "next", inst.URL)
		if next == "" {
			t.Fatalf("no next link: %q", r.Header.Get("Link"))
		}
		if got := accountIDs(t, inst.Expect(t, 200, "GET", next, "", nil).Body); !slices.Equal(got, s(public)) {
			t.Errorf("second page = %v", got)
		}

		sts, err := inst.Client(alice.Token).GetAccountStatuses(ctx, mastodon.ID(itoa(b)), nil)
		if err != nil || len(sts) != 4 {
			t.Errorf("GetAccountStatuses = %d statuses (%v)", len(sts), err)
		}
		act(t, inst, bob.Token, "block", alice.Account.ID, nil)
		if got := list(alice.Token, ""); len(got) != 0 {
			t.Errorf("blocked viewer sees %v", got)
		}
		inst.Expect(t, 404, "GET", "/api/v1/accounts/4242/statuses", "", nil)
	})
}
