package federation

import (
	"context"
	"errors"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// ReceiveLike records a remote actor's Like of a status it may see: the
// favourite counts and notifies the author, once however often it comes.
func (s *Service) ReceiveLike(ctx context.Context, actor *model.Account, st *model.Status) error {
	if _, err := s.visibleStatus(ctx, actor.ID, st.ID); err != nil {
		return rejected("%s may not see status %d", actor.Acct(), st.ID)
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		inserted, err := tx.InsertFavourite(ctx, actor.ID, st.ID)
		if err != nil || !inserted {
			return err
		}
		if err := tx.AddStatusCounts(ctx, st.ID, 0, 0, 1); err != nil {
			return err
		}
		author, err := tx.AccountByID(ctx, st.AccountID)
		if err != nil {
			return fault.NotFoundOr(err)
		}
		return s.notifications.Notify(ctx, tx, author, actor.ID, model.NotifyFavourite, st)
	})
}

// ReceiveUndoLike takes a remote actor's favourite back.
func (s *Service) ReceiveUndoLike(ctx context.Context, actor *model.Account, st *model.Status) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		deleted, err := tx.DeleteFavourite(ctx, actor.ID, st.ID)
		if err != nil || !deleted {
			return err
		}
		if err := tx.AddStatusCounts(ctx, st.ID, 0, 0, -1); err != nil {
			return err
		}
		return tx.DeleteNotificationsAbout(ctx, st.AccountID, actor.ID, model.NotifyFavourite, st.ID)
	})
}

// ReceiveAnnounce records a remote actor's boost (its Announce id is the
// boost's uri) of a status it may see and may boost: never a direct post,
// and a followers-only one only by its author, as StatusPolicy#reblog?.
// visibility is what the Announce's addressing says.
func (s *Service) ReceiveAnnounce(ctx context.Context, actor *model.Account, orig *model.Status, uri string,
	published time.Time, visibility model.Visibility) error {
	if orig.ReblogOfID != 0 || orig.Visibility == model.Direct ||
		(orig.Visibility == model.Private && orig.AccountID != actor.ID) {
		return rejected("%s may not boost status %d", actor.Acct(), orig.ID)
	}
	if _, err := s.visibleStatus(ctx, actor.ID, orig.ID); err != nil {
		return rejected("%s may not see status %d", actor.Acct(), orig.ID)
	}
	if _, err := s.store.ReblogBy(ctx, actor.ID, orig.ID); err == nil {
		return nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	if visibility == model.Direct || !visibility.Valid() {
		visibility = model.Public
	}
	if orig.Visibility == model.Private {
		visibility = model.Private
	}
	at := clampPublished(published)
	boost := &model.Status{ID: ids.FromTime(at), AccountID: actor.ID, URI: uri, URL: uri, Visibility: visibility,
		ReblogOfID: orig.ID, ConversationID: orig.ConversationID, CreatedAt: at}
	for attempt := 1; ; attempt++ {
		err := s.store.InTx(ctx, func(tx *store.Store) error {
			if err := s.recordStatus(ctx, tx, boost, nil, nil, nil); err != nil {
				return err
			}
			origAuthor, err := tx.AccountByID(ctx, orig.AccountID)
			if err != nil {
				return fault.NotFoundOr(err)
			}
			return s.notifications.Notify(ctx, tx, origAuthor, actor.ID, model.NotifyReblog, boost)
		})
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrDuplicate) {
			return err
		}
		if _, err := s.store.ReblogBy(ctx, actor.ID, orig.ID); err == nil {
			return nil // the same boost, stored by a concurrent delivery
		}
		if attempt == maxIDAttempts {
			return err
		}
		boost.ID = ids.FromTime(at) // the id drawn was taken
	}
	s.wake()
	return nil
}

