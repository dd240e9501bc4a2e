package core

import (
	"context"
	"fmt"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// notify records a notification inside the caller's transaction, unless
// the recipient would not want it: it is their own action, they block the
// sender or mute them with notifications hidden, or (for statuses) they
// muted the thread. Only local recipients get notifications.
func (c *Core) notify(ctx context.Context, tx *store.Store, recipient *model.Account, fromID int64, typ string, st *model.Status) error {
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
	n.GroupKey = groupKey(n)
	if err := tx.InsertNotification(ctx, n); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, store.EventNotification, n.ID, recipient.ID, "")
}

// groupKey decides which notifications /api/v2/notifications folds into one
// group, as Mastodon 4.3 does: favourites and boosts of the same status,
// and follows, within the same day-sized bucket; everything else stands alone.
func groupKey(n *model.Notification) string {
	bucket := n.CreatedAt.Unix() / int64((24 * time.Hour).Seconds())
	switch n.Type {
	case model.NotifyFavourite, model.NotifyReblog:
		return fmt.Sprintf("%s-%d-%d", n.Type, n.StatusID, bucket)
	case model.NotifyFollow:
		return fmt.Sprintf("follow-%d", bucket)
	}
	return "ungrouped-" + ids.Format(n.ID)
}
