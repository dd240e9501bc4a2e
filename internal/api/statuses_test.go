package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

func TestPostAndReadStatus(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()

		st := post(t, inst, alice, mastodon.Toot{Status: "Hello @bob and @nobody, see #Herd https://example.com/x",
			SpoilerText: "cw", Language: "en"})
		if st.Visibility != "public" || !st.Sensitive || st.SpoilerText != "cw" || st.Language != "en" {
			t.Errorf("posted = %+v", st)
		}
		if len(st.Mentions) != 1 || st.Mentions[0].Username != "bob" {
			t.Errorf("mentions = %+v", st.Mentions)
		}
		if len(st.Tags) != 1 || st.Tags[0].Name != "Herd" {
			t.Errorf("tags = %+v", st.Tags)
		}
		if !strings.Contains(st.Content, `class="u-url mention"`) || !strings.Contains(st.Content, "@nobody") ||
			!strings.Contains(st.Content, `class="mention hashtag"`) {
			t.Errorf("content = %s", st.Content)
		}

		got, err := inst.Client(bob.Token).GetStatus(ctx, st.ID)
		if err != nil || got.Content != st.Content {
			t.Fatalf("bob reads = %+v, %v", got, err)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID), "", nil)
		apischema.MustMatch(t, "Status", r.Body)
		if !strings.Contains(string(r.Body), `"application":{"name":"testrig"`) {
			t.Errorf("no application: %s", r.Body)
		}
		if strings.Contains(string(r.Body), `"favourited"`) {
			t.Errorf("anonymous view carries viewer fields: %s", r.Body)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID), bob.Token, nil)
		apischema.MustMatch(t, "Status", r.Body)

		me, err := inst.Client(alice.Token).GetAccountCurrentUser(ctx)
		if err != nil || me.StatusesCount != 1 {
			t.Errorf("statuses_count = %d, %v", me.StatusesCount, err)
		}

		// A reply joins the thread and counts on its parent.
		reply := post(t, inst, bob, mastodon.Toot{Status: "@alice hi", InReplyToID: st.ID})
		if fmt.Sprint(reply.InReplyToID) != string(st.ID) || fmt.Sprint(reply.InReplyToAccountID) != itoa(alice.Account.ID) {
			t.Errorf("reply = %+v", reply)
		}
		parent, _ := inst.Client(alice.Token).GetStatus(ctx, st.ID)
		if parent.RepliesCount != 1 {
			t.Errorf("replies_count = %d", parent.RepliesCount)
		}
		tc, err := inst.Client(alice.Token).GetStatusContext(ctx, reply.ID)
		if err != nil || len(tc.Ancestors) != 1 || tc.Ancestors[0].ID != st.ID || len(tc.Descendants) != 0 {
			t.Fatalf("context = %+v, %v", tc, err)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/context", "", nil)
		apischema.MustMatch(t, "Context", r.Body)

		// Many at once, skipping unknown ids.
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses?id[]="+string(reply.ID)+"&id[]=1&id[]="+string(st.ID), "", nil)
		apischema.MustMatchArray(t, "Status", r.Body)
		var many []map[string]any
		r.JSON(t, &many)
		if len(many) != 2 || many[0]["id"] != string(reply.ID) {
			t.Errorf("many = %s", r.Body)
		}

		// Delete returns the source for redraft and undoes the counters.
		r = inst.Expect(t, 200, "DELETE", "/api/v1/statuses/"+string(reply.ID), bob.Token, nil)
		apischema.MustMatch(t, "Status", r.Body)
		var deleted map[string]any
		r.JSON(t, &deleted)
		if deleted["text"] != "@alice hi" {
			t.Errorf("deleted text = %v", deleted["text"])
		}
		inst.Expect(t, 404, "GET", "/api/v1/statuses/"+string(reply.ID), bob.Token, nil)
		parent, _ = inst.Client(alice.Token).GetStatus(ctx, st.ID)
		if parent.RepliesCount != 0 {
			t.Errorf("replies_count after delete = %d", parent.RepliesCount)
		}
		inst.Expect(t, 404, "DELETE", "/api/v1/statuses/"+string(st.ID), bob.Token, nil)
		if err := inst.Client(alice.Token).DeleteStatus(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPostStatusValidation(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		url23 := "https://example.com/" + strings.Repeat("a", 200) // counts as 23
		for _, tc := range []struct {
			name string
			body url.Values
			want int
			msg  string
		}{
			{"blank", url.Values{"status": {"  "}}, 422, "Validation failed: Text can't be blank"},
			{"too long", url.Values{"status": {strings.Repeat("x", 501)}}, 422, "Validation failed: Text character limit of 500 exceeded"},
			{"cw counts", url.Values{"status": {strings.Repeat("x", 490)}, "spoiler_text": {strings.Repeat("y", 11)}}, 422, ""},
			{"exactly 500", url.Values{"status": {strings.Repeat("x", 500)}}, 200, ""},
			{"urls count 23", url.Values{"status": {strings.Repeat("x", 476) + " " + url23}}, 200, ""},
			{"urls count 23, one over", url.Values{"status": {strings.Repeat("x", 477) + " " + url23}}, 422, ""},
			{"unknown media", url.Values{"status": {"x"}, "media_ids[]": {"1"}}, 422, "Validation failed: Media attachments are invalid"},
			{"poll", url.Values{"status": {"x"}, "poll[options][]": {"a", "b"}, "poll[expires_in]": {"300"}}, 422, "Polls are not supported yet"},
			{"scheduled", url.Values{"status": {"x"}, "scheduled_at": {"2099-01-01T00:00:00Z"}}, 422, "Scheduled statuses are not supported yet"},
			{"bad visibility", url.Values{"status": {"x"}, "visibility": {"everyone"}}, 422, ""},
			{"reply to missing", url.Values{"status": {"x"}, "in_reply_to_id": {"12345"}}, 404, "Record not found"},
		} {
			r := inst.Do(t, "POST", "/api/v1/statuses", alice.Token, tc.body)
			if r.Status != tc.want {
				t.Errorf("%s: status %d, want %d: %s", tc.name, r.Status, tc.want, r.Body)
				continue
			}
			if tc.msg != "" {
				var e map[string]string
				r.JSON(t, &e)
				if e["error"] != tc.msg {
					t.Errorf("%s: error %q, want %q", tc.name, e["error"], tc.msg)
				}
			}
		}
		inst.Expect(t, 401, "POST", "/api/v1/statuses", "", url.Values{"status": {"x"}})
		// Reads are public, but a token must hold read:statuses.
		st := post(t, inst, alice, mastodon.Toot{Status: "scoped"})
		writeOnly := inst.Token(t, alice.Account.ID, "write")
		inst.Expect(t, 403, "GET", "/api/v1/statuses/"+string(st.ID), writeOnly, nil)
		inst.Expect(t, 403, "GET", "/api/v1/timelines/public", writeOnly, nil)
		inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/source", inst.Token(t, 0, "read"), nil)
		readOnly := inst.Token(t, alice.Account.ID, "read")
		inst.Expect(t, 403, "POST", "/api/v1/statuses", readOnly, url.Values{"status": {"x"}})
	})
}

