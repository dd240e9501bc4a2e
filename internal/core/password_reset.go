package core

import (
	"context"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// Mailer sends mail for the instance (the mail package's SMTP sender).
type Mailer interface {
	// Send delivers a plain-text message to one address.
	Send(ctx context.Context, to, subject, body string) error
}

// SetMailer lets core send mail; without one, nothing that needs it is
// offered (password resets among them).
func (c *Core) SetMailer(m Mailer) { c.mailer = m }

// MailEnabled reports whether the instance can send mail.
func (c *Core) MailEnabled() bool { return c.mailer != nil }

// Password reset links: valid for an hour, once; a new one is mailed at
// most every two minutes per account, so the form cannot flood a mailbox.
const (
	PasswordResetLifetime = time.Hour
	passwordResetInterval = 2 * time.Minute
	mailTimeout           = time.Minute
)

// ErrMailDisabled answers what needs mail on an instance without it.
var ErrMailDisabled = fault.NotFound("This server cannot send mail")

// RequestPasswordReset mails a password reset link to the user with this
// email, if there is one who may sign in. It answers the same whether
// there is or not, and does not wait for the mail (sent in the
// background), so neither the answer nor its time tells whether an
// address has an account here.
func (c *Core) RequestPasswordReset(ctx context.Context, email string) error {
	if c.mailer == nil {
		return ErrMailDisabled
	}
	user, err := c.Store.UserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	acct, err := c.Store.AccountByID(ctx, user.AccountID)
	if err != nil {
		return err
	}
	if acct.Suspended() || !user.Approved {
		return nil
	}
	secret := NewSecret()
	now := time.Now()
	sent := false
	err = c.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteExpiredPasswordResets(ctx, now); err != nil {
			return err
		}
		last, err := tx.LatestPasswordReset(ctx, user.AccountID, now)
		if err == nil && now.Sub(last) < passwordResetInterval {
			return nil // the last link is on its way
		}
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		sent = true
		return tx.ReplacePasswordReset(ctx, HashSecret(secret), user.AccountID, now, now.Add(PasswordResetLifetime))
	})
	if err != nil || !sent {
		return err
	}
	link := c.BaseURL() + "/auth/password/edit?token=" + secret
	body := "Someone asked to change the password of @" + acct.Username + " on " + c.Config.Domain + ".\n\n" +
		"To choose a new password, open this link within an hour:\n\n" + link + "\n\n" +
		"It works once. If you did not ask for it, ignore this message: your password stays as it is.\n"
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), mailTimeout)
		defer cancel()
		if err := c.mailer.Send(ctx, user.Email, "Reset your password on "+c.Config.Domain, body); err != nil {
			c.Log.Warn("password reset mail", "account", acct.ID, "err", err)
		}
	}()
	return nil
}

// ErrPasswordResetInvalid answers a reset link that is unknown, used or expired.
var ErrPasswordResetInvalid = fault.NotFound("This link to reset your password is invalid or has expired. Ask for a new one.")

// CheckPasswordReset tells whether a reset link still works, before its
// form is shown.
func (c *Core) CheckPasswordReset(ctx context.Context, token string) error {
	if token == "" {
		return ErrPasswordResetInvalid
	}
	_, err := c.Store.PasswordResetByHash(ctx, HashSecret(token), time.Now())
	if errors.Is(err, model.ErrNotFound) {
		return ErrPasswordResetInvalid
	}
	return err
}

// ResetPassword sets a new password through a reset link, which then
// stops working. Every browser session of the account is signed out and
// every app token revoked, as Mastodon does after a reset: whoever knew
// the old password keeps no way in. A bad new password is a
// *ValidationError and leaves the link usable.
func (c *Core) ResetPassword(ctx context.Context, token, password, confirmation string) error {
	verr := &ValidationError{}
	checkNewPassword(verr, password, confirmation)
	if len(verr.Fields) > 0 {
		if err := c.CheckPasswordReset(ctx, token); err != nil {
			return err
		}
		return verr
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	var accountID int64
	err = c.Store.InTx(ctx, func(tx *store.Store) error {
		id, err := tx.TakePasswordReset(ctx, HashSecret(token), time.Now())
		if errors.Is(err, model.ErrNotFound) {
			return ErrPasswordResetInvalid
		}
		if err != nil {
			return err
		}
		accountID = id
		if err := tx.SetUserPassword(ctx, id, string(hash)); err != nil {
			return err
		}
		if err := tx.DeleteAccountSessions(ctx, id, ""); err != nil {
			return err
		}
		if err := tx.RevokeAccountTokens(ctx, id); err != nil {
			return err
		}
		// Every node drops the account's cached token viewers.
		return tx.AppendEvent(ctx, store.EventAccountUpdated, id, id, "")
	})
	if err != nil {
		return err
	}
	c.forgetAccount(accountID)
	return nil
}
