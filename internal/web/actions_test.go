package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// fetch sends a form as actions.js does: marked, answered with JSON.
func (b *browser) fetch(path string, form url.Values) (int, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.inst.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Requested-With", "fetch")
	p := b.send(req)
	var out map[string]any
	if err := json.Unmarshal([]byte(p.Body), &out); err != nil && p.Body != "" {
		b.t.Fatalf("%s answered %d %q", path, p.Status, p.Body)
	}
	return p.Status, out
}

// TestStatusActions: favourite, boost and bookmark a post and take each
// back through the forms under it, landing back on the page at the post;
// the script's variant answers the new state as JSON; forms without the
// CSRF token change nothing.
func TestStatusActions(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		s := post(t, inst, bob, map[string]any{"status": "like me"})
		br := newBrowser(t, inst)
		br.signIn(alice)
		p := br.do(http.MethodGet, "/public/local", nil)
		tok := p.token()
		for _, want := range []string{`action="/statuses/` + s.ID + `/favourite"`, `action="/statuses/` + s.ID + `/reblog"`,
			`action="/statuses/` + s.ID + `/bookmark"`, `href="/accounts/` + ids.Format(bob.Account.ID) + `/report?status_id=` + s.ID + `"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("local timeline lacks %s", want)
			}
		}

		state := func() apiStatus { st, _ := getStatus(t, inst, alice, s.ID); return st }
		for _, step := range []struct {
			action string
			check  func(apiStatus) bool
		}{
			{"favourite", func(s apiStatus) bool { return s.Favourited && s.FavouritesCount == 1 }},
			{"reblog", func(s apiStatus) bool { return s.Reblogged }},
			{"bookmark", func(s apiStatus) bool { return s.Bookmarked }},
			{"unfavourite", func(s apiStatus) bool { return !s.Favourited && s.FavouritesCount == 0 }},
			{"unreblog", func(s apiStatus) bool { return !s.Reblogged }},
			{"unbookmark", func(s apiStatus) bool { return !s.Bookmarked }},
		} {
			p := br.do(http.MethodPost, "/statuses/"+s.ID+"/"+step.action, url.Values{"authenticity_token": {tok}, "return_to": {"/public/local"}})
			if p.Status != http.StatusOK || p.Path != "/public/local" {
				t.Fatalf("%s: %d at %s", step.action, p.Status, p.Path)
			}
			if !step.check(state()) {
				t.Errorf("after %s: %+v", step.action, state())
			}
		}
		// The page shows the state: a pressed favourite button that takes it back.
		br.do(http.MethodPost, "/statuses/"+s.ID+"/favourite", url.Values{"authenticity_token": {tok}})
		if p := br.do(http.MethodGet, "/public/local", nil); !strings.Contains(p.Body, `action="/statuses/`+s.ID+`/unfavourite"`) ||
			!strings.Contains(p.Body, `aria-label="Favourite" aria-pressed="true"`) {
			t.Errorf("favourited post's button: %s", p.Body)
		}

		// The script's variant.
		code, out := br.fetch("/statuses/"+s.ID+"/reblog", url.Values{"authenticity_token": {tok}})
		if code != http.StatusOK || out["id"] != s.ID || out["reblogged"] != true || out["reblogs_count"] != 1.0 || out["favourited"] != true {
			t.Errorf("fetch reblog: %d %v", code, out)
		}
		code, out = br.fetch("/statuses/"+s.ID+"/unfavourite", url.Values{"authenticity_token": {tok}})
		if code != http.StatusOK || out["favourited"] != false || out["favourites_count"] != 0.0 {
			t.Errorf("fetch unfavourite: %d %v", code, out)
		}
		if code, out := br.fetch("/statuses/"+s.ID+"/favourite", url.Values{}); code != http.StatusForbidden || out["error"] == nil {
			t.Errorf("fetch without token: %d %v", code, out)
		}
		if code, _ := br.fetch("/statuses/1/favourite", url.Values{"authenticity_token": {tok}}); code != http.StatusNotFound {
			t.Errorf("fetch on a missing status: %d", code)
		}

		// Forged forms change nothing.
		if p := br.do(http.MethodPost, "/statuses/"+s.ID+"/bookmark", url.Values{"authenticity_token": {"forged"}}); p.Status != http.StatusForbidden {
			t.Errorf("forged bookmark: %d", p.Status)
		}
		if state().Bookmarked {
			t.Error("forged form bookmarked")
		}
		if p := br.do(http.MethodPost, "/statuses/"+s.ID+"/explode", url.Values{"authenticity_token": {tok}}); p.Status != http.StatusNotFound {
			t.Errorf("unknown action: %d", p.Status)
		}

		// Visitors are sent to sign in.
		anon := newBrowser(t, inst)
		if p := anon.do(http.MethodPost, "/statuses/"+s.ID+"/favourite", url.Values{}); !strings.HasPrefix(p.Path, "/auth/sign_in") {
			t.Errorf("visitor's favourite led to %s", p.Path)
		}
	})
}

// TestAccountActions: following a locked account asks it, and its owner
// accepts from the notifications page; block and mute are confirmed on a
// page first; the script's follow answers the relationship.
func TestAccountActions(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		carol := inst.NewUser(t, "carol")
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", bob.Token, url.Values{"locked": {"true"}})
		bobID, carolID := ids.Format(bob.Account.ID), ids.Format(carol.Account.ID)
		rel := func(id string) map[string]any {
			var list []map[string]any
			inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/relationships?id[]="+id, alice.Token, nil).JSON(t, &list)
			return list[0]
		}
		br := newBrowser(t, inst)
		br.signIn(alice)
		p := br.do(http.MethodGet, "/@bob", nil)
		p = br.do(http.MethodPost, "/accounts/"+bobID+"/follow", url.Values{"authenticity_token": {p.token()}, "return_to": {"/@bob"}})
		if p.Status != http.StatusOK || p.Path != "/@bob" {
			t.Fatalf("follow: %d at %s", p.Status, p.Path)
		}
		if r := rel(bobID); r["requested"] != true || r["following"] != false {
			t.Fatalf("follow of a locked account: %v", r)
		}
		tok := p.token()

		// bob accepts on his notifications page.
		bb := newBrowser(t, inst)
		bb.signIn(bob)
		n := bb.do(http.MethodGet, "/notifications", nil)
		aliceID := ids.Format(alice.Account.ID)
		if !strings.Contains(n.Body, `action="/follow_requests/`+aliceID+`/authorize"`) {
			t.Fatalf("notifications lack the follow request: %s", n.Body)
		}
		n = bb.do(http.MethodPost, "/follow_requests/"+aliceID+"/authorize", url.Values{"authenticity_token": {n.token()}})
		if n.Status != http.StatusOK || n.Path != "/notifications" || strings.Contains(n.Body, `/follow_requests/`+aliceID+`/authorize"`) {
			t.Errorf("after accepting: %d at %s", n.Status, n.Path)
		}
		if r := rel(bobID); r["following"] != true {
			t.Errorf("accepted follow: %v", r)
		}

		// The script's follow of an unlocked account.
		code, out := br.fetch("/accounts/"+carolID+"/follow", url.Values{"authenticity_token": {tok}})
		if code != http.StatusOK || out["following"] != true || out["id"] != carolID {
			t.Errorf("fetch follow: %d %v", code, out)
		}
		code, out = br.fetch("/accounts/"+carolID+"/unfollow", url.Values{"authenticity_token": {tok}})
		if code != http.StatusOK || out["following"] != false {
			t.Errorf("fetch unfollow: %d %v", code, out)
		}

		// Mute and block, each asked first.
		for _, action := range []string{"mute", "block"} {
			p := br.do(http.MethodGet, "/accounts/"+carolID+"/"+action, nil)
			if p.Status != http.StatusOK || !strings.Contains(p.Body, "@carol@") || !strings.Contains(p.Body, `action="/accounts/`+carolID+`/`+action+`"`) {
				t.Fatalf("%s page: %d %s", action, p.Status, p.Body)
			}
			if q := br.do(http.MethodPost, "/accounts/"+carolID+"/"+action, url.Values{}); q.Status != http.StatusForbidden {
				t.Errorf("%s without the token: %d", action, q.Status)
			}
			f := p.form()
			f.Set("return_to", "/public/local")
			if p := br.do(http.MethodPost, "/accounts/"+carolID+"/"+action, f); p.Path != "/public/local" {
				t.Errorf("%s led to %s", action, p.Path)
			}
		}
		if r := rel(carolID); r["muting"] != true || r["blocking"] != true {
			t.Errorf("after mute and block: %v", r)
		}
		for _, action := range []string{"unmute", "unblock"} {
			br.do(http.MethodPost, "/accounts/"+carolID+"/"+action, url.Values{"authenticity_token": {tok}})
		}
		if r := rel(carolID); r["muting"] != false || r["blocking"] != false {
			t.Errorf("after unmute and unblock: %v", r)
		}
	})
}

