package lists_test

import (
	"context"
	"errors"
	"testing"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/core/lists"
	"herd/internal/core/social"
	"herd/internal/model"
	"herd/internal/testrig"
)

func viewers(t *testing.T, inst *testrig.Instance, names ...string) []*model.Viewer {
	t.Helper()
	out := make([]*model.Viewer, len(names))
	for i, name := range names {
		v, err := inst.Core.Accounts.Authenticate(context.Background(), inst.NewUser(t, name).Token)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = v
	}
	return out
}

func status(err error) int {
	if e, ok := fault.As(err); ok {
		return e.Status
	}
	return 0
}

// TestListRules: who may be in a list, whose list is whose, and that a
// refused change writes nothing.
func TestListRules(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		vs := viewers(t, inst, "alice", "bob", "carol")
		alice, bob, carol := vs[0], vs[1], vs[2]
		ls := inst.Core.Lists
		title := "friends"
		l, err := ls.Create(ctx, alice, lists.Input{Title: &title})
		if err != nil || l.RepliesPolicy != model.RepliesList || l.Exclusive {
			t.Fatalf("create = %+v, %v", l, err)
		}
		if _, err := inst.Core.Social.Follow(ctx, alice, bob.AccountID(), social.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		err = ls.AddAccounts(ctx, alice, l.ID, []int64{bob.AccountID(), carol.AccountID()})
		if status(err) != 422 {
			t.Fatalf("adding an account not followed = %v, want 422", err)
		}
		if got, _ := ls.Accounts(ctx, alice, l.ID, model.Page{}, true); len(got) != 0 {
			t.Fatalf("a refused add left %d members", len(got))
		}
		if err := ls.AddAccounts(ctx, alice, l.ID, []int64{bob.AccountID(), alice.AccountID()}); err != nil {
			t.Fatal(err)
		}
		if _, err := ls.List(ctx, bob, l.ID); !errors.Is(err, fault.ErrRecordNotFound) {
			t.Errorf("bob reading alice's list = %v, want Record not found", err)
		}
		if err := ls.AddAccounts(ctx, bob, l.ID, []int64{bob.AccountID()}); !errors.Is(err, fault.ErrRecordNotFound) {
			t.Errorf("bob adding to alice's list = %v, want Record not found", err)
		}
		if owner, err := ls.Owner(ctx, l.ID); err != nil || owner != alice.AccountID() {
			t.Errorf("owner = %d, %v", owner, err)
		}
		bad := "everyone"
		if _, err := ls.Update(ctx, alice, l.ID, lists.Input{RepliesPolicy: &bad}); status(err) != 422 {
			t.Errorf("bad replies policy = %v, want 422", err)
		}

		// A member's post reaches the list through fan-out once alice is
		// active (reading the list marks her so).
		if _, err := ls.Timeline(ctx, alice, l.ID, model.Page{Limit: 20}); err != nil {
			t.Fatal(err)
		}
		st, err := inst.Core.PostStatus(ctx, bob, core.NewStatus{Text: "hello list"})
		if err != nil {
			t.Fatal(err)
		}
		inst.WaitJobs(t)
		page, err := ls.Timeline(ctx, alice, l.ID, model.Page{Limit: 20})
		if err != nil || len(page.Statuses) == 0 || page.Statuses[0].Status.ID != st.ID {
			t.Fatalf("list timeline = %+v, %v; want %d first", page, err, st.ID)
		}
		if err := ls.Delete(ctx, alice, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ls.List(ctx, alice, l.ID); !errors.Is(err, fault.ErrRecordNotFound) {
			t.Errorf("deleted list = %v", err)
		}
	})
}
