package core_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

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