// TestReportPage: a user reports a post from its menu: the form offers
// the account's posts (that one checked), the categories and the rules;
// sent, the moderators find it and the user is thanked. A comment too
// long comes back with the form, and a forged form reports nothing.
func TestReportPage(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		rule, err := inst.Core.Instance.AddInstanceRule(ctx, "No advertising", "")
		if err != nil {
			t.Fatal(err)
		}
		older := post(t, inst, bob, map[string]any{"status": "an older post"})
		s := post(t, inst, bob, map[string]any{"status": "buy my stuff"})
		bobID := ids.Format(bob.Account.ID)
		br := newBrowser(t, inst)
		br.signIn(alice)
		p := br.do(http.MethodGet, "/accounts/"+bobID+"/report?status_id="+s.ID, nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `name="status_ids" value="`+s.ID+`" checked`) ||
			!strings.Contains(p.Body, `name="status_ids" value="`+older.ID+`">`) || !strings.Contains(p.Body, "No advertising") {
			t.Fatalf("report form: %d %s", p.Status, p.Body)
		}
		f := p.form()
		f.Set("category", "violation")
		f.Set("rule_ids", ids.Format(rule.ID))
		f.Set("status_ids", s.ID)
		f.Set("comment", strings.Repeat("x", 1001))
		if q := br.do(http.MethodPost, "/accounts/"+bobID+"/report", f); q.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(q.Body, "Comment is too long") || !strings.Contains(q.Body, strings.Repeat("x", 1001)+"</textarea>") {
			t.Errorf("long comment: %d", q.Status)
		}
		f.Set("comment", "ads everywhere")
		forged := url.Values{"category": {"spam"}}
		if q := br.do(http.MethodPost, "/accounts/"+bobID+"/report", forged); q.Status != http.StatusForbidden {
			t.Errorf("forged report: %d", q.Status)
		}
		p = br.do(http.MethodPost, "/accounts/"+bobID+"/report", f)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Thanks for reporting") {
			t.Fatalf("sent: %d at %s", p.Status, p.Path)
		}
		list, err := inst.Core.Moderation.Reports(ctx, false, model.Page{Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("reports: %v, %v", list, err)
		}
		r := list[0]
		if r.AccountID != alice.Account.ID || r.TargetAccountID != bob.Account.ID || r.Category != "violation" ||
			r.Comment != "ads everywhere" || len(r.StatusIDs) != 1 || ids.Format(r.StatusIDs[0]) != s.ID ||
			len(r.RuleIDs) != 1 || r.RuleIDs[0] != rule.ID {
			t.Errorf("report stored as %+v", r)
		}
	})
}
