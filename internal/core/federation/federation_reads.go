package federation

import (
	"context"
	"errors"
	"time"

	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// The read side of federation: what other servers may fetch without a
// signature (actors, public and unlisted statuses, collections). Private
// and direct statuses are never answered here; signed fetches (authorized
// fetch) will widen this later.

// ErrAccountGone answers fetches of a suspended account and its statuses,
// as Mastodon answers 410 for them.
var ErrAccountGone = fault.Gone("Gone")

// OutboxPageSize and CollectionPageSize are Mastodon's page sizes for the
// outbox (OutboxController::LIMIT) and follower lists (FOLLOW_PER_PAGE).
const (
	OutboxPageSize     = 20
	CollectionPageSize = 12
	// RepliesPageSize is Mastodon's DESCENDANTS_LIMIT for replies pages;
	// EmbeddedReplies is how many self-replies a Note carries inline.
	RepliesPageSize = 60
	EmbeddedReplies = 5
)

// PublishedAccount finds the local account an actor URL names: 404 when
// unknown or awaiting approval, 410 when suspended.
func (s *Service) PublishedAccount(ctx context.Context, username string) (*model.Account, error) {
	a, err := s.store.PublishedLocalAccount(ctx, username)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	if a.Suspended() {
		return nil, ErrAccountGone
	}
	return a, nil
}

// StatusBundle is a set of statuses with everything their ActivityPub
// documents name: authors, mentioned accounts, the statuses they answer
// or boost, tags and the first self-replies. It is loaded in a fixed
// number of queries whatever its size.
type StatusBundle struct {
	Statuses    []*model.Status
	Accounts    map[int64]*model.Account // authors, mentioned accounts, authors of Parents
	Parents     map[int64]*model.Status  // statuses replied to or boosted, by id
	Mentions    map[int64][]int64        // status id → mentioned account ids
	Tags        map[int64][]model.Tag
	SelfReplies map[int64][]store.StatusRef
	Media       map[int64][]*model.MediaAttachment // status id → attachments, upload order

	// The page's bounds before statuses were dropped (outbox paging):
	// newest and oldest id, and whether the page was full.
	NewestID, OldestID int64
	Full               bool
}

// PublishedStatus loads a status of the account named username that the
// public may see (public or unlisted, or a boost of such a status): 404
// for anything else, 410 when the account is suspended.
func (s *Service) PublishedStatus(ctx context.Context, username string, id int64) (*StatusBundle, error) {
	author, err := s.PublishedAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	st, err := s.store.StatusByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) || (err == nil && (st.AccountID != author.ID || !published(st))) {
		return nil, fault.ErrRecordNotFound
	}
	if err != nil {
		return nil, err
	}
	b, err := s.Bundle(ctx, []*model.Status{st})
	if err != nil {
		return nil, err
	}
	if len(b.Statuses) == 0 {
		return nil, fault.ErrRecordNotFound // a boost of something no longer public
	}
	return b, nil
}

// PublishedOutbox pages an account's public and unlisted statuses and
// boosts, newest first.
func (s *Service) PublishedOutbox(ctx context.Context, a *model.Account, p model.Page) (*StatusBundle, error) {
	p.Limit = OutboxPageSize
	list, err := s.store.PublishedStatusesPage(ctx, a.ID, p)
	if err != nil {
		return nil, err
	}
	b, err := s.Bundle(ctx, list)
	if err != nil {
		return nil, err
	}
	if len(list) > 0 {
		b.NewestID, b.OldestID, b.Full = list[0].ID, list[len(list)-1].ID, len(list) == p.Limit
	}
	return b, nil
}

