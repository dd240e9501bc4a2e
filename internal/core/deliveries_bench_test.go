package core_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// BenchmarkPostStatusDelivery posts through core.PostStatus on SQLite by
// an author with 10 local followers and 0 or 1 remote ones: with none, a
// post pays one index probe and queues no delivery; with one, it queues a
// Create per post. Compare posts/s of the two.
func BenchmarkPostStatusDelivery(b *testing.B) {
	for _, remote := range []int{0, 1} {
		b.Run(fmt.Sprintf("remote-followers=%d", remote), func(b *testing.B) {
			inst, v := benchInstance(b, 10)
			ctx := context.Background()
			for i := range remote {
				now := time.Now()
				uri := fmt.Sprintf("https://remote%d.test/users/r", i)
				a := &model.Account{ID: ids.New(), Username: "r", Domain: fmt.Sprintf("remote%d.test", i), URI: uri,
					InboxURL: uri + "/inbox", CreatedAt: now, UpdatedAt: now}
				err := inst.Core.Store.InTx(ctx, func(tx *store.Store) error {
					if err := tx.InsertRemoteAccount(ctx, a, now); err != nil {
						return err
					}
					_, err := tx.InsertFollow(ctx, &model.Follow{ID: ids.New(), AccountID: a.ID, TargetAccountID: v.AccountID(),
						ShowReblogs: true, CreatedAt: now})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			var n atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if _, err := inst.Core.PostStatus(ctx, v, core.NewStatus{Text: fmt.Sprintf("post %d", i)}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "posts/s")
			b.StopTimer()
			stats, err := inst.Core.Store.QueueStats(ctx, core.QueueDelivery, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if want := int64(b.N * remote); stats.Pending != want {
				b.Fatalf("%d deliveries queued, want %d", stats.Pending, want)
			}
			b.ReportMetric(float64(stats.Pending)/float64(b.N), "deliveries/post")
		})
	}
}
