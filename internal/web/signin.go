package web

import (
	"errors"
	"net/http"
	"net/url"

	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/session"
	"herd/internal/text"
)

// Signing in, up and out. The pages are panels (templates/auth/), as
// OAuth's consent page is, and the session they open is the one the
// authorize flow and the web client ask for (package session).

// signInData fills sign_in.html and signed_in.html.
type signInData struct {
	Email     string
	ReturnTo  string
	Account   *model.Account
	CanSignUp bool
	SignUpURL string
	CanReset  bool // mail is set up: the form offers a password reset
}

// signInForm handles GET /auth/sign_in. A signed-in visitor coming from
// the authorize flow goes straight back to it; otherwise they see who is
// signed in.
func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request) error {
	returnTo := r.URL.Query().Get("return_to")
	acct, err := session.Account(h.core.Accounts, r)
	if err == nil {
		if returnTo != "" {
			http.Redirect(w, r, signInReturn(returnTo), http.StatusFound)
			return nil
		}
		h.showPanel(w, r, http.StatusOK, "signed_in", "Signed in", "", signInData{Account: acct})
		return nil
	}
	h.showSignIn(w, r, http.StatusOK, "", "", returnTo)
	return nil
}

func (h *Handler) showSignIn(w http.ResponseWriter, r *http.Request, status int, errMsg, email, returnTo string) {
	signUp := "/auth/sign_up"
	if returnTo != "" {
		signUp += "?return_to=" + url.QueryEscape(returnTo)
	}
	h.showPanel(w, r, status, "sign_in", "Sign in", errMsg, signInData{
		Email: email, ReturnTo: returnTo, CanSignUp: h.core.Accounts.RegistrationsOpen(), SignUpURL: signUp,
		CanReset: h.core.Accounts.MailEnabled(),
	})
}

// signIn handles POST /auth/sign_in: email and password open a session,
// then the browser returns to where it came from (a local path only).
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) error {
	// The attempt counts before the CSRF check, as rack-attack counts
	// every POST here: a stale or forged form costs the sender too.
	if err := session.ReadFormUnchecked(w, r); err != nil {
		return err
	}
	if !h.throttle.AllowSignIn(w, r, r.PostFormValue("email")) {
		session.Throttled(w)
		return nil
	}
	if !session.CheckCSRF(r, h.core.BaseURL()) {
		return session.ErrFormExpired
	}
	email, returnTo := r.PostFormValue("email"), r.PostFormValue("return_to")
	secret, acct, err := h.core.Accounts.SignIn(r.Context(), email, r.PostFormValue("password"), userAgent(r))
	switch {
	case errors.Is(err, accounts.ErrPendingApproval):
		h.showPanel(w, r, http.StatusForbidden, "pending", "Pending approval", "", signInData{Account: acct})
		return nil
	case err != nil:
		if e, ok := fault.As(err); ok && e.Status < 500 {
			// The same words for an unknown email and a wrong password.
			h.showSignIn(w, r, e.Status, e.Message, email, returnTo)
			return nil
		}
		return err
	}
	session.Set(w, secret, h.secure())
	http.Redirect(w, r, signInReturn(returnTo), http.StatusSeeOther)
	return nil
}

// signOut handles POST /auth/sign_out (a form with the CSRF token, so no
// other site can sign a visitor out).
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := h.readForm(w, r); err != nil {
		return err
	}
	if err := h.core.Accounts.SignOut(r.Context(), session.Secret(r)); err != nil {
		return err
	}
	session.Clear(w, h.secure())
	http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
	return nil
}

// defaultReturn is where a sign-in without a destination lands: the page
// that says who is signed in.
const defaultReturn = "/auth/sign_in"

// signInReturn is where signing in or up sends the browser: return_to as
// given when it is a path on this site (localPath), else defaultReturn;
// so return_to cannot become an open redirect ("//evil.example",
// "https://evil.example", "/\\evil.example" are all refused).
func signInReturn(returnTo string) string {
	if localPath(returnTo) == "" {
		return defaultReturn
	}
	return returnTo
}

// signUpData fills sign_up.html.
type signUpData struct {
	Username, Email, Reason, ReturnTo string
	Agreement                         bool
	ApprovalRequired                  bool
	FieldErrors                       map[string][]string
	Account                           *model.Account
}

// errRegistrationsClosed is what sign-up shows while the instance takes
// no new accounts.
var errRegistrationsClosed = &pageError{"Registrations are closed",
	fault.Forbidden("This server is not accepting new accounts at the moment.")}

// signUpForm handles GET /auth/sign_up.
func (h *Handler) signUpForm(w http.ResponseWriter, r *http.Request) error {
	if !h.core.Accounts.RegistrationsOpen() {
		return errRegistrationsClosed
	}
	h.showPanel(w, r, http.StatusOK, "sign_up", "Sign up", "", signUpData{
		ReturnTo: r.URL.Query().Get("return_to"), ApprovalRequired: h.core.Accounts.ApprovalRequired(),
	})
	return nil
}

// signUp handles POST /auth/sign_up: the account is created by the
// registration mode, then signed in, or shown as waiting for approval.
func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) error {
	if err := h.readForm(w, r); err != nil {
		return err
	}
	data := signUpData{
		Username: r.PostFormValue("username"), Email: r.PostFormValue("email"),
		Reason: r.PostFormValue("reason"), ReturnTo: r.PostFormValue("return_to"),
		Agreement: r.PostFormValue("agreement") != "", ApprovalRequired: h.core.Accounts.ApprovalRequired(),
	}
	if r.PostFormValue("password") != r.PostFormValue("password_confirmation") {
		data.FieldErrors = map[string][]string{"password_confirmation": {"doesn't match Password"}}
		h.showPanel(w, r, http.StatusUnprocessableEntity, "sign_up", "Sign up", "Please review the problems below.", data)
		return nil
	}
	secret, acct, err := h.core.Accounts.SignUp(r.Context(), accounts.Registration{
		Username: data.Username, Email: data.Email, Password: r.PostFormValue("password"),
		Agreement: data.Agreement, Reason: data.Reason, Locale: "en", UserAgent: userAgent(r),
	})
	var verr *accounts.ValidationError
	switch {
	case errors.As(err, &verr):
		data.FieldErrors = map[string][]string{}
		for _, f := range verr.Fields {
			data.FieldErrors[f.Field] = append(data.FieldErrors[f.Field], f.Label+" "+f.Description)
		}
		h.showPanel(w, r, http.StatusUnprocessableEntity, "sign_up", "Sign up", "Please review the problems below.", data)
		return nil
	case errors.Is(err, accounts.ErrRegistrationsClosed):
		return errRegistrationsClosed
	case err != nil:
		return err
	}
	if secret == "" {
		h.showPanel(w, r, http.StatusOK, "pending", "Pending approval", "", signInData{Account: acct})
		return nil
	}
	session.Set(w, secret, h.secure())
	http.Redirect(w, r, signInReturn(data.ReturnTo), http.StatusSeeOther)
	return nil
}

// userAgent is the browser's name a session keeps, text.Storable as the
// form's fields are: a header may carry any byte over 0x7F.
func userAgent(r *http.Request) string { return text.Storable(r.UserAgent()) }
