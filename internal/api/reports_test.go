package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestReports: a user reports an account and some of its statuses, with
// a category and rules; the answer is Mastodon's Report, and moderators
// find it in core.Reports. Statuses of another account, unknown accounts
// and rules, long comments and unknown categories are refused as Mastodon
// refuses them.
func TestReports(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		ctx := context.Background()
		rule, err := inst.Core.Instance.AddInstanceRule(ctx, "No spam", "")
		if err != nil {
			t.Fatal(err)
		}
		bad := post(t, inst, bob, mastodon.Toot{Status: "buy now"})
		carols := post(t, inst, carol, mastodon.Toot{Status: "innocent"})
		bobID := mastodon.ID(itoa(bob.Account.ID))

		// Through a Mastodon client library: the category defaults to other.
		rep, err := inst.Client(alice.Token).Report(ctx, bobID, []mastodon.ID{bad.ID}, "spam, clearly")
		if err != nil || rep.ID == "" || rep.ActionTaken {
			t.Fatalf("report = %+v, %v", rep, err)
		}

		r := inst.Expect(t, 200, "POST", "/api/v1/reports", alice.Token, url.Values{
			"account_id": {string(bobID)}, "status_ids[]": {string(bad.ID)}, "rule_ids[]": {itoa(rule.ID)},
			"comment": {"again"}, "category": {"spam"}, "forward": {"true"}})
		apischema.MustMatch(t, "Report", r.Body)
		var got struct {
			Category, Comment string
			Forwarded         bool
			StatusIDs         []string            `json:"status_ids"`
			RuleIDs           []string            `json:"rule_ids"`
			TargetAccount     struct{ ID string } `json:"target_account"`
		}
		r.JSON(t, &got)
		// Citing rules makes it a violation; a local account is not forwarded.
		if got.Category != "violation" || got.Comment != "again" || got.Forwarded || got.TargetAccount.ID != string(bobID) ||
			len(got.StatusIDs) != 1 || got.StatusIDs[0] != string(bad.ID) || len(got.RuleIDs) != 1 || got.RuleIDs[0] != itoa(rule.ID) {
			t.Errorf("report = %s", r.Body)
		}

		list, err := inst.Core.Moderation.Reports(ctx, false, model.Page{Limit: 10})
		if err != nil || len(list) != 2 || list[0].Category != "violation" || list[1].Comment != "spam, clearly" ||
			list[1].AccountID != alice.Account.ID || list[1].TargetAccountID != bob.Account.ID {
			t.Errorf("open reports = %+v, %v", list, err)
		}

		for _, c := range []struct {
			status int
			form   url.Values
			want   string
		}{
			{404, url.Values{"account_id": {"12345"}}, "Record not found"},
			{404, url.Values{"account_id": {string(bobID)}, "status_ids[]": {string(carols.ID)}}, "Record not found"},
			{422, url.Values{"account_id": {string(bobID)}, "comment": {strings.Repeat("x", 1001)}}, "Comment is too long"},
			{422, url.Values{"account_id": {string(bobID)}, "category": {"boring"}}, "Category is not included"},
			{422, url.Values{"account_id": {string(bobID)}, "rule_ids[]": {"42"}}, "Rules are not"},
		} {
			r := inst.Expect(t, c.status, "POST", "/api/v1/reports", alice.Token, c.form)
			if !strings.Contains(string(r.Body), c.want) {
				t.Errorf("%v: %s", c.form, r.Body)
			}
		}
		inst.Expect(t, 401, "POST", "/api/v1/reports", "", url.Values{"account_id": {string(bobID)}})
		inst.Expect(t, 403, "POST", "/api/v1/reports", inst.Token(t, alice.Account.ID, "read"), url.Values{"account_id": {string(bobID)}})
		if list, _ := inst.Core.Moderation.Reports(ctx, true, model.Page{Limit: 10}); len(list) != 2 {
			t.Errorf("refused reports were stored: %d", len(list))
		}
	})
}
