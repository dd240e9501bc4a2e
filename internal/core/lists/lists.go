package lists

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

const (
	// PerAccountLimit is how many lists an account may have, Mastodon's
	// List::PER_ACCOUNT_LIMIT.
	PerAccountLimit = 50
	// TitleLimit is the longest title in characters, Mastodon's
	// List::TITLE_LENGTH_LIMIT.
	TitleLimit = 256
)

// Input is what creating or updating a list sets; a nil field is left as
// it is (a new list: title required, replies policy "list", not
// exclusive), as Mastodon's params.permit(:title, :replies_policy,
// :exclusive).
type Input struct {
	Title         *string
	RepliesPolicy *string
	Exclusive     *bool
}

// Lists returns the viewer's lists, oldest first.
func (s *Service) Lists(ctx context.Context, v *model.Viewer) ([]*model.List, error) {
	return s.store.ListsOf(ctx, v.AccountID())
}

// List returns one of the viewer's lists; another user's list is
// Mastodon's 404, as if it did not exist.
func (s *Service) List(ctx context.Context, v *model.Viewer, id int64) (*model.List, error) {
	return owned(ctx, s.store, v, id)
}

// Owner says whose a list is (the streaming API checks a list stream's
// owner with it).
func (s *Service) Owner(ctx context.Context, id int64) (int64, error) {
	l, err := s.store.ListByID(ctx, id)
	if err != nil {
		return 0, fault.NotFoundOr(err)
	}
	return l.AccountID, nil
}

func owned(ctx context.Context, st *store.Store, v *model.Viewer, id int64) (*model.List, error) {
	l, err := st.ListByID(ctx, id)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	if l.AccountID != v.AccountID() {
		return nil, fault.ErrRecordNotFound
	}
	return l, nil
}

// apply checks in and sets it on l, with Mastodon's validation messages.
func apply(l *model.List, in Input) error {
	if in.Title != nil {
		l.Title = *in.Title
	}
	if in.RepliesPolicy != nil {
		l.RepliesPolicy = *in.RepliesPolicy
	}
	if in.Exclusive != nil {
		l.Exclusive = *in.Exclusive
	}
	switch {
	case strings.TrimSpace(l.Title) == "":
		return fault.Unprocessable("Validation failed: Title can't be blank")
	case utf8.RuneCountInString(l.Title) > TitleLimit:
		return fault.Unprocessable("Validation failed: Title is too long (maximum is 256 characters)")
	}
	switch l.RepliesPolicy {
	case model.RepliesFollowed, model.RepliesList, model.RepliesNone:
	default:
		return fault.Unprocessable("Validation failed: Replies policy is not included in the list")
	}
	return nil
}

// Create makes a list for the viewer; the 51st is refused.
func (s *Service) Create(ctx context.Context, v *model.Viewer, in Input) (*model.List, error) {
	now := time.Now()
	l := &model.List{ID: ids.New(), AccountID: v.AccountID(), RepliesPolicy: model.RepliesList, CreatedAt: now, UpdatedAt: now}
	if err := apply(l, in); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		n, err := tx.CountListsOf(ctx, l.AccountID)
		if err != nil {
			return err
		}
		if n >= PerAccountLimit {
			return fault.Unprocessable("Validation failed: You have reached the maximum number of lists")
		}
		return tx.InsertList(ctx, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Update changes one of the viewer's lists. A list made exclusive takes
// its members' posts out of the home feed; one made inclusive again puts
// their latest back.
func (s *Service) Update(ctx context.Context, v *model.Viewer, id int64, in Input) (*model.List, error) {
	var out *model.List
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		l, err := owned(ctx, tx, v, id)
		if err != nil {
			return err
		}
		was := l.Exclusive
		if err := apply(l, in); err != nil {
			return err
		}
		l.UpdatedAt = time.Now()
		if err := tx.UpdateList(ctx, l); err != nil {
			return err
		}
		if was != l.Exclusive {
			members, err := tx.ListMemberIDs(ctx, l.ID, rebuildMembers)
			if err != nil {
				return err
			}
			for _, m := range members {
				if err := homeFeedFor(ctx, tx, l.AccountID, m, l.Exclusive); err != nil {
					return err
				}
			}
		}
		out = l
		return nil
	})
	return out, err
}

// Delete removes one of the viewer's lists with its feed; the members of
// an exclusive list come back to the home feed.
func (s *Service) Delete(ctx context.Context, v *model.Viewer, id int64) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		l, err := owned(ctx, tx, v, id)
		if err != nil {
			return err
		}
		members, err := tx.ListMemberIDs(ctx, l.ID, rebuildMembers)
		if err != nil {
			return err
		}
		if err := tx.DeleteList(ctx, l.ID); err != nil {
			return err
		}
		if !l.Exclusive {
			return nil
		}
		for _, m := range members {
			if err := homeFeedFor(ctx, tx, l.AccountID, m, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// homeFeedFor brings owner's home feed in line with member's place in an
// exclusive list: out of it when exclusive, otherwise the member's latest
// statuses back, if the owner follows the member (store.BackfillFeed
// leaves them out while another exclusive list still holds the member).
// The owner's own posts always stay home, as in Mastodon.
func homeFeedFor(ctx context.Context, tx *store.Store, owner, member int64, exclusive bool) error {
	if member == owner {
		return nil
	}
	if exclusive {
		return tx.DeleteHomeFeedByAuthor(ctx, owner, member)
	}
	following, err := tx.FollowersAmong(ctx, member, []int64{owner})
	if err != nil || len(following) == 0 {
		return err
	}
	return tx.BackfillFeed(ctx, owner, member, rebuildPerMember)
}