// ReceiveUndoAnnounce removes a remote actor's boost by its Announce id;
// only the booster can take it back.
func (s *Service) ReceiveUndoAnnounce(ctx context.Context, actor *model.Account, uri string) error {
	if err := s.checkRemoteObject(actor, uri); err != nil {
		return err // a tombstone for another host's URI would let anyone censor it
	}
	boost, err := s.store.RemoteReblogByURI(ctx, uri)
	if errors.Is(err, model.ErrNotFound) {
		return s.Remember(ctx, actor, uri)
	}
	if err != nil {
		return err
	}
	if boost.AccountID != actor.ID {
		return rejected("%s cannot undo a boost by account %d", actor.Acct(), boost.AccountID)
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error { return s.removeStatus(ctx, tx, boost) })
	if err == nil {
		s.statusChanged(boost.ID)
	}
	return err
}

// ReceiveBlock applies a remote actor's Block of a local account: follows
// and requests end both ways, as for a local block (Mastodon does not
// tell the blocked user).
func (s *Service) ReceiveBlock(ctx context.Context, actor, target *model.Account) error {
	_, err := s.social.Block(ctx, &model.Viewer{Account: actor}, target.ID)
	return err
}

// ReceiveUndoBlock lifts a remote actor's block of a local account.
func (s *Service) ReceiveUndoBlock(ctx context.Context, actor, target *model.Account) error {
	_, err := s.social.Unblock(ctx, &model.Viewer{Account: actor}, target.ID)
	return err
}

// ReceivePin pins (or unpins) a remote actor's own status on its profile,
// after an Add to (Remove from) its featured collection.
func (s *Service) ReceivePin(ctx context.Context, actor *model.Account, st *model.Status, pinned bool) error {
	if actor.Local() || st.AccountID != actor.ID || st.ReblogOfID != 0 || st.Visibility == model.Direct {
		return rejected("%s cannot pin status %d", actor.Acct(), st.ID)
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if pinned {
			err = tx.InsertPin(ctx, actor.ID, st.ID)
		} else {
			err = tx.DeletePin(ctx, actor.ID, st.ID)
		}
		if err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, actor.ID, actor.ID, "pins")
	})
}

// ReceiveActorDelete handles a remote actor deleting itself: the account
// is marked gone and suspended (hidden everywhere, as Mastodon suspends it
// with origin remote) and every follow and request it is part of ends.
func (s *Service) ReceiveActorDelete(ctx context.Context, actor *model.Account) error {
	if actor.Local() {
		return rejected("a remote cannot delete local account %s", actor.Acct())
	}
	if err := s.MarkRemoteAccountGone(ctx, actor.ID); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		pairs, err := tx.FollowPairsOf(ctx, actor.ID)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			if p.Request {
				err = s.social.RemoveFollowRequest(ctx, tx, p.AccountID, p.TargetAccountID)
			} else {
				err = s.social.RemoveFollow(ctx, tx, p.AccountID, p.TargetAccountID)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// ReceiveStatusDelete deletes a remote status by its id when actor wrote
// it, with its boosts; a status not seen yet is remembered (tombstone) so
// it is dropped if its Create arrives late. Someone else's status is not
// touched.
func (s *Service) ReceiveStatusDelete(ctx context.Context, actor *model.Account, uri string) error {
	if err := s.checkRemoteObject(actor, uri); err != nil {
		return err // a tombstone for another host's URI would let anyone censor it
	}
	st, err := s.store.StatusByURI(ctx, uri)
	if errors.Is(err, model.ErrNotFound) {
		return s.Remember(ctx, actor, uri)
	}
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID || st.Local {
		return rejected("%s cannot delete status %d of account %d", actor.Acct(), st.ID, st.AccountID)
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		boosts, err := tx.ReblogsOf(ctx, st.ID)
		if err != nil {
			return err
		}
		for _, b := range boosts {
			if err := s.removeStatus(ctx, tx, b); err != nil {
				return err
			}
		}
		if err := s.removeStatus(ctx, tx, st); err != nil {
			return err
		}
		return tx.InsertTombstone(ctx, uri, actor.ID, time.Now())
	})
	if err == nil {
		s.statusChanged(st.ID)
	}
	return err
}

// clampPublished is a remote object's time as Herd files it: its published
// time, but never in the future (Mastodon clamps the id's time to now, so
// a remote cannot pin a post on top of every timeline), nor unset.
func clampPublished(t time.Time) time.Time {
	now := time.Now()
	if t.IsZero() || t.After(now) {
		return now
	}
	return t
}
