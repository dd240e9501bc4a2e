package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/core/timelines"
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
// timeline or, with absent, checks it is not there once the instance has
// worked every job.
func eventuallyHome(t *testing.T, inst *testrig.Instance, u *testrig.User, want string, present bool) {
	t.Helper()
	if present {
		testrig.Eventually(t, "status "+want+" in "+u.Account.Username+"'s home timeline", func() bool {
			return contains(homeIDs(t, inst, u), want)
		})
		return
	}
	fanoutDone(t, inst)
	if ids := homeIDs(t, inst, u); contains(ids, want) {
		t.Fatalf("%s's home timeline %v holds status %s, and must not", u.Account.Username, ids, want)
	}
}

// fanoutDone waits until the instance has worked every job, then checks
// no fan-out job is left waiting for a retry: each ended at its first
// attempt, so what is not in a home feed now never will be.
func fanoutDone(t *testing.T, inst *testrig.Instance) {
	t.Helper()
	inst.WaitJobs(t)
	st, err := inst.Store.QueueStats(context.Background(), timelines.QueueFanout, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 {
		t.Fatalf("%d fan-out jobs left, waiting for a retry", st.Pending)
	}
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
