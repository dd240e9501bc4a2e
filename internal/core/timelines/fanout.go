package timelines

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"herd/internal/ids"
	"herd/internal/jobs"
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
	// feedKeep is the cap of a home or list feed, Mastodon's 800 items.
	feedKeep = 800
	// trimEvery: a fan-out trims its recipients' feeds for about one status
	// in trimEvery, so the cap costs little per post; feeds overshoot it by
	// a few hundred rows at most between trims, which reads never see (they
	// page the newest rows by key).
	trimEvery = 256
)

// EnqueueFanout adds the fan-out job of a new status inside its
// transaction (core's posting and receiving record statuses; the caller
// wakes the job workers after the commit).
func EnqueueFanout(ctx context.Context, tx *store.Store, statusID int64) error {
	_, err := tx.EnqueueJob(ctx, QueueFanout, ids.Format(statusID), time.Now())
	return err
}

// FanoutJobs works a batch of fan-out jobs in one transaction: each status
// is written into the home feeds of the author's local followers who were
// active recently and may see it (store.FanoutStatuses says who: followers-
// only posts reach followers, direct posts only the mentioned, boosts only
// followers who show the booster's boosts and do not have the boosted post
// yet, replies to others only followers of both; never followers who mute
// or block the author), set-based rather than a query per status. Inserts
// ignore rows already present, so a job retried after a crash does no
// harm; a status deleted meanwhile is skipped. The same transaction writes
// each status into the feeds of the lists holding its author
// (store.FanoutLists). For about one status in trimEvery, the feeds it
// reached are capped at feedKeep.
func (s *Service) FanoutJobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	statusIDs := make([]int64, 0, len(batch))
	var trim []int64
	for _, j := range batch {
		id, err := strconv.ParseInt(j.Payload, 10, 64)
		if err != nil {
			s.log.Error("fanout: bad payload, dropped", "job", j.ID, "payload", j.Payload)
			continue
		}
		statusIDs = append(statusIDs, id)
		if id%trimEvery == 0 {
			trim = append(trim, id)
		}
	}
	now := time.Now()
	spec := store.FanoutSpec{ActiveSince: now.Add(-activeWindow), Now: now}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		recipients, err := tx.FanoutStatuses(ctx, statusIDs, trim, spec)
		if err != nil {
			return fmt.Errorf("fan-out: %w", err)
		}
		if err := tx.TrimFeeds(ctx, recipients, feedKeep); err != nil {
			return err
		}
		lists, err := tx.FanoutLists(ctx, statusIDs, trim, spec)
		if err != nil {
			return fmt.Errorf("fan-out to lists: %w", err)
		}
		if err := tx.TrimListFeeds(ctx, lists, feedKeep); err != nil {
			return err
		}
		// Open list streams learn what reached their lists' feeds (user
		// streams heard of each post when it committed).
		return tx.AppendListsFed(ctx, statusIDs)
	})
	if err == nil {
		return nil
	}
	failed := make(map[int64]error, len(batch))
	for _, j := range batch {
		failed[j.ID] = err
	}
	return failed
}
