package oauth

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/model"
)

// Cookie names. The session cookie holds a secret whose hash is the
// sessions row; the CSRF cookie holds the token forms echo back.
const (
	sessionCookie = "herd_session"
	csrfCookie    = "herd_csrf"
	csrfField     = "authenticity_token" // Rails' name, so the forms look familiar
)

// SessionAccount returns the account signed in on this browser, for the
// authorize flow and the web UI. It fails with core's 401 when nobody is
// signed in (or the session expired, or the account was suspended) and
// with core.ErrPendingApproval for an account still waiting.
func (h *Handler) SessionAccount(r *http.Request) (*model.Account, error) {
	return SessionAccount(h.core, r)
}

// SessionAccount is Handler.SessionAccount for code that has the core but
// not the Handler (the web UI, which mounts its own routes).
func SessionAccount(c *core.Core, r *http.Request) (*model.Account, error) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, fault.Unauthorized("Not signed in")
	}
	acct, _, err := c.SessionViewer(r.Context(), cookie.Value)
	return acct, err
}

// SessionViewer is SessionAccount as a model.Viewer (account and user), for
// pages that act through core's use cases on the signed-in user's behalf.
func SessionViewer(c *core.Core, r *http.Request) (*model.Viewer, error) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, fault.Unauthorized("Not signed in")
	}
	acct, user, err := c.SessionViewer(r.Context(), cookie.Value)
	if err != nil {
		return nil, err
	}
	return &model.Viewer{Account: acct, User: user}, nil
}

func (h *Handler) secure() bool { return h.core.Config.Protocol == "https" }

// setSession stores the session secret in an HttpOnly, SameSite=Lax
// cookie (Lax: the cookie comes along when an app sends the browser to
// /oauth/authorize, but not on cross-site POSTs), Secure under https.
func (h *Handler) setSession(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: h.secure(),
		SameSite: http.SameSiteLaxMode, MaxAge: int(core.SessionLifetime.Seconds()),
	})
}

func (h *Handler) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: h.secure(),
		SameSite: http.SameSiteLaxMode, MaxAge: -1,
	})
}

// SessionSecret is this browser's session secret, "" when it has none: the
// account page marks and keeps the current session with it.
func SessionSecret(r *http.Request) string { return sessionSecret(r) }

func sessionSecret(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// csrfToken returns the browser's CSRF token (see CSRFToken).
func (h *Handler) csrfToken(w http.ResponseWriter, r *http.Request) string {
	return CSRFToken(w, r, h.secure())
}

// checkCSRF verifies a form POST (see CheckCSRF).
func (h *Handler) checkCSRF(r *http.Request) bool { return CheckCSRF(r, h.core.BaseURL()) }

// CSRFToken returns the browser's CSRF token, setting the cookie the
// first time (Secure when secure). Forms carry it in a hidden field named
// "authenticity_token"; CheckCSRF compares the two (double-submit), which
// a cross-site page cannot forge because it can neither read nor set our
// cookie. The web UI uses the same pair for its forms (sign-out among them).
func CSRFToken(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := core.NewSecret()
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

// parseForm reads a page's form, bounded in size, and checks CSRF; it
// answers the error page itself and reports false when the request must
// stop there.
func (h *Handler) parseForm(w http.ResponseWriter, r *http.Request) bool {
	return h.readForm(w, r) && h.formFromHere(w, r)
}

// readForm is parseForm's first half: it reads the form, bounded in size.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return false
	}
	return true
}

// formFromHere is parseForm's second half: it checks a read form's CSRF
// token.
func (h *Handler) formFromHere(w http.ResponseWriter, r *http.Request) bool {
	if !h.checkCSRF(r) {
		h.errorPage(w, r, http.StatusForbidden, "Expired form",
			"This form has expired or did not come from this site. Go back, reload the page and try again.")
		return false
	}
	return true
}

// defaultReturn is where a sign-in without a destination lands: the page
// that says who is signed in (the web UI will take over "/").
const defaultReturn = "/auth/sign_in"

// localPath accepts only a path on this site as a place to return to, so
// return_to cannot become an open redirect ("//evil.example",
// "https://evil.example", "/\\evil.example" are all refused).
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return defaultReturn
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return defaultReturn
	}
	return p
}
