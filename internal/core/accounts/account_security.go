package accounts

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// The account page's use cases: a user's email and password, and the
// browser sessions and apps signed in as them.

// ChangeEmail gives the viewer a new email address once their current
// password is confirmed. Failures are a *ValidationError (current_password,
// email) with Devise's messages.
func (s *Service) ChangeEmail(ctx context.Context, v *model.Viewer, currentPassword, email string) error {
	email = strings.TrimSpace(email)
	return s.store.InTx(ctx, func(tx *store.Store) error {
		user, err := tx.UserByAccountID(ctx, v.AccountID())
		if err != nil {
			return err
		}
		verr := &ValidationError{}
		checkCurrentPassword(verr, user, currentPassword)
		switch {
		case email == "":
			verr.add("email", "Email", "ERR_BLANK", "can't be blank")
		case !validEmail(email):
			verr.add("email", "Email", "ERR_INVALID", "is invalid")
		default:
			if other, err := tx.UserByEmail(ctx, email); err == nil && other.AccountID != user.AccountID {
				verr.add("email", "Email", "ERR_TAKEN", "has already been taken")
			} else if err != nil && !errors.Is(err, model.ErrNotFound) {
				return err
			}
		}
		if len(verr.Fields) > 0 {
			return verr
		}
		if err := tx.SetUserEmail(ctx, user.AccountID, email); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				verr.add("email", "Email", "ERR_TAKEN", "has already been taken")
				return verr
			}
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, user.AccountID, user.AccountID, "")
	})
}

// ChangePassword sets the viewer's new password once the current one is
// confirmed and the new one typed twice alike, and signs out every other
// browser session (keepSession is this browser's session secret), as
// Mastodon does on a password change. Apps keep their tokens, as in
// Mastodon; the account page lists them to revoke. Failures are a
// *ValidationError (current_password, password, password_confirmation).
func (s *Service) ChangePassword(ctx context.Context, v *model.Viewer, keepSession, currentPassword, password, confirmation string) error {
	user, err := s.store.UserByAccountID(ctx, v.AccountID())
	if err != nil {
		return err
	}
	verr := &ValidationError{}
	checkCurrentPassword(verr, user, currentPassword)
	checkNewPassword(verr, password, confirmation)
	if len(verr.Fields) > 0 {
		return verr
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetUserPassword(ctx, user.AccountID, string(hash)); err != nil {
			return err
		}
		keep := ""
		if keepSession != "" {
			keep = HashSecret(keepSession)
		}
		return tx.DeleteAccountSessions(ctx, user.AccountID, keep)
	})
}

// checkCurrentPassword adds Devise's current_password error unless
// password is the user's.
func checkCurrentPassword(verr *ValidationError, user *model.User, password string) {
	switch {
	case password == "":
		verr.add("current_password", "Current password", "ERR_BLANK", "can't be blank")
	case bcrypt.CompareHashAndPassword([]byte(user.PasswordHash), []byte(password)) != nil:
		verr.add("current_password", "Current password", "ERR_INVALID", "is invalid")
	}
}

// checkNewPassword adds the errors of a new password and its confirmation,
// with the limits of registration.
func checkNewPassword(verr *ValidationError, password, confirmation string) {
	switch {
	case password == "":
		verr.add("password", "Password", "ERR_BLANK", "can't be blank")
	case utf8.RuneCountInString(password) < 8:
		verr.add("password", "Password", "ERR_TOO_SHORT", "is too short (minimum is 8 characters)")
	case len(password) > 72:
		verr.add("password", "Password", "ERR_TOO_LONG", "is too long (maximum is 72 characters)")
	case password != confirmation:
		verr.add("password_confirmation", "Password confirmation", "ERR_CONFIRMATION", "doesn't match Password")
	}
}

// SessionInfo is one of a user's browser sessions. ID names it in the
// revoke form: the hash of its cookie secret, which gives no way in.
type SessionInfo struct {
	ID                   string
	UserAgent            string
	CreatedAt, ExpiresAt time.Time
	Current              bool // the browser asking
}

// AccountSessions lists the viewer's live browser sessions, newest first;
// current is this browser's session secret.
func (s *Service) AccountSessions(ctx context.Context, v *model.Viewer, current string) ([]SessionInfo, error) {
	rows, err := s.store.AccountSessions(ctx, v.AccountID(), time.Now())
	if err != nil {
		return nil, err
	}
	currentHash := HashSecret(current)
	out := make([]SessionInfo, len(rows))
	for i, row := range rows {
		out[i] = SessionInfo{ID: row.IDHash, UserAgent: row.UserAgent, CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt,
			Current: current != "" && row.IDHash == currentHash}
	}
	return out, nil
}

// RevokeSession signs one of the viewer's browsers out; 404 when the
// viewer has no such session.
func (s *Service) RevokeSession(ctx context.Context, v *model.Viewer, id string) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		return fault.NotFoundOr(tx.DeleteAccountSession(ctx, v.AccountID(), id))
	})
}

// AuthorizedApp is an app holding live tokens of the viewer, as Mastodon's
// authorized applications list shows it: the scopes of all its tokens.
type AuthorizedApp struct {
	ID           int64
	Name         string
	Website      string
	Scopes       []string
	AuthorizedAt time.Time // its first live token
}

// AuthorizedApps lists the apps signed in as the viewer, first authorized
// first.
func (s *Service) AuthorizedApps(ctx context.Context, v *model.Viewer) ([]AuthorizedApp, error) {
	tokens, err := s.store.AccountAppTokens(ctx, v.AccountID())
	if err != nil {
		return nil, err
	}
	var out []AuthorizedApp
	index := map[int64]int{}
	for _, t := range tokens {
		i, ok := index[t.AppID]
		if !ok {
			i = len(out)
			index[t.AppID] = i
			out = append(out, AuthorizedApp{ID: t.AppID, Name: t.AppName, Website: t.Website, AuthorizedAt: t.CreatedAt})
		}
		for _, name := range t.Scopes {
			if !containsString(out[i].Scopes, name) {
				out[i].Scopes = append(out[i].Scopes, name)
			}
		}
	}
	for i := range out {
		sort.Strings(out[i].Scopes)
	}
	return out, nil
}

// RevokeAppAuthorization revokes every token of the viewer's held by app,
// as Mastodon's "Revoke" on an authorized application; every node drops
// them at once. 404 when the app holds none.
func (s *Service) RevokeAppAuthorization(ctx context.Context, v *model.Viewer, appID int64) error {
	var revoked []int64
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		tokens, err := tx.AccountAppTokens(ctx, v.AccountID())
		if err != nil {
			return err
		}
		for _, t := range tokens {
			if t.AppID != appID {
				continue
			}
			if _, err := tx.RevokeToken(ctx, t.TokenID); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, store.EventTokenRevoked, t.TokenID, v.AccountID(), ""); err != nil {
				return err
			}
			revoked = append(revoked, t.TokenID)
		}
		if len(revoked) == 0 {
			return fault.ErrRecordNotFound
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range revoked {
		s.ForgetToken(id)
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