func TestContextThreadOrderAndDeleteWithBoosts(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		ctx := context.Background()
		root := post(t, inst, alice, mastodon.Toot{Status: "root"})
		b1 := post(t, inst, bob, mastodon.Toot{Status: "bob answers", InReplyToID: root.ID})
		c1 := post(t, inst, carol, mastodon.Toot{Status: "carol answers bob", InReplyToID: b1.ID})
		a1 := post(t, inst, alice, mastodon.Toot{Status: "alice goes on", InReplyToID: root.ID})
		a2 := post(t, inst, alice, mastodon.Toot{Status: "and on", InReplyToID: a1.ID})
		b2 := post(t, inst, bob, mastodon.Toot{Status: "bob again", InReplyToID: root.ID})

		tc, err := inst.Client("").GetStatusContext(ctx, root.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Depth first in id order (b1 c1 a1 a2 b2), self-replies promoted.
		want := []string{string(a1.ID), string(a2.ID), string(b1.ID), string(c1.ID), string(b2.ID)}
		if got := statusIDs(tc.Descendants); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("descendants = %v, want %v", got, want)
		}
		tc, _ = inst.Client("").GetStatusContext(ctx, c1.ID)
		if got := statusIDs(tc.Ancestors); len(got) != 2 || got[0] != string(root.ID) || got[1] != string(b1.ID) {
			t.Errorf("ancestors = %v", got)
		}

		// Deleting a boosted status deletes the boosts and their counts.
		boost, err := inst.Client(bob.Token).Reblog(ctx, root.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := inst.Client(alice.Token).DeleteStatus(ctx, root.ID); err != nil {
			t.Fatal(err)
		}
		inst.Expect(t, 404, "GET", "/api/v1/statuses/"+string(boost.ID), bob.Token, nil)
		me, _ := inst.Client(bob.Token).GetAccountCurrentUser(ctx)
		if me.StatusesCount != 2 {
			t.Errorf("bob's statuses_count after his boost went = %d, want 2", me.StatusesCount)
		}
	})
}