// PublishedFeatured loads an account's pinned public and unlisted
// statuses (its featured collection).
func (s *Service) PublishedFeatured(ctx context.Context, a *model.Account) (*StatusBundle, error) {
	list, err := s.store.PublishedPinnedStatuses(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	return s.Bundle(ctx, list)
}

// PublishedFollowers pages the actor ids following a, page numbers from
// 1; 403 when the account hides its collections (Mastodon then publishes
// only the count).
func (s *Service) PublishedFollowers(ctx context.Context, a *model.Account, page int) ([]string, error) {
	if a.HideCollections {
		return nil, fault.Forbidden("This action is not allowed")
	}
	return s.store.FollowerURIs(ctx, a.ID, (page-1)*CollectionPageSize, CollectionPageSize)
}

// PublishedFollowing pages the actor ids a follows, like PublishedFollowers.
func (s *Service) PublishedFollowing(ctx context.Context, a *model.Account, page int) ([]string, error) {
	if a.HideCollections {
		return nil, fault.Forbidden("This action is not allowed")
	}
	return s.store.FollowingURIs(ctx, a.ID, (page-1)*CollectionPageSize, CollectionPageSize)
}

// PublishedReplies pages the public and unlisted replies to st after
// minID, oldest first: its author's own, or (otherAccounts) everyone
// else's, as Mastodon's replies collection serves them.
func (s *Service) PublishedReplies(ctx context.Context, st *model.Status, otherAccounts bool, minID int64) ([]store.StatusRef, error) {
	return s.store.PublishedReplies(ctx, st.ID, st.AccountID, !otherAccounts, minID, RepliesPageSize)
}

// published reports whether the public may fetch st.
func published(st *model.Status) bool {
	return st.Visibility == model.Public || st.Visibility == model.Unlisted
}

// Bundle loads what the documents of statuses name, dropping boosts whose
// original the public may not see (or that is gone) and statuses whose
// author is suspended. Core loads the status of an outgoing activity
// through it too (DeliveryStatus).
func (s *Service) Bundle(ctx context.Context, statuses []*model.Status) (*StatusBundle, error) {
	b := &StatusBundle{}
	ids := make([]int64, 0, len(statuses))
	var parentIDs []int64
	var withMedia []int64
	for _, st := range statuses {
		ids = append(ids, st.ID)
		if st.HasMedia {
			withMedia = append(withMedia, st.ID)
		}
		if st.InReplyToID != 0 {
			parentIDs = append(parentIDs, st.InReplyToID)
		}
		if st.ReblogOfID != 0 {
			parentIDs = append(parentIDs, st.ReblogOfID)
		}
	}
	var err error
	if b.Parents, err = s.store.StatusesByIDs(ctx, parentIDs); err != nil {
		return nil, err
	}
	if b.Mentions, err = s.store.MentionsByStatusIDs(ctx, ids); err != nil {
		return nil, err
	}
	if b.Tags, err = s.store.TagsByStatusIDs(ctx, ids); err != nil {
		return nil, err
	}
	if b.SelfReplies, err = s.store.SelfReplies(ctx, ids, EmbeddedReplies); err != nil {
		return nil, err
	}
	if b.Media, err = s.store.MediaByStatusIDs(ctx, withMedia); err != nil {
		return nil, err
	}
	var accountIDs []int64
	for _, st := range statuses {
		accountIDs = append(accountIDs, st.AccountID)
		accountIDs = append(accountIDs, b.Mentions[st.ID]...)
	}
	for _, p := range b.Parents {
		accountIDs = append(accountIDs, p.AccountID)
	}
	if b.Accounts, err = s.store.AccountsByIDs(ctx, accountIDs); err != nil {
		return nil, err
	}
	for _, st := range statuses {
		if author := b.Accounts[st.AccountID]; author == nil || author.Suspended() {
			continue
		}
		if st.ReblogOfID != 0 {
			orig := b.Parents[st.ReblogOfID]
			if orig == nil || !published(orig) {
				continue
			}
			if a := b.Accounts[orig.AccountID]; a == nil || a.Suspended() {
				continue
			}
		}
		b.Statuses = append(b.Statuses, st)
	}
	return b, nil
}

// InstanceActorKeys returns the instance actor's key pair (PEM), making
// and storing one on first use. Every node ends up with the same pair:
// the first insert wins and the others read it back.
func (s *Service) InstanceActorKeys(ctx context.Context) (publicKey, privateKey string, err error) {
	pub, priv, err := s.store.InstanceActorKeys(ctx)
	if err == nil {
		return pub, priv, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return "", "", err
	}
	priv, pub, err = accounts.NewKeyPair()
	if err != nil {
		return "", "", err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.InsertInstanceActorKeys(ctx, pub, priv, time.Now()); err != nil {
			return err
		}
		pub, priv, err = tx.InstanceActorKeys(ctx)
		return err
	})
	return pub, priv, err
}
