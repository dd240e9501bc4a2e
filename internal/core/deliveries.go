package core

import (
	"context"
	"errors"
	"slices"

	"herd/internal/model"
	"herd/internal/store"
)

// The activities local use cases queue for other servers (the delivery
// worker builds each from its Delivery; see outbox.go):
//
//	Create, Update      ObjectID status; Followers unless direct; AccountIDs and
//	                    ThreadFollowersOf as statusDelivery
//	Delete              ObjectID status (row gone), URI its id; audience taken before the delete
//	Announce            ObjectID the boost; Followers; AccountIDs the boosted author
//	Undo:Announce       ObjectID the boost (row gone); URI the boosted status's id; audience as Announce
//	Like, Undo:Like     ObjectID the favourite (names the Like); TargetID the author; URI the status's id
//	Follow, Undo:Follow ObjectID follow or request; TargetID followed; URI the Follow's id (social's followURI)
//	Accept, Reject      ObjectID follow or request; TargetID follower; URI the Follow's id (theirs)
//	Block, Undo:Block   ObjectID block (names the Block); TargetID blocked
//	Update:Person       Followers
//	Add, Remove         ObjectID the pinned status; Followers
//
// (outbox.go says how the worker reads each.) TargetID and AccountIDs name
// remote accounts only.

// queueDelivery enqueues d, from actor, inside tx unless no other server
// would receive it. Only a local actor sends: a remote actor's own action
// was announced by its server. d names remote accounts only, so a TargetID
// or any AccountIDs is a remote recipient; otherwise only the actor's
// remote followers could be, which one index probe tells, so a post on an
// instance nobody remote follows queues nothing.
func (c *Core) queueDelivery(ctx context.Context, tx *store.Store, actor *model.Account, d Delivery) error {
	if actor == nil || !actor.Local() {
		return nil
	}
	d.ActorID = actor.ID
	if d.TargetID == 0 && len(d.AccountIDs) == 0 {
		heard, err := anyRemoteFollower(ctx, tx, d)
		if err != nil || !heard {
			return err
		}
	}
	return EnqueueDelivery(ctx, tx, d)
}

// anyRemoteFollower reports whether the followers d reaches (the actor's,
// the thread author's) include a remote account.
func anyRemoteFollower(ctx context.Context, tx *store.Store, d Delivery) (bool, error) {
	var of []int64
	if d.Followers {
		of = append(of, d.ActorID)
	}
	if d.ThreadFollowersOf != 0 {
		of = append(of, d.ThreadFollowersOf)
	}
	for _, id := range of {
		if heard, err := tx.HasRemoteFollowers(ctx, id); err != nil || heard {
			return heard, err
		}
	}
	return false, nil
}

// distributable is Mastodon's StatusReachFinder#distributable?: public and
// unlisted posts also reach the replied-to author and, when edited or
// deleted, everyone who interacted with them.
func distributable(v model.Visibility) bool {
	return v == model.Public || v == model.Unlisted
}

// createDelivery is the Create of a new local status, from what the post
// already holds in memory (no query): the author's followers unless
// direct, the remote mentioned and, for a public or unlisted reply, the
// author replied to: remote, directly; local, through their followers.
func createDelivery(st, parent *model.Status, mentions []*model.Account) Delivery {
	d := Delivery{Kind: "Create", ObjectID: st.ID, Followers: st.Visibility != model.Direct}
	for _, m := range mentions {
		if !m.Local() {
			d.AccountIDs = append(d.AccountIDs, m.ID)
		}
	}
	if parent != nil && distributable(st.Visibility) {
		switch {
		case parent.Local:
			d.ThreadFollowersOf = threadAuthor(st, parent.AccountID)
		case !slices.Contains(d.AccountIDs, parent.AccountID):
			d.AccountIDs = append(d.AccountIDs, parent.AccountID)
		}
	}
	return d
}

// threadAuthor is the local author of the post st replies to, whose
// followers are reached too, or 0 when st's author answers themself.
func threadAuthor(st *model.Status, parentAuthorID int64) int64 {
	if parentAuthorID == st.AccountID {
		return 0
	}
	return parentAuthorID
}

// statusDelivery is an Update or Delete (kind) of a stored local status,
// addressed as Mastodon's StatusReachFinder does: the followers unless
// direct, the mentioned, the replied-to author (a local one through their
// followers) when distributable, and those who favourited, boosted or
// replied when distributable or, for a Delete, always. Call it before the
// status is deleted.
func statusDelivery(ctx context.Context, tx *store.Store, kind string, st *model.Status) (Delivery, error) {
	d := Delivery{Kind: kind, ObjectID: st.ID, Followers: st.Visibility != model.Direct}
	if kind == "Delete" {
		d.URI = st.URI
	}
	wide := distributable(st.Visibility)
	var err error
	if d.AccountIDs, err = tx.RemoteAudienceOf(ctx, st.ID, wide, wide || kind == "Delete"); err != nil {
		return d, err
	}
	if wide && st.InReplyToAccountID != 0 && st.InReplyToAccountID != st.AccountID {
		parentAuthor, err := tx.AccountByID(ctx, st.InReplyToAccountID)
		if err != nil {
			return d, ignoreNotFound(err)
		}
		if parentAuthor.Local() {
			d.ThreadFollowersOf = parentAuthor.ID
		}
	}
	return d, nil
}

// announceDelivery is the Announce of a local boost of orig, or its Undo
// (URI the boosted status's id, as the boost's row is gone when the worker
// runs): to the booster's followers and the boosted status's author.
func announceDelivery(boost, orig *model.Status, undo bool) Delivery {
	d := Delivery{Kind: "Announce", ObjectID: boost.ID, Followers: true}
	if undo {
		d.Kind = "Undo:Announce"
	}
	if orig != nil {
		if undo {
			d.URI = orig.URI
		}
		if !orig.Local {
			d.AccountIDs = []int64{orig.AccountID}
		}
	}
	return d
}

// deletionDelivery is what deleting a local status announces: a Delete,
// or for a boost the Undo of its Announce.
func (c *Core) deletionDelivery(ctx context.Context, tx *store.Store, st *model.Status) (Delivery, error) {
	if st.ReblogOfID == 0 {
		return statusDelivery(ctx, tx, "Delete", st)
	}
	orig, err := tx.StatusByID(ctx, st.ReblogOfID)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return Delivery{}, err
	}
	return announceDelivery(st, orig, true), nil
}

// queueFollowAnswer queues an Accept or Reject (kind) of follower's
// follow f of the local account target, inside tx; nothing is sent to a
// local follower. The social area's follow request use cases call it too
// (social.Deps.QueueFollowAnswer) when a locked account authorizes or
// rejects a remote request, or unlocks.
func (c *Core) queueFollowAnswer(ctx context.Context, tx *store.Store, target, follower *model.Account, f *model.Follow, kind string) error {
	if follower == nil || follower.Local() {
		return nil
	}
	return EnqueueDelivery(ctx, tx, Delivery{Kind: kind, ActorID: target.ID, ObjectID: f.ID, TargetID: follower.ID, URI: f.URI})
}
