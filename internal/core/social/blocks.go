package social

import (
	"context"
	"errors"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// Block makes the viewer block targetID. As Mastodon's BlockService and
// AfterBlockService: follows and follow requests end both ways, each side's
// home feed loses the other's posts, and the notifications the target
// caused the viewer are deleted. Blocking oneself does nothing. A remote
// target is sent, as Mastodon's BlockService does through
// UnfollowService, the Undo of the viewer's Follow and the Reject of its
// own follow, if any, then the Block.
func (s *Service) Block(ctx context.Context, v *model.Viewer, targetID int64) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, targetID, func(tx *store.Store, me int64, target *model.Account) error {
		if targetID == me {
			return nil
		}
		if v.Account.Local() {
			if err := s.queueUndoFollow(ctx, tx, v.Account, target); err != nil {
				return err
			}
			if err := s.queueRejectFollower(ctx, tx, v.Account, target); err != nil {
				return err
			}
		}
		for _, pair := range [][2]int64{{me, targetID}, {targetID, me}} {
			if err := s.RemoveFollow(ctx, tx, pair[0], pair[1]); err != nil {
				return err
			}
			if err := s.RemoveFollowRequest(ctx, tx, pair[0], pair[1]); err != nil {
				return err
			}
			if err := tx.LeaveListsOf(ctx, pair[0], pair[1]); err != nil {
				return err
			}
			// Boosts by the other side are in the feed even without a follow
			// (a followed third account boosted them): purge them as well.
			if err := tx.DeleteFeedByAuthor(ctx, pair[0], pair[1]); err != nil {
				return err
			}
		}
		if err := tx.InsertBlock(ctx, ids.New(), me, targetID, time.Now()); err != nil {
			return err
		}
		if err := tx.DeleteNotificationsFrom(ctx, me, targetID); err != nil {
			return err
		}
		return s.queueBlock(ctx, tx, v.Account, target, "Block")
	})
}

// Unblock lifts the viewer's block of targetID; a remote account is sent
// an Undo of the Block it was sent.
func (s *Service) Unblock(ctx context.Context, v *model.Viewer, targetID int64) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, targetID, func(tx *store.Store, me int64, target *model.Account) error {
		if err := s.queueBlock(ctx, tx, v.Account, target, "Undo:Block"); err != nil {
			return err
		}
		return tx.DeleteBlock(ctx, me, targetID)
	})
}

// queueBlock queues a Block or its Undo (kind) of a remote target by a
// local actor; the block row, which must still exist, names the Block
// (both carry the same id). Nothing when there is none (unblocking
// someone not blocked).
func (s *Service) queueBlock(ctx context.Context, tx *store.Store, actor, target *model.Account, kind string) error {
	if !actor.Local() || target.Local() {
		return nil
	}
	id, err := tx.BlockID(ctx, actor.ID, target.ID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return s.queueDelivery(ctx, tx, actor, kind, id, target.ID, "")
}

// MuteOptions are the settings of a mute.
type MuteOptions struct {
	Notifications bool          // hide the target's notifications too (Mastodon's default)
	Duration      time.Duration // 0 = until unmuted
}

// Mute hides targetID's posts (and, by default, notifications) from the
// viewer, for a while or for good; muting again changes the settings. The
// target's posts leave the viewer's home feed at once. Muting oneself does
// nothing, as in Mastodon's MuteService.
func (s *Service) Mute(ctx context.Context, v *model.Viewer, targetID int64, opt MuteOptions) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, targetID, func(tx *store.Store, me int64, target *model.Account) error {
		if targetID == me {
			return nil
		}
		now := time.Now()
		m := &model.Mute{ID: ids.New(), AccountID: me, TargetAccountID: targetID,
			HideNotifications: opt.Notifications, CreatedAt: now}
		if opt.Duration > 0 {
			exp := now.Add(opt.Duration)
			m.ExpiresAt = &exp
		}
		if err := tx.UpsertMute(ctx, m); err != nil {
			return err
		}
		return tx.DeleteFeedByAuthor(ctx, me, targetID)
	})
}

// Unmute lifts the viewer's mute of targetID; if the viewer follows them,
// their recent posts come back into the home feed (Mastodon's
// UnmuteService merges them again).
func (s *Service) Unmute(ctx context.Context, v *model.Viewer, targetID int64) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, targetID, func(tx *store.Store, me int64, target *model.Account) error {
		if err := tx.DeleteMute(ctx, me, targetID); err != nil {
			return err
		}
		if _, err := tx.FollowBetween(ctx, me, targetID); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return nil
			}
			return err
		}
		return s.backfillFeed(ctx, tx, me, targetID)
	})
}

// maxNoteLength is Mastodon's AccountNote::COMMENT_SIZE_LIMIT.
const maxNoteLength = 2000

// SetAccountNote saves the viewer's private comment on targetID; an empty
// comment removes it.
func (s *Service) SetAccountNote(ctx context.Context, v *model.Viewer, targetID int64, comment string) (*model.Relationship, error) {
	if strings.TrimSpace(comment) == "" {
		comment = "" // Mastodon deletes the note when the comment is blank
	}
	if len([]rune(comment)) > maxNoteLength {
		return nil, fault.Unprocessable("Validation failed: Comment is too long (maximum is 2000 characters)")
	}
	return s.relationshipChange(ctx, v, targetID, func(tx *store.Store, me int64, target *model.Account) error {
		return tx.SetAccountNote(ctx, me, targetID, comment)
	})
}
