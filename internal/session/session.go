// Package session is a browser's session with this site, shared by the web
// interface (which signs people in, up and out) and OAuth's authorize flow
// (which asks who is signed in): the session cookie and the signed-in
// viewer it names, the CSRF token every form carries, forms read bounded
// and cleaned, and the throttle every password attempt counts with.
package session

import (
	"context"
	"crypto/subtle"
	"net/http"

	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/text"
)

// Cookie names. The session cookie holds a secret whose hash is the
// sessions row; the CSRF cookie holds the token forms echo back.
const (
	sessionCookie = "herd_session"
	csrfCookie    = "herd_csrf"
	csrfField     = "authenticity_token" // Rails' name, so the forms look familiar
)

// Sessions finds whose a session is: core.
type Sessions interface {
	SessionViewer(ctx context.Context, secret string) (*model.Account, *model.User, error)
}

// Account returns the account signed in on this browser, for the
// authorize flow and the web UI. It fails with core's 401 when nobody is
// signed in (or the session expired, or the account was suspended) and
// with accounts.ErrPendingApproval for an account still waiting.
func Account(s Sessions, r *http.Request) (*model.Account, error) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, fault.Unauthorized("Not signed in")
	}
	acct, _, err := s.SessionViewer(r.Context(), cookie.Value)
	return acct, err
}

// Viewer is Account as a model.Viewer (account and user), for pages that
// act through core's use cases on the signed-in user's behalf.
func Viewer(s Sessions, r *http.Request) (*model.Viewer, error) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, fault.Unauthorized("Not signed in")
	}
	acct, user, err := s.SessionViewer(r.Context(), cookie.Value)
	if err != nil {
		return nil, err
	}
	return &model.Viewer{Account: acct, User: user}, nil
}

// Set stores the session secret in an HttpOnly, SameSite=Lax cookie (Lax:
// the cookie comes along when an app sends the browser to
// /oauth/authorize, but not on cross-site POSTs), Secure when secure
// (under https).
func Set(w http.ResponseWriter, secret string, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(accounts.SessionLifetime.Seconds()),
	})
}

// Clear removes the session cookie (the session itself is core's to end).
func Clear(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1,
	})
}

// Secret is this browser's session secret, "" when it has none: signing
// out ends it, and the account page marks and keeps the current session
// with it.
func Secret(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// CSRFToken returns the browser's CSRF token, setting the cookie the
// first time (Secure when secure). Forms carry it in a hidden field named
// "authenticity_token"; CheckCSRF compares the two (double-submit), which
// a cross-site page cannot forge because it can neither read nor set our
// cookie. Every form of the web interface and the consent page carry it.
func CSRFToken(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := accounts.NewSecret()
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode,
	})
	// Later calls for this request must see the same token.
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: tok})
	return tok
}

// CheckCSRF verifies a parsed form POST: the hidden token must equal the
// cookie, and a browser-sent Origin must be baseURL, our own.
func CheckCSRF(r *http.Request, baseURL string) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" && o != baseURL {
		return false
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) == 1
}

// StorableForm makes the values of a parsed form text.Storable (no NUL,
// no invalid UTF-8), in r.Form and r.PostForm. Every form door calls it
// right after parsing (the web interface's forms, the consent page, the
// token endpoint), as the API does in its parameter parser.
func StorableForm(r *http.Request) {
	text.StorableValues(r.Form)
	text.StorableValues(r.PostForm)
}

// formBytes bounds a form without files.
const formBytes = 64 << 10

// What a form that cannot be acted on fails with; the doors show them
// under their own titles.
var (
	ErrFormUnreadable = fault.BadRequest("The form could not be read.")
	ErrFormExpired    = fault.Forbidden("This form has expired or did not come from this site. Go back, reload the page and try again.")
)

// ReadForm reads a form without files, bounded in size and made storable,
// then checks its CSRF token against the cookie and baseURL: it fails with
// ErrFormUnreadable or ErrFormExpired.
func ReadForm(w http.ResponseWriter, r *http.Request, baseURL string) error {
	if err := ReadFormUnchecked(w, r); err != nil {
		return err
	}
	if !CheckCSRF(r, baseURL) {
		return ErrFormExpired
	}
	return nil
}

// ReadFormUnchecked is ReadForm without the CSRF check, for a handler that
// must count the attempt first (signing in).
func ReadFormUnchecked(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formBytes)
	if err := r.ParseForm(); err != nil {
		return ErrFormUnreadable
	}
	StorableForm(r)
	return nil
}
