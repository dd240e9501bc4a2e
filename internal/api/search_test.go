package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"herd/internal/apischema"
	"herd/internal/model"
	"herd/internal/testrig"
)

type searchResult struct {
	Accounts []struct {
		ID   string `json:"id"`
		Acct string `json:"acct"`
	} `json:"accounts"`
	Statuses []struct {
		ID string `json:"id"`
	} `json:"statuses"`
	Hashtags []struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		History []struct {
			Day, Uses, Accounts string
		} `json:"history"`
		Following *bool `json:"following"`
	} `json:"hashtags"`
}

func search(t *testing.T, inst *testrig.Instance, token string, params url.Values) searchResult {
	t.Helper()
	r := inst.Expect(t, 200, "GET", "/api/v2/search?"+params.Encode(), token, nil)
	apischema.MustMatch(t, "Search", r.Body)
	var out searchResult
	r.JSON(t, &out)
	return out
}

func (s searchResult) accounts() string {
	var out []string
	for _, a := range s.Accounts {
		out = append(out, a.Acct)
	}
	return strings.Join(out, ",")
}

func (s searchResult) statuses() string {
	var out []string
	for _, st := range s.Statuses {
		out = append(out, st.ID)
	}
	return strings.Join(out, ",")
}

func (s searchResult) hashtags() string {
	var out []string
	for _, h := range s.Hashtags {
		out = append(out, h.Name)
	}
	return strings.Join(out, ",")
}

func TestSearchAccountsAndHashtags(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, _, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "alicia"), inst.NewUser(t, "bob")
		for _, name := range []string{"golang", "go", "gopher"} {
			st := seedStatus(t, inst, bob.Account.ID, "#"+name, model.Public)
			seedTag(t, inst, st, name)
		}
		seedTag(t, inst, seedStatus(t, inst, alice.Account.ID, "#golang again", model.Public), "golang")

		for _, tc := range []struct{ q, typ, accounts, hashtags string }{
			{"ali", "", "alice,alicia", ""},
			{"alice", "accounts", "alice", ""},
			{"@alice", "", "alice", ""},
			{"alice@" + inst.Domain, "", "alice", ""},
			{"alice@elsewhere.example", "", "", ""},
			{"#go", "", "", "go,golang,gopher"},
			{"go", "hashtags", "", "go,golang,gopher"},
			{"gol", "accounts", "", ""},
		} {
			res := search(t, inst, alice.Token, url.Values{"q": {tc.q}, "type": {tc.typ}})
			if res.accounts() != tc.accounts || res.hashtags() != tc.hashtags {
				t.Errorf("q=%q type=%q: accounts %q hashtags %q, want %q %q", tc.q, tc.typ, res.accounts(), res.hashtags(), tc.accounts, tc.hashtags)
			}
		}
		res := search(t, inst, alice.Token, url.Values{"q": {"golang"}, "type": {"hashtags"}})
		h := res.Hashtags[0]
		today := time.Now().UTC().Truncate(24 * time.Hour).Unix()
		if len(h.History) != 7 || h.History[0].Uses != "2" || h.History[0].Accounts != "2" || h.History[0].Day != itoa(today) || h.History[1].Uses != "0" {
			t.Errorf("golang history = %+v", h.History)
		}
		if h.Following == nil || *h.Following {
			t.Errorf("following = %v, want false for a signed-in viewer", h.Following)
		}
		// offset pages one type; limit caps it.
		if got := search(t, inst, alice.Token, url.Values{"q": {"go"}, "type": {"hashtags"}, "offset": {"1"}, "limit": {"1"}}).hashtags(); got != "golang" {
			t.Errorf("offset 1 limit 1 = %s", got)
		}
		// Following only.
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)
		if got := search(t, inst, alice.Token, url.Values{"q": {"b"}, "following": {"true"}}).accounts(); got != "bob" {
			t.Errorf("following = %s", got)
		}
		if got := search(t, inst, alice.Token, url.Values{"q": {"ali"}, "following": {"true"}}).accounts(); got != "" {
			t.Errorf("following ali = %s", got)
		}

		// Go client.
		cres, err := inst.Client(alice.Token).Search(context.Background(), "bob", false)
		if err != nil || len(cres.Accounts) != 1 || cres.Accounts[0].Username != "bob" {
			t.Errorf("client search = %+v, %v", cres, err)
		}

		// Anonymous search works, without pagination or resolving.
		if got := search(t, inst, "", url.Values{"q": {"alice"}}).accounts(); got != "alice" {
			t.Errorf("anonymous = %s", got)
		}
		inst.Expect(t, 401, "GET", "/api/v2/search?q=alice&type=accounts&offset=1", "", nil)
		inst.Expect(t, 401, "GET", "/api/v2/search?q=alice&resolve=true", "", nil)
		inst.Expect(t, 400, "GET", "/api/v2/search", alice.Token, nil)
		inst.Expect(t, 403, "GET", "/api/v2/search?q=alice", inst.Token(t, alice.Account.ID, "read:statuses"), nil)

		// Tags.
		r := inst.Expect(t, 200, "GET", "/api/v1/tags/GoLang", alice.Token, nil)
		apischema.MustMatch(t, "Tag", r.Body)
		if !strings.Contains(string(r.Body), `"name":"golang"`) || !strings.Contains(string(r.Body), `"following":false`) {
			t.Errorf("tag = %s", r.Body)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/tags/neverused", "", nil)
		if strings.Contains(string(r.Body), `"following"`) || !strings.Contains(string(r.Body), `"name":"neverused"`) {
			t.Errorf("unused tag, anonymous = %s", r.Body)
		}
		inst.Expect(t, 404, "GET", "/api/v1/tags/not-a-tag!", "", nil)
	})
}

