package web

import (
	"errors"
	"net/http"

	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/session"
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
func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request) error {
	if !h.core.Accounts.MailEnabled() {
		return &pageError{"Not available",
			fault.NotFound("This server cannot send mail, so passwords cannot be reset here. Ask its admin.")}
	}
	h.showPanel(w, r, http.StatusOK, "password_new", "Forgot your password?", "", passwordData{})
	return nil
}

// requestPasswordReset handles POST /auth/password: the same answer
// whether an account has this address or not.
func (h *Handler) requestPasswordReset(w http.ResponseWriter, r *http.Request) error {
	if err := h.readForm(w, r); err != nil {
		return err
	}
	email := r.PostFormValue("email")
	if err := h.core.Accounts.RequestPasswordReset(r.Context(), email); err != nil {
		return err
	}
	h.showPanel(w, r, http.StatusOK, "password_sent", "Check your inbox", "", passwordData{Email: email})
	return nil
}

// newPasswordForm handles GET /auth/password/edit?token=, the link mailed.
func (h *Handler) newPasswordForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if err := h.core.Accounts.CheckPasswordReset(r.Context(), token); err != nil {
		return resetFailed(err)
	}
	h.showPanel(w, r, http.StatusOK, "password_edit", "Choose a new password", "", passwordData{Token: token})
	return nil
}

// resetPassword handles POST /auth/password/edit: the new password is
// set and the account signed out everywhere; the person then signs in.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) error {
	if err := h.readForm(w, r); err != nil {
		return err
	}
	token := r.PostFormValue("token")
	err := h.core.Accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"), r.PostFormValue("password_confirmation"))
	var verr *accounts.ValidationError
	switch {
	case errors.As(err, &verr):
		data := passwordData{Token: token, FieldErrors: map[string][]string{}}
		for _, f := range verr.Fields {
			data.FieldErrors[f.Field] = append(data.FieldErrors[f.Field], f.Label+" "+f.Description)
		}
		h.showPanel(w, r, http.StatusUnprocessableEntity, "password_edit", "Choose a new password", "Please review the problems below.", data)
		return nil
	case err != nil:
		return resetFailed(err)
	}
	// Any session of this browser was the account's, and is gone.
	session.Clear(w, h.secure())
	h.showPanel(w, r, http.StatusOK, "password_changed", "Password changed", "", nil)
	return nil
}

// resetFailed is why a reset link cannot be used (unknown, used, expired,
// or no mail here), shown under its own title.
func resetFailed(err error) error {
	return &pageError{"Cannot reset the password", err}
}
