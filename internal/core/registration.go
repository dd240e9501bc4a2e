package core

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// Registration is what someone signing up provides, through the API
// (POST /api/v1/accounts) or the sign-up page.
type Registration struct {
	Username  string
	Email     string
	Password  string
	Agreement bool   // the server rules and terms were accepted
	Locale    string // e.g. "en"
	Reason    string // why they want to join; required when approval is
	UserAgent string // the sign-up page's browser, kept with the session it opens
}

// FieldError is one failed validation of one field, as Mastodon's
// ValidationErrorFormatter reports it: a code (ERR_TAKEN…) and Rails'
// message without the attribute name.
type FieldError struct {
	Field       string // the parameter name: username, email, password, agreement, reason
	Label       string // how the full message names it: "Username"
	Code        string
	Description string
}

// ValidationError lists every field that failed, in order. It unwraps to
// a 422 *fault.Error carrying the full message, so any adapter can render it.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Label + " " + f.Description
	}
	return "Validation failed: " + strings.Join(parts, ", ")
}

// Unwrap lets AsError find the 422 inside.
func (e *ValidationError) Unwrap() error { return fault.Unprocessable(e.Error()) }

func (e *ValidationError) add(field, label, code, desc string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Label: label, Code: code, Description: desc})
}

// localeRE accepts BCP 47 language tags of the shape Mastodon's locales
// take ("en", "pt-BR", "zh-Hant").
var localeRE = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$`)

// ErrRegistrationsClosed is Mastodon's answer to a sign-up when
// registrations are closed (Api::BaseController#forbidden).
var ErrRegistrationsClosed = fault.Forbidden("This action is not allowed")

// RegistrationsOpen reports whether anyone may sign up (open or approval).
func (c *Core) RegistrationsOpen() bool { return c.Config.RegistrationMode != RegistrationsClosed }

// ApprovalRequired reports whether new accounts wait for a moderator.
func (c *Core) ApprovalRequired() bool { return c.Config.RegistrationMode == RegistrationsApproval }

// Register creates an account by the instance's registration mode: open
// makes it approved, approval leaves it pending (and requires a reason),
// closed refuses. Every invalid field is reported in a *ValidationError.
func (c *Core) Register(ctx context.Context, reg Registration) (*model.Account, *model.User, error) {
	return c.register(ctx, reg, nil)
}

func (c *Core) register(ctx context.Context, reg Registration, then func(context.Context, *store.Store, *model.Account) error) (*model.Account, *model.User, error) {
	if !c.RegistrationsOpen() {
		return nil, nil, ErrRegistrationsClosed
	}
	if verr := c.validateRegistration(ctx, &reg); verr != nil {
		return nil, nil, verr
	}
	return c.CreateAccount(ctx, NewAccount{
		Username: reg.Username, Email: reg.Email, Password: reg.Password, Reason: reg.Reason,
		Locale: reg.Locale, Approved: !c.ApprovalRequired(), Then: then,
	})
}

func (c *Core) validateRegistration(ctx context.Context, reg *Registration) error {
	reg.Username = strings.TrimSpace(reg.Username)
	reg.Email = strings.TrimSpace(reg.Email)
	reg.Reason = strings.TrimSpace(reg.Reason)
	v := &ValidationError{}
	switch u := reg.Username; {
	case u == "":
		v.add("username", "Username", "ERR_BLANK", "can't be blank")
	case len(u) > 30:
		v.add("username", "Username", "ERR_TOO_LONG", "is too long (maximum is 30 characters)")
	case !text.ValidUsername(u):
		v.add("username", "Username", "ERR_INVALID", "must contain only letters, numbers and underscores")
	case reservedUsernames[strings.ToLower(u)]:
		v.add("username", "Username", "ERR_RESERVED", "is reserved")
	default:
		if _, err := c.Store.AccountByUsername(ctx, u, ""); err == nil {
			v.add("username", "Username", "ERR_TAKEN", "has already been taken")
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
	}
	switch e := reg.Email; {
	case e == "":
		v.add("email", "Email", "ERR_BLANK", "can't be blank")
	case !validEmail(e):
		v.add("email", "Email", "ERR_INVALID", "is invalid")
	default:
		if _, err := c.Store.UserByEmail(ctx, e); err == nil {
			v.add("email", "Email", "ERR_TAKEN", "has already been taken")
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
	}
	switch p := reg.Password; {
	case p == "":
		v.add("password", "Password", "ERR_BLANK", "can't be blank")
	case utf8.RuneCountInString(p) < 8:
		v.add("password", "Password", "ERR_TOO_SHORT", "is too short (minimum is 8 characters)")
	case len(p) > 72:
		v.add("password", "Password", "ERR_TOO_LONG", "is too long (maximum is 72 characters)")
	}
	if reg.Locale != "" && !localeRE.MatchString(reg.Locale) {
		v.add("locale", "Locale", "ERR_INCLUSION", "is not included in the list")
	}
	if !reg.Agreement {
		v.add("agreement", "Agreement", "ERR_ACCEPTED", "must be accepted")
	}
	if c.ApprovalRequired() && reg.Reason == "" {
		v.add("reason", "Reason", "ERR_BLANK", "can't be blank")
	}
	if len(v.Fields) > 0 {
		return v
	}
	return nil
}

// RegisterThroughApp is POST /api/v1/accounts: it registers an account
// and answers a token for it issued to the calling app with the app's
// scopes, as Mastodon's AppSignUpService does, even when the account is
// pending approval (the token then answers 403 until approval).
func (c *Core) RegisterThroughApp(ctx context.Context, v *model.Viewer, reg Registration) (*IssuedToken, error) {
	app, err := c.AppForToken(ctx, v)
	if err != nil {
		return nil, err
	}
	var it *IssuedToken
	_, _, err = c.register(ctx, reg, func(ctx context.Context, tx *store.Store, acct *model.Account) error {
		var terr error
		it, terr = mintToken(ctx, tx, app.ID, acct.ID, app.Scopes, true, "")
		return terr
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// SignUp is the sign-up page: it registers an account and, when it is
// approved at once, opens a session for it. The session secret is ""
// while the account waits for approval.
func (c *Core) SignUp(ctx context.Context, reg Registration) (string, *model.Account, error) {
	acct, user, err := c.Register(ctx, reg)
	if err != nil {
		return "", nil, err
	}
	if !user.Approved {
		return "", acct, nil
	}
	secret, err := c.openSession(ctx, acct.ID, reg.UserAgent)
	if err != nil {
		return "", nil, err
	}
	return secret, acct, nil
}
