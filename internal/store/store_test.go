package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"herd/internal/db"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

func openStore(t *testing.T, d testrig.DB) *store.Store {
	t.Helper()
	ctx := context.Background()
	database, err := db.Open(ctx, d.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close() })
	if err := database.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return store.New(database)
}

func insertAccount(t *testing.T, s *store.Store, name string) *model.Account {
	t.Helper()
	now := time.Now()
	a := &model.Account{ID: ids.New(), Username: name, CreatedAt: now, UpdatedAt: now}
	if err := s.InTx(context.Background(), func(tx *store.Store) error { return tx.InsertAccount(context.Background(), a) }); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestInTxRollsBackEverything(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, d testrig.DB) {
		s := openStore(t, d)
		ctx := context.Background()
		boom := errors.New("boom")
		a := &model.Account{ID: ids.New(), Username: "ghost", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		err := s.InTx(ctx, func(tx *store.Store) error {
			if err := tx.InsertAccount(ctx, a); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want the function's error", err)
		}
		if _, err := s.AccountByID(ctx, a.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("after rollback, AccountByID = %v, want model.ErrNotFound", err)
		}
	})
}

func TestDuplicateUsernameIsErrDuplicate(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, d testrig.DB) {
		s := openStore(t, d)
		insertAccount(t, s, "Alice")
		ctx := context.Background()
		again := &model.Account{ID: ids.New(), Username: "alice", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		err := s.InTx(ctx, func(tx *store.Store) error { return tx.InsertAccount(ctx, again) })
		if !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("second alice (other case) = %v, want ErrDuplicate", err)
		}
	})
}

func TestAccountCountsNeverGoNegative(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, d testrig.DB) {
		s := openStore(t, d)
		a := insertAccount(t, s, "counted")
		ctx := context.Background()
		err := s.InTx(ctx, func(tx *store.Store) error {
			if err := tx.AddAccountCounts(ctx, a.ID, 2, 1, 0); err != nil {
				return err
			}
			return tx.AddAccountCounts(ctx, a.ID, -1, -5, -1)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.StatusesCount != 1 || got.FollowersCount != 0 || got.FollowingCount != 0 {
			t.Fatalf("counts = %d/%d/%d, want 1/0/0", got.StatusesCount, got.FollowersCount, got.FollowingCount)
		}
	})
}

// TestHomeFeedPaging checks Mastodon's cursors over a feed: max_id pages
// down, since_id takes the newest above a cursor, min_id the ones right
// above it, always newest first; re-inserting rows is harmless.
func TestHomeFeedPaging(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, d testrig.DB) {
		s := openStore(t, d)
		ctx := context.Background()
		var rows []store.FeedRow
		for i := int64(1); i <= 10; i++ {
			rows = append(rows, store.FeedRow{AccountID: 7, StatusID: i, AuthorID: 9})
		}
		for i := 0; i < 2; i++ {
			if err := s.InTx(ctx, func(tx *store.Store) error { return tx.InsertFeedRows(ctx, rows) }); err != nil {
				t.Fatalf("insert #%d: %v", i+1, err)
			}
		}
		for _, tc := range []struct {
			name string
			page model.Page
			want []int64
		}{
			{"first page", model.Page{Limit: 3}, []int64{10, 9, 8}},
			{"max_id", model.Page{MaxID: 8, Limit: 3}, []int64{7, 6, 5}},
			{"since_id", model.Page{SinceID: 4, Limit: 3}, []int64{10, 9, 8}},
			{"min_id", model.Page{MinID: 4, Limit: 3}, []int64{7, 6, 5}},
			{"max_id and min_id", model.Page{MaxID: 6, MinID: 2, Limit: 10}, []int64{5, 4, 3}},
		} {
			got, err := s.HomeFeedPage(ctx, 7, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}

func TestPruneEventsKeepsRecentOnes(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, d testrig.DB) {
		s := openStore(t, d)
		ctx := context.Background()
		err := s.InTx(ctx, func(tx *store.Store) error {
			if err := tx.AppendEvent(ctx, store.EventAccountUpdated, 1, 1, ""); err != nil {
				return err
			}
			return tx.PruneEvents(ctx, time.Now().Add(-time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		if evs, err := s.EventsAfter(ctx, 0, 10); err != nil || len(evs) != 1 {
			t.Fatalf("after pruning older events: %v, %v; want the recent one kept", evs, err)
		}
		err = s.InTx(ctx, func(tx *store.Store) error { return tx.PruneEvents(ctx, time.Now().Add(time.Second)) })
		if err != nil {
			t.Fatal(err)
		}
		if evs, err := s.EventsAfter(ctx, 0, 10); err != nil || len(evs) != 0 {
			t.Fatalf("after pruning everything: %v, %v; want none", evs, err)
		}
	})
}
