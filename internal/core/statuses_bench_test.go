package core_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/core/social"
	"herd/internal/core/timelines"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// benchInstance starts a SQLite instance with an author followed by
// followers active users (every post fans out to that many home feeds) and
// returns the author's viewer.
func benchInstance(b *testing.B, followers int) (*testrig.Instance, *model.Viewer) {
	b.Helper()
	inst := testrig.Start(b, testrig.SQLite)
	author := inst.NewUser(b, "author")
	ctx := context.Background()
	now := time.Now().UnixMilli()
	err := func() error {
		for i := range followers {
			id := ids.New()
			name := fmt.Sprintf("f%d", i)
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{"INSERT INTO accounts (id, username, username_lower, created_at, updated_at) VALUES ($1,$2,$2,$3,$3)", []any{id, name, now}},
				{"INSERT INTO users (account_id, email, email_lower, password_hash, last_active_at, created_at) VALUES ($1,$2,$2,'x',$3,$3)",
					[]any{id, name + "@example.com", now}},
				{"INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1,$2,$3,$4)",
					[]any{ids.New(), id, author.Account.ID, now}},
			} {
				if _, err := inst.Store.DB.Write.ExecContext(ctx, q.sql, q.args...); err != nil {
					return err
				}
			}
		}
		return nil
	}()
	if err != nil {
		b.Fatal(err)
	}
	v, err := inst.Core.Accounts.Authenticate(ctx, author.Token)
	if err != nil {
		b.Fatal(err)
	}
	return inst, v
}

// BenchmarkPostStatus posts from 8 goroutines through core.PostStatus on
// SQLite while the server's fan-out workers write each post into the home
// feeds of 0, 10 or 200 active followers, and reports posts/s, the fan-out
// backlog left when posting stops and how long it takes to drain.
func BenchmarkPostStatus(b *testing.B) {
	for _, followers := range []int{0, 10, 200} {
		b.Run(fmt.Sprintf("followers=%d", followers), func(b *testing.B) { benchPost(b, followers) })
	}
}

func benchPost(b *testing.B, followers int) {
	inst, v := benchInstance(b, followers)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := inst.Core.PostStatus(ctx, v, core.NewStatus{Text: fmt.Sprintf("post %d with #bench and https://example.com/%d", i, i)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "posts/s")
	stats, err := inst.Store.QueueStats(ctx, timelines.QueueFanout, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(stats.Pending), "backlog")
	drain := time.Now()
	for stats.Pending > 0 && time.Since(drain) < time.Minute {
		time.Sleep(10 * time.Millisecond)
		stats, _ = inst.Store.QueueStats(ctx, timelines.QueueFanout, time.Now())
	}
	b.ReportMetric(time.Since(drain).Seconds(), "drain-s")
}

// BenchmarkHomeTimeline reads the first page (20) of a full home feed.
func BenchmarkHomeTimeline(b *testing.B) {
	inst, author := benchInstance(b, 200)
	ctx := context.Background()
	for i := range 900 {
		if _, err := inst.Core.PostStatus(ctx, author, core.NewStatus{Text: fmt.Sprintf("post %d @f1", i)}); err != nil {
			b.Fatal(err)
		}
	}
	inst.WaitJobs(b)
	reader := inst.NewUser(b, "reader")
	v, _ := inst.Core.Accounts.Authenticate(ctx, reader.Token)
	// The reader follows the author; the first read rebuilds their feed.
	if _, err := inst.Core.Social.Follow(ctx, v, author.AccountID(), social.FollowOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := inst.Core.Timelines.HomeTimeline(ctx, v, model.Page{Limit: 20}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			page, err := inst.Core.Timelines.HomeTimeline(ctx, v, model.Page{Limit: 20})
			if err != nil || len(page.Statuses) != 20 {
				b.Errorf("page: %v, %v", page, err)
				return
			}
		}
	})
}
