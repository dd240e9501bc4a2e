package oauth

import (
	"errors"
	"net/http"
	"net/url"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/model"
)

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
func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request) {
	returnTo := r.URL.Query().Get("return_to")
	acct, err := h.SessionAccount(r)
	if err == nil {
		if returnTo != "" {
			http.Redirect(w, r, localPath(returnTo), http.StatusFound)
			return
		}
		h.render(w, r, http.StatusOK, "signed_in", "Signed in", "", signInData{Account: acct})
		return
	}
	h.showSignIn(w, r, http.StatusOK, "", "", returnTo)
}

func (h *Handler) showSignIn(w http.ResponseWriter, r *http.Request, status int, errMsg, email, returnTo string) {
	signUp := "/auth/sign_up"
	if returnTo != "" {
		signUp += "?return_to=" + url.QueryEscape(returnTo)
	}
	h.render(w, r, status, "sign_in", "Sign in", errMsg, signInData{
		Email: email, ReturnTo: returnTo, CanSignUp: h.core.RegistrationsOpen(), SignUpURL: signUp,
		CanReset: h.core.MailEnabled(),
	})
}

// signIn handles POST /auth/sign_in: email and password open a session,
// then the browser returns to where it came from (a local path only).
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	// The attempt counts before the CSRF check, as rack-attack counts
	// every POST here: a stale or forged form costs the sender too.
	if !h.readForm(w, r) || !h.allowSignIn(w, r, r.PostFormValue("email")) || !h.formFromHere(w, r) {
		return
	}
	email, returnTo := r.PostFormValue("email"), r.PostFormValue("return_to")
	secret, acct, err := h.core.SignIn(r.Context(), email, r.PostFormValue("password"), r.UserAgent())
	switch {
	case errors.Is(err, core.ErrPendingApproval):
		h.render(w, r, http.StatusForbidden, "pending", "Pending approval", "", signInData{Account: acct})
		return
	case err != nil:
		if e, ok := fault.As(err); ok && e.Status < 500 {
			// The same words for an unknown email and a wrong password.
			h.showSignIn(w, r, e.Status, e.Message, email, returnTo)
			return
		}
		h.serverError(w, r, err)
		return
	}
	h.setSession(w, secret)
	http.Redirect(w, r, localPath(returnTo), http.StatusSeeOther)
}

// allowSignIn counts a password attempt as login with the throttle and,
// when it is over a limit, answers 429 with Mastodon's throttled answer
// (rack-attack's JSON, on the form as on the token endpoint).
func (h *Handler) allowSignIn(w http.ResponseWriter, r *http.Request, login string) bool {
	if h.throttle.AllowSignIn(w, r, login) {
		return true
	}
	writeOAuthJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests"})
	return false
}

// signOut handles POST /auth/sign_out (a form with the CSRF token, so no
// other site can sign a visitor out).
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	if err := h.core.SignOut(r.Context(), sessionSecret(r)); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.clearSession(w)
	http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
}

// signUpData fills sign_up.html.
type signUpData struct {
	Username, Email, Reason, ReturnTo string
	Agreement                         bool
	ApprovalRequired                  bool
	FieldErrors                       map[string][]string
	Account                           *model.Account
}

// signUpForm handles GET /auth/sign_up.
func (h *Handler) signUpForm(w http.ResponseWriter, r *http.Request) {
	if !h.core.RegistrationsOpen() {
		h.errorPage(w, r, http.StatusForbidden, "Registrations are closed",
			"This server is not accepting new accounts at the moment.")
		return
	}
	h.render(w, r, http.StatusOK, "sign_up", "Sign up", "", signUpData{
		ReturnTo: r.URL.Query().Get("return_to"), ApprovalRequired: h.core.ApprovalRequired(),
	})
}

// signUp handles POST /auth/sign_up: the account is created by the
// registration mode, then signed in, or shown as waiting for approval.
func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	data := signUpData{
		Username: r.PostFormValue("username"), Email: r.PostFormValue("email"),
		Reason: r.PostFormValue("reason"), ReturnTo: r.PostFormValue("return_to"),
		Agreement: r.PostFormValue("agreement") != "", ApprovalRequired: h.core.ApprovalRequired(),
	}
	if r.PostFormValue("password") != r.PostFormValue("password_confirmation") {
		data.FieldErrors = map[string][]string{"password_confirmation": {"doesn't match Password"}}
		h.render(w, r, http.StatusUnprocessableEntity, "sign_up", "Sign up", "Please review the problems below.", data)
		return
	}
	secret, acct, err := h.core.SignUp(r.Context(), core.Registration{
		Username: data.Username, Email: data.Email, Password: r.PostFormValue("password"),
		Agreement: data.Agreement, Reason: data.Reason, Locale: "en", UserAgent: r.UserAgent(),
	})
	var verr *core.ValidationError
	switch {
	case errors.As(err, &verr):
		data.FieldErrors = map[string][]string{}
		for _, f := range verr.Fields {
			data.FieldErrors[f.Field] = append(data.FieldErrors[f.Field], f.Label+" "+f.Description)
		}
		h.render(w, r, http.StatusUnprocessableEntity, "sign_up", "Sign up", "Please review the problems below.", data)
		return
	case errors.Is(err, core.ErrRegistrationsClosed):
		h.errorPage(w, r, http.StatusForbidden, "Registrations are closed",
			"This server is not accepting new accounts at the moment.")
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if secret == "" {
		h.render(w, r, http.StatusOK, "pending", "Pending approval", "", signInData{Account: acct})
		return
	}
	h.setSession(w, secret)
	http.Redirect(w, r, localPath(data.ReturnTo), http.StatusSeeOther)
}