func TestSearchStatusesRespectsVisibility(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, dave := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"), inst.NewUser(t, "dave")
		a := alice.Account.ID
		public := seedStatus(t, inst, bob.Account.ID, "The Quick brown fox", model.Public)
		private := seedStatus(t, inst, carol.Account.ID, "quick private thoughts", model.Private)
		mentioned := seedStatus(t, inst, carol.Account.ID, "@alice quick secret for you", model.Private, a)
		own := seedStatus(t, inst, a, "my own quick note", model.Unlisted)
		unlisted := seedStatus(t, inst, dave.Account.ID, "quick unlisted aside", model.Unlisted)
		bookmarked := seedStatus(t, inst, dave.Account.ID, "quick aside worth keeping", model.Unlisted)
		seedBookmark(t, inst, a, bookmarked)
		_ = private
		_ = unlisted

		q := func(token string, v url.Values) string { return search(t, inst, token, v).statuses() }
		// A private post of someone alice does not follow, and others' unlisted
		// posts she never interacted with, are not found.
		want := joinIDs(bookmarked.ID, own.ID, mentioned.ID, public.ID)
		if got := q(alice.Token, url.Values{"q": {"quick"}, "type": {"statuses"}}); got != want {
			t.Errorf("quick = %s, want %s", got, want)
		}
		// Every word must match; phrases and exclusions, from:.
		if got := q(alice.Token, url.Values{"q": {"quick fox"}}); got != itoa(public.ID) {
			t.Errorf("quick fox = %s", got)
		}
		if got := q(alice.Token, url.Values{"q": {`"quick secret"`}}); got != itoa(mentioned.ID) {
			t.Errorf("phrase = %s", got)
		}
		if got := q(alice.Token, url.Values{"q": {"quick -fox -secret -aside"}}); got != itoa(own.ID) {
			t.Errorf("exclusions = %s", got)
		}
		if got := q(alice.Token, url.Values{"q": {"quick from:bob"}}); got != itoa(public.ID) {
			t.Errorf("from:bob = %s", got)
		}
		if got := q(alice.Token, url.Values{"q": {"quick"}, "account_id": {itoa(carol.Account.ID)}}); got != itoa(mentioned.ID) {
			t.Errorf("account_id = %s", got)
		}
		if got := q(alice.Token, url.Values{"q": {"quick"}, "type": {"statuses"}, "max_id": {itoa(own.ID)}}); got != joinIDs(mentioned.ID, public.ID) {
			t.Errorf("max_id = %s", got)
		}
		// Anonymous callers search no statuses; carol finds her own private post.
		if got := q("", url.Values{"q": {"quick"}}); got != "" {
			t.Errorf("anonymous statuses = %s", got)
		}
		if got := q(carol.Token, url.Values{"q": {"private thoughts"}}); got != itoa(private.ID) {
			t.Errorf("carol's own = %s", got)
		}
		// Authors who opt out of indexing are found only by those they reached.
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", bob.Token, map[string]any{"indexable": false})
		if got := q(alice.Token, url.Values{"q": {"fox"}}); got != "" {
			t.Errorf("non-indexable author's post found: %s", got)
		}
		// A blocked author's posts are not found even when once bookmarked.
		act(t, inst, alice.Token, "block", dave.Account.ID, nil)
		if got := q(alice.Token, url.Values{"q": {"keeping"}}); got != "" {
			t.Errorf("blocked author's post found: %s", got)
		}
		// resolve=true looks up this instance's URLs.
		res := search(t, inst, alice.Token, url.Values{"q": {inst.URL + "/@carol/" + itoa(mentioned.ID)}, "resolve": {"true"}})
		if res.statuses() != itoa(mentioned.ID) || res.accounts() != "" {
			t.Errorf("status URL = %+v", res)
		}
		res = search(t, inst, bob.Token, url.Values{"q": {inst.URL + "/users/carol/statuses/" + itoa(private.ID)}, "resolve": {"true"}})
		if res.statuses() != "" {
			t.Errorf("a private status resolved for a non-follower: %+v", res)
		}
		res = search(t, inst, alice.Token, url.Values{"q": {inst.URL + "/@carol"}, "resolve": {"true"}})
		if res.accounts() != "carol" {
			t.Errorf("account URL = %+v", res)
		}
	})
}
