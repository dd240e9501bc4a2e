package main

import (
	"context"
	"os"
	"testing"

	"herd/internal/core"
	"herd/internal/db"
	"herd/internal/model"
	"herd/internal/store"
)

// BenchmarkHomePath times the steps a home timeline page takes below the
// HTTP layer, on a seeded database named by HERD_BENCH_DB (skipped
// without it), so a regression can be pinned on one step:
//
//	HERD_BENCH_DB=data/bench.db go test ./bench -run '^$' -bench HomePath
func BenchmarkHomePath(b *testing.B) {
	dsn := os.Getenv("HERD_BENCH_DB")
	if dsn == "" {
		b.Skip("set HERD_BENCH_DB to a seeded database")
	}
	ctx := context.Background()
	database, err := db.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer database.Close()
	st := store.New(database)
	c := core.New(st, core.Config{Domain: benchDomain, Protocol: "https"}, nil)
	var viewers []int64
	rows, err := database.Read.QueryContext(ctx, "SELECT DISTINCT account_id FROM home_feed LIMIT 500")
	if err != nil {
		b.Fatal(err)
	}
	viewers, err = scanInt64s(rows, nil)
	if err != nil || len(viewers) == 0 {
		b.Fatalf("no home feeds: %v", err)
	}
	page := func(i int) (int64, []*model.Status) {
		v := viewers[i%len(viewers)]
		ids, err := st.HomeFeedPage(ctx, v, model.Page{Limit: 20})
		if err != nil {
			b.Fatal(err)
		}
		byID, err := st.StatusesByIDs(ctx, ids)
		if err != nil {
			b.Fatal(err)
		}
		list := make([]*model.Status, 0, len(ids))
		for _, id := range ids {
			if s := byID[id]; s != nil {
				list = append(list, s)
			}
		}
		return v, list
	}
	b.Run("feed-ids", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := st.HomeFeedPage(ctx, viewers[i%len(viewers)], model.Page{Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("feed-ids+statuses", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			page(i)
		}
	})
	b.Run("accounts-by-ids-20", func(b *testing.B) {
		_, list := page(0)
		var ids []int64
		for _, s := range list {
			ids = append(ids, s.AccountID)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := st.AccountsByIDs(ctx, ids); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("visible+views", func(b *testing.B) {
		v, list := page(0)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			vis, err := c.VisibleStatuses(ctx, v, list, core.InTimeline)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.StatusViews(ctx, v, vis); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whole-page", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			v, list := page(i)
			vis, err := c.VisibleStatuses(ctx, v, list, core.InTimeline)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.StatusViews(ctx, v, vis); err != nil {
				b.Fatal(err)
			}
		}
	})
}
