package notifications

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// Notify records a notification inside the caller's transaction, unless
// the recipient would not want it: it is their own action, they block the
// sender or mute them with notifications hidden, or (for statuses) they
// muted the thread. Only local recipients get notifications. For a reblog,
// st may be the boost or the boosted status; either way the notification
// is about (and groups by) the boosted one. Core's use cases call it from
// their own transactions (follows, favourites, boosts, mentions, new
// statuses of followed accounts, edits), so a notification commits or
// rolls back with what caused it.
func (s *Service) Notify(ctx context.Context, tx *store.Store, recipient *model.Account, fromID int64, typ string, st *model.Status) error {
	if recipient == nil || !recipient.Local() || recipient.ID == fromID {
		return nil
	}
	now := time.Now()
	muted, err := tx.NotificationMuted(ctx, recipient.ID, fromID, now.UnixMilli())
	if err != nil || muted {
		return err
	}
	var statusID int64
	if st != nil {
		statusID = st.ID
		if st.ConversationID != 0 && (typ == model.NotifyMention || typ == model.NotifyUpdate || typ == model.NotifyStatus) {
			if muted, err := tx.ConversationMuted(ctx, recipient.ID, st.ConversationID); err != nil || muted {
				return err
			}
		}
	}
	n := &model.Notification{
		ID: ids.New(), AccountID: recipient.ID, FromAccountID: fromID, Type: typ, StatusID: statusID, CreatedAt: now,
	}
	if n.GroupKey, err = groupKey(ctx, tx, n, targetStatusID(st)); err != nil {
		return err
	}
	if err := tx.InsertNotification(ctx, n); err != nil {
		return err
	}
	if err := s.recorded(ctx, tx, n); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, store.EventNotification, n.ID, recipient.ID, "")
}

// targetStatusID is the status a notification is about: the boosted one
// for a boost.
func targetStatusID(st *model.Status) int64 {
	switch {
	case st == nil:
		return 0
	case st.ReblogOfID != 0:
		return st.ReblogOfID
	}
	return st.ID
}

// maxGroupSpan is how long a notification group stays open, counted from
// the hour it started (Mastodon 4.3's MAXIMUM_GROUP_SPAN_HOURS).
const maxGroupSpan = 12

// groupKey decides which notifications /api/v2/notifications folds into one
// group, as Mastodon 4.3 does (Notification::Groups#set_group_key!):
// favourites and boosts of one status ("favourite-{status}-{hour}"), and
// follows ("follow-{hour}"); the hour bucket of the group's first
// notification is reused while the new one falls within 12 hours of it.
// Every other type stands alone as "ungrouped-{id}", the key Mastodon
// renders for its ungrouped notifications.
func groupKey(ctx context.Context, tx *store.Store, n *model.Notification, target int64) (string, error) {
	var prefix string
	switch n.Type {
	case model.NotifyFavourite, model.NotifyReblog:
		prefix = fmt.Sprintf("%s-%d", n.Type, target)
	case model.NotifyFollow:
		prefix = n.Type
	default:
		return "ungrouped-" + ids.Format(n.ID), nil
	}
	hour := n.CreatedAt.Unix() / 3600
	// Mastodon remembers the last bucket per (recipient, prefix) in Redis for
	// 12 hours; the newest notification of the same kind holds the same fact.
	prev, err := tx.LatestGroupKey(ctx, n.AccountID, n.Type, prefix, n.CreatedAt.Add(-maxGroupSpan*time.Hour))
	if err != nil {
		return "", err
	}
	if rest, ok := strings.CutPrefix(prev, prefix+"-"); ok {
		if bucket, err := strconv.ParseInt(rest, 10, 64); err == nil && hour < bucket+maxGroupSpan {
			hour = bucket
		}
	}
	return fmt.Sprintf("%s-%d", prefix, hour), nil
}

// RecordNotification records one notification in its own transaction, for
// callers outside a use case's transaction (admin tools, replays of
// received activities, test fixtures); statusID 0 means none. The same
// rules as every other notification apply.
func (s *Service) RecordNotification(ctx context.Context, recipientID, fromID int64, typ string, statusID int64) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		recipient, err := tx.AccountByID(ctx, recipientID)
		if err != nil {
			return fault.NotFoundOr(err)
		}
		var st *model.Status
		if statusID != 0 {
			if st, err = tx.StatusByID(ctx, statusID); err != nil {
				return fault.NotFoundOr(err)
			}
		}
		return s.Notify(ctx, tx, recipient, fromID, typ, st)
	})
}
