package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/testrig"
)

// post publishes a status through the client API and returns it.
func post(t *testing.T, inst *testrig.Instance, u *testrig.User, toot mastodon.Toot) *mastodon.Status {
	t.Helper()
	st, err := inst.Client(u.Token).PostStatus(context.Background(), &toot)
	if err != nil {
		t.Fatalf("post %q: %v", toot.Status, err)
	}
	return st
}

// follow makes a follow b through the API (accounts are unlocked).
func follow(t *testing.T, inst *testrig.Instance, a, b *testrig.User) {
	t.Helper()
	inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(b.Account.ID)+"/follow", a.Token, url.Values{})
}

// homeIDs reads a user's home timeline ids, newest first.
func homeIDs(t *testing.T, inst *testrig.Instance, u *testrig.User) []string {
	t.Helper()
	list, err := inst.Client(u.Token).GetTimelineHome(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s.ID)
	}
	return out
}

// eventuallyHome waits for the fan-out job to put want in u's home
// timeline (or, with absent, checks it never arrives once the queue is
// drained).
func eventuallyHome(t *testing.T, inst *testrig.Instance, u *testrig.User, want string, present bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ids := homeIDs(t, inst, u)
		found := contains(ids, want)
		if found == present && (present || queueDrained(t, inst)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's home timeline %v: status %s present=%v, want %v", u.Account.Username, ids, want, found, present)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func queueDrained(t *testing.T, inst *testrig.Instance) bool {
	t.Helper()
	st, err := inst.Core.Store.QueueStats(context.Background(), "fanout", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return st.Pending == 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func statusIDs(list []*mastodon.Status) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s.ID)
	}
	return out
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
