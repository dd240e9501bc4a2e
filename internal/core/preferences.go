package core

import (
	"context"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// PostingDefaults are what a new post starts with: Mastodon's
// posting:default:visibility, :sensitive and :language preferences.
type PostingDefaults struct {
	Privacy   model.Visibility // public, unlisted or private
	Sensitive bool
	Language  string // ISO 639 code, "" to leave it unset
}

// SetPostingDefaults saves the viewer's posting defaults, as the
// preferences page does: only the user's row changes, so unlike
// UpdateCredentials nothing is sent to followers' servers. Every node
// drops the viewer it cached, which carries the old defaults. Invalid
// values are 422 with Mastodon's messages.
func (c *Core) SetPostingDefaults(ctx context.Context, v *model.Viewer, d PostingDefaults) (*model.Viewer, error) {
	switch d.Privacy {
	case model.Public, model.Unlisted, model.Private:
	default:
		return nil, fault.Unprocessable("Validation failed: Default privacy is not included in the list")
	}
	if !validLanguage(d.Language) {
		return nil, fault.Unprocessable("Validation failed: Default language is not included in the list")
	}
	var fresh *model.Viewer
	err := c.Store.InTx(ctx, func(tx *store.Store) error {
		user, err := tx.UserByAccountID(ctx, v.AccountID())
		if err != nil {
			return err
		}
		user.DefaultPrivacy, user.DefaultSensitive, user.DefaultLanguage = d.Privacy, d.Sensitive, strings.ToLower(d.Language)
		if err := tx.UpdateUserPreferences(ctx, user); err != nil {
			return err
		}
		fresh = &model.Viewer{Token: v.Token, Account: v.Account, User: user}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, user.AccountID, user.AccountID, "")
	})
	if err != nil {
		return nil, err
	}
	c.forgetAccount(v.AccountID())
	return fresh, nil
}
