package oauth

import (
	"errors"
	"net/http"

	"herd/internal/core"
	"herd/internal/core/fault"
)

// Forgotten passwords, when the instance can send mail: the sign-in page
// links to /auth/password/new, which mails a link to
// /auth/password/edit?token=, where a new password is chosen.

// passwordData fills password_new.html and password_edit.html.
type passwordData struct {
	Email       string
	Token       string
	FieldErrors map[string][]string
}

// passwordForm handles GET /auth/password/new.
func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request) {
	if !h.core.MailEnabled() {
		h.errorPage(w, r, http.StatusNotFound, "Not available", "This server cannot send mail, so passwords cannot be reset here. Ask its admin.")
		return
	}
	h.render(w, r, http.StatusOK, "password_new", "Forgot your password?", "", passwordData{})
}

// requestPasswordReset handles POST /auth/password: the same answer
// whether an account has this address or not.
func (h *Handler) requestPasswordReset(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	email := r.PostFormValue("email")
	if err := h.core.RequestPasswordReset(r.Context(), email); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "password_sent", "Check your inbox", "", passwordData{Email: email})
}

// newPasswordForm handles GET /auth/password/edit?token=, the link mailed.
func (h *Handler) newPasswordForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if err := h.core.CheckPasswordReset(r.Context(), token); err != nil {
		h.resetFailed(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "password_edit", "Choose a new password", "", passwordData{Token: token})
}

// resetPassword handles POST /auth/password/edit: the new password is
// set and the account signed out everywhere; the person then signs in.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	token := r.PostFormValue("token")
	err := h.core.ResetPassword(r.Context(), token, r.PostFormValue("password"), r.PostFormValue("password_confirmation"))
	var verr *core.ValidationError
	switch {
	case errors.As(err, &verr):
		data := passwordData{Token: token, FieldErrors: map[string][]string{}}
		for _, f := range verr.Fields {
			data.FieldErrors[f.Field] = append(data.FieldErrors[f.Field], f.Label+" "+f.Description)
		}
		h.render(w, r, http.StatusUnprocessableEntity, "password_edit", "Choose a new password", "Please review the problems below.", data)
		return
	case err != nil:
		h.resetFailed(w, r, err)
		return
	}
	// Any session of this browser was the account's, and is gone.
	h.clearSession(w)
	h.render(w, r, http.StatusOK, "password_changed", "Password changed", "", nil)
}

// resetFailed shows why a reset link cannot be used (unknown, used,
// expired, or no mail here).
func (h *Handler) resetFailed(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := fault.As(err); ok && e.Status < 500 {
		h.errorPage(w, r, e.Status, "Cannot reset the password", e.Message)
		return
	}
	h.serverError(w, r, err)
}
