package core_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/core/accounts"
	"herd/internal/db"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

// BenchmarkPostStatusDelivery posts through core.PostStatus on SQLite by
// an author with 10 local followers and 0 or 1 remote ones, on a core
// without job workers (what is measured is the post alone, and the jobs
// stay to be counted): with no remote follower a post pays one index
// probe and queues no delivery; with one, it queues a Create. Compare
// posts/s of the two.
func BenchmarkPostStatusDelivery(b *testing.B) {
	for _, remote := range []int{0, 1} {
		b.Run(fmt.Sprintf("remote-followers=%d", remote), func(b *testing.B) {
			ctx := context.Background()
			c, st, v := deliveryBenchCore(b, 10, remote)
			var n atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if _, err := c.PostStatus(ctx, v, core.NewStatus{Text: fmt.Sprintf("post %d", i)}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "posts/s")
			b.StopTimer()
			stats, err := st.QueueStats(ctx, core.QueueDelivery, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if want := int64(b.N * remote); stats.Pending != want {
				b.Fatalf("%d deliveries queued, want %d", stats.Pending, want)
			}
		})
	}
}

// deliveryBenchCore is a SQLite core whose author has local and remote
// followers.
func deliveryBenchCore(b *testing.B, local, remote int) (*core.Core, *store.Store, *model.Viewer) {
	b.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, testrig.SQLite.DSN(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	st := store.New(d)
	c := core.New(core.Deps{Store: st, Config: core.Config{Domain: "herd.test", Protocol: "https"}})
	author, user, err := c.Accounts.CreateAccount(ctx, accounts.NewAccount{Username: "author", Email: "author@example.com",
		Password: "correct horse battery", Approved: true})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	err = st.InTx(ctx, func(tx *store.Store) error {
		for i := range local + remote {
			a := &model.Account{ID: ids.New(), Username: fmt.Sprintf("f%d", i), CreatedAt: now, UpdatedAt: now}
			if i >= local {
				a.Domain = fmt.Sprintf("remote%d.test", i)
				a.URI = "https://" + a.Domain + "/users/" + a.Username
				a.InboxURL = a.URI + "/inbox"
			}
			if err := tx.InsertRemoteAccount(ctx, a, now); err != nil { // a plain account row, local when Domain is ""
				return err
			}
			if _, err := tx.InsertFollow(ctx, &model.Follow{ID: ids.New(), AccountID: a.ID, TargetAccountID: author.ID,
				ShowReblogs: true, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return c, st, &model.Viewer{Account: author, User: user}
}
