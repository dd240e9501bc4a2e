package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/testrig"
)

// TestPostAnswerShowsAuthorCounts: the answer to a post shows the author's
// statuses_count as that post's transaction left it, so concurrent posts by
// one author answer 1..n, each number once, and a direct post (which does
// not count) answers the count unchanged.
func TestPostAnswerShowsAuthorCounts(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		type answer struct {
			Account struct {
				StatusesCount int64   `json:"statuses_count"`
				LastStatusAt  *string `json:"last_status_at"`
			} `json:"account"`
		}
		post := func(body map[string]any) answer {
			r := inst.Do(t, "POST", "/api/v1/statuses", alice.Token, body) // Do: called from goroutines
			var a answer
			if r.Status != 200 {
				t.Errorf("post = %d: %s", r.Status, r.Body)
				return a
			}
			if err := json.Unmarshal(r.Body, &a); err != nil {
				t.Errorf("decode: %v: %s", err, r.Body)
			}
			return a
		}
		const n = 12
		counts := make([]int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := post(map[string]any{"status": fmt.Sprintf("post %d", i)})
				if a.Account.LastStatusAt == nil {
					t.Errorf("post %d: no last_status_at in the answer", i)
				}
				counts[i] = a.Account.StatusesCount
			}()
		}
		wg.Wait()
		slices.Sort(counts)
		for i, c := range counts {
			if c != int64(i+1) {
				t.Fatalf("statuses_count in the answers = %v, want 1..%d once each", counts, n)
			}
		}
		if a := post(map[string]any{"status": "just for me", "visibility": "direct"}); a.Account.StatusesCount != n {
			t.Fatalf("direct post answered statuses_count %d, want %d", a.Account.StatusesCount, n)
		}
	})
}

// TestPostAnswerTagsAsStored: the answer to a post names its hashtags as
// the instance stored them (the first spelling seen), in the order a later
// read gives them, so the cached entry the post leaves behind matches a
// fresh read from the database.
func TestPostAnswerTagsAsStored(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		type tagged struct {
			ID   string `json:"id"`
			Tags []struct {
				Name string `json:"name"`
			} `json:"tags"`
		}
		decode := func(b []byte) tagged {
			var v tagged
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatalf("decode: %v: %s", err, b)
			}
			return v
		}
		inst.Expect(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "first #HeLLo"})
		posted := decode(inst.Expect(t, 200, "POST", "/api/v1/statuses", alice.Token,
			map[string]any{"status": "again #zed #hello"}).Body)
		var names []string
		for _, tg := range posted.Tags {
			names = append(names, tg.Name)
		}
		if !slices.Equal(names, []string{"HeLLo", "zed"}) {
			t.Fatalf("answer's tags %v, want [HeLLo zed]", names)
		}
		// A second core on the same database, with empty caches, reads it
		// from the database.
		other := core.New(core.Deps{Store: inst.Store, Config: inst.Core.Config})
		av, err := other.Accounts.Authenticate(context.Background(), alice.Token)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := ids.Parse(posted.ID)
		view, err := other.Status(context.Background(), av, id)
		if err != nil {
			t.Fatal(err)
		}
		var read []string
		for _, tg := range view.Tags {
			read = append(read, tg.Name)
		}
		if !slices.Equal(read, names) {
			t.Fatalf("read back %v, answered %v", read, names)
		}
	})
}
