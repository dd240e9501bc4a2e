package core

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// QueueFanout is the job queue that writes new statuses into home feeds:
// one job per status (not per follower), payload = the status id.
const QueueFanout = "fanout"

const (
	// activeWindow: only users active this recently get feed rows written;
	// others get their feed rebuilt when they come back (HomeTimeline).
	activeWindow = 14 * 24 * time.Hour
	// activityResolution: last_active_at is written at most this often.
	activityResolution = time.Hour
	// feedKeep is the cap of a home feed, Mastodon's 800 items.
	feedKeep = 800
	// fanoutBatch is how many feed rows one insert writes, and
	// fanoutFlush how many one transaction commits. Feed rows land on the
	// newest index pages of each recipient's feed, and SQLite appends each
	// page a transaction dirtied to the WAL once per commit: bigger commits
	// share those pages among more rows (WAL writes were 12% of posting with
	// 2,000-row commits on the bench instance).
	fanoutBatch = 500
	fanoutFlush = 8000
	// trimEvery: a fan-out trims its recipients' feeds for about one status
	// in trimEvery, so the cap costs little per post; feeds overshoot it by
	// a few hundred rows at most between trims, which reads never see (they
	// page the newest rows by key).
	trimEvery = 256
)

// SetJobWaker registers what wakes the job workers after a use case
// commits a job (the server's jobs.Pool.Wake). Call before serving.
func (c *Core) SetJobWaker(wake func()) { c.wake = wake }

func (c *Core) wakeJobs() {
	if c.wake != nil {
		c.wake()
	}
}

// enqueueFanout adds the fan-out job of a new status inside its transaction.
func enqueueFanout(ctx context.Context, tx *store.Store, statusID int64) error {
	_, err := tx.EnqueueJob(ctx, QueueFanout, ids.Format(statusID), time.Now())
	return err
}

// FanoutJobs works a batch of fan-out jobs: each status is written into the
// home feeds of the author's local followers who were active recently and
// may see it (followers-only posts reach followers, direct posts only the
// mentioned, boosts only followers who show the booster's boosts, replies
// to others only followers of both), leaving out followers who mute or
// block the author. Rows are inserted in batches
// of fanoutBatch; inserts ignore rows already present, so a job retried
// after a crash does no harm. A status deleted meanwhile is skipped.
func (c *Core) FanoutJobs(ctx context.Context, batch []store.Job) map[int64]error {
	failed := map[int64]error{}
	statusIDs := make([]int64, 0, len(batch))
	for _, j := range batch {
		if id, err := strconv.ParseInt(j.Payload, 10, 64); err == nil {
			statusIDs = append(statusIDs, id)
		}
	}
	statuses, err := c.Store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		for _, j := range batch {
			failed[j.ID] = err
		}
		return failed
	}
	w := &feedWriter{c: c, ctx: ctx}
	for _, j := range batch {
		id, err := strconv.ParseInt(j.Payload, 10, 64)
		if err != nil {
			c.Log.Error("fanout: bad payload, dropped", "job", j.ID, "payload", j.Payload)
			continue
		}
		st := statuses[id]
		if st == nil {
			continue
		}
		if err := c.fanout(ctx, w, st); err != nil {
			failed[j.ID] = err
		}
	}
	if err := w.flush(); err != nil {
		// Rows of every job in the batch may be in the unflushed tail.
		for _, j := range batch {
			failed[j.ID] = err
		}
	}
	return failed
}

// fanout queues the feed rows of one status on w.
func (c *Core) fanout(ctx context.Context, w *feedWriter, st *model.Status) error {
	now := time.Now()
	t := store.FanoutTarget{AuthorID: st.AccountID, OriginalAuthor: st.AccountID, ReblogOfID: st.ReblogOfID,
		ActiveSince: now.Add(-activeWindow), Now: now}
	if st.ReblogOfID != 0 {
		orig, err := c.Store.StatusByID(ctx, st.ReblogOfID)
		if err != nil {
			return notFoundIsDone(err)
		}
		t.OriginalAuthor = orig.AccountID
	}
	if st.InReplyToAccountID != 0 && st.InReplyToAccountID != st.AccountID {
		t.ReplyToAccount = st.InReplyToAccountID
	}
	trim := st.ID%trimEvery == 0
	row := func(account int64) store.FeedRow {
		return store.FeedRow{AccountID: account, StatusID: st.ID, AuthorID: st.AccountID, ReblogOfID: st.ReblogOfID}
	}
	if st.Visibility != model.Direct {
		var after int64
		for {
			ids, err := c.Store.FanoutFollowers(ctx, t, after, fanoutBatch)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if err := w.add(row(id), trim); err != nil {
					return err
				}
			}
			if len(ids) < fanoutBatch {
				break
			}
			after = ids[len(ids)-1]
		}
	}
	if st.ReblogOfID == 0 && (st.Visibility == model.Private || st.Visibility == model.Direct) {
		ids, err := c.Store.FanoutMentioned(ctx, st.ID, t)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := w.add(row(id), trim); err != nil {
				return err
			}
		}
	}
	return nil
}

func notFoundIsDone(err error) error {
	if err == store.ErrNotFound {
		return nil
	}
	return err
}

// feedWriter buffers feed rows across the statuses of a batch and writes
// them fanoutBatch per statement and fanoutFlush per transaction (on
// SQLite, posts queued meanwhile commit with it: db.InTx's group commit).
type feedWriter struct {
	c    *Core
	ctx  context.Context
	rows []store.FeedRow
	trim []int64
}

func (w *feedWriter) add(r store.FeedRow, trim bool) error {
	w.rows = append(w.rows, r)
	if trim {
		w.trim = append(w.trim, r.AccountID)
	}
	if len(w.rows) >= fanoutFlush {
		return w.flush()
	}
	return nil
}

func (w *feedWriter) flush() error {
	if len(w.rows) == 0 && len(w.trim) == 0 {
		return nil
	}
	err := w.c.Store.InTx(w.ctx, func(tx *store.Store) error {
		for rows := w.rows; len(rows) > 0; {
			n := min(len(rows), fanoutBatch)
			if err := tx.InsertFeedRows(w.ctx, rows[:n]); err != nil {
				return fmt.Errorf("insert feed rows: %w", err)
			}
			rows = rows[n:]
		}
		return tx.TrimFeeds(w.ctx, w.trim, feedKeep)
	})
	w.rows, w.trim = w.rows[:0], w.trim[:0]
	return err
}
