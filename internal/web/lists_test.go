package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestListPages: a user makes, renames and deletes a list on the Lists
// page, adds a followed account from its profile and reads the list's
// timeline, all with plain forms; a form without the CSRF token changes
// nothing.
func TestListPages(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(bob.Account.ID)+"/follow", alice.Token, url.Values{})
		s := post(t, inst, bob, map[string]any{"status": "for my list"})
		br := newBrowser(t, inst)
		br.signIn(alice)

		p := br.do(http.MethodGet, "/lists", nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "You have no lists yet") {
			t.Fatalf("lists page: %d %s", p.Status, p.Body)
		}
		if p2 := br.do(http.MethodPost, "/lists", url.Values{"title": {"no token"}}); p2.Status == http.StatusOK && strings.Contains(p2.Body, "no token") {
			t.Fatal("a form without the CSRF token made a list")
		}
		p = br.do(http.MethodPost, "/lists", url.Values{"authenticity_token": {p.token()}, "title": {"friends"}})
		ls, err := inst.Core.Lists.Lists(context.Background(), viewerOf(t, inst, alice))
		if err != nil || len(ls) != 1 || p.Path != "/lists" {
			t.Fatalf("after create: %d lists at %s, %v", len(ls), p.Path, err)
		}
		id := ids.Format(ls[0].ID)
		p = br.do(http.MethodPost, "/lists/"+id+"/rename", url.Values{"authenticity_token": {p.token()}, "title": {"pals"}})
		if !strings.Contains(p.Body, `href="/lists/`+id+`">pals</a>`) {
			t.Errorf("renamed list not shown: %s", p.Body)
		}

		// From bob's profile, add him to the list; his post shows in it.
		p = br.do(http.MethodGet, "/@bob", nil)
		if !strings.Contains(p.Body, `action="/lists/`+id+`/add"`) {
			t.Fatalf("profile lacks the add-to-list form: %s", p.Body)
		}
		p = br.do(http.MethodPost, "/lists/"+id+"/add", url.Values{"authenticity_token": {p.token()},
			"account_id": {ids.Format(bob.Account.ID)}, "return_to": {"/@bob"}})
		if p.Path != "/@bob" || !strings.Contains(p.Body, `action="/lists/`+id+`/remove"`) {
			t.Errorf("after adding: at %s without a remove form", p.Path)
		}
		p = br.do(http.MethodGet, "/lists/"+id, nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "for my list") || !strings.Contains(p.Body, s.ID) {
			t.Errorf("list timeline: %d, lacks bob's post", p.Status)
		}
		p = br.do(http.MethodPost, "/lists/"+id+"/remove", url.Values{"authenticity_token": {p.token()},
			"account_id": {ids.Format(bob.Account.ID)}, "return_to": {"/@bob"}})
		if !strings.Contains(p.Body, `action="/lists/`+id+`/add"`) {
			t.Errorf("after removing: no add form")
		}

		// Someone else's list is not found; delete empties the page.
		bb := newBrowser(t, inst)
		bb.signIn(bob)
		if p := bb.do(http.MethodGet, "/lists/"+id, nil); p.Status != http.StatusNotFound {
			t.Errorf("bob reading alice's list: %d", p.Status)
		}
		p = br.do(http.MethodGet, "/lists", nil)
		p = br.do(http.MethodPost, "/lists/"+id+"/delete", url.Values{"authenticity_token": {p.token()}})
		if !strings.Contains(p.Body, "You have no lists yet") {
			t.Errorf("after delete: %s", p.Body)
		}
	})
}

// viewerOf authenticates a test user as core sees them.
func viewerOf(t *testing.T, inst *testrig.Instance, u *testrig.User) *model.Viewer {
	t.Helper()
	v, err := inst.Core.Accounts.Authenticate(context.Background(), u.Token)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
