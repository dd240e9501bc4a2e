package api_test

import (
	"sync"
	"testing"

	"herd/internal/testrig"
)

// TestConcurrentBoostsBySameUser: one user boosting one status from several
// requests at once gets exactly one boost, and every request answers it.
func TestConcurrentBoostsBySameUser(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		var posted struct{ ID string }
		inst.Expect(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "boost me"}).JSON(t, &posted)

		const n = 8
		boostIDs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := inst.Do(t, "POST", "/api/v1/statuses/"+posted.ID+"/reblog", bob.Token, nil)
				if r.Status != 200 {
					t.Errorf("boost #%d = %d: %s", i, r.Status, r.Body)
					return
				}
				var boost struct{ ID string }
				r.JSON(t, &boost)
				boostIDs[i] = boost.ID
			}()
		}
		wg.Wait()
		for i, id := range boostIDs {
			if id != boostIDs[0] {
				t.Fatalf("boost #%d answered %q, #0 answered %q: more than one boost", i, id, boostIDs[0])
			}
		}
		var st struct {
			ReblogsCount int64 `json:"reblogs_count"`
		}
		inst.Expect(t, 200, "GET", "/api/v1/statuses/"+posted.ID, alice.Token, nil).JSON(t, &st)
		if st.ReblogsCount != 1 {
			t.Fatalf("reblogs_count = %d, want 1", st.ReblogsCount)
		}
	})
}
