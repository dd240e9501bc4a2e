package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"herd/internal/core/accounts"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/session"
)

// accountForm fills settings_account.html: the email and password forms
// (with their errors when one was refused), the browser sessions and the
// authorized apps.
type accountForm struct {
	settingsPage
	Email          string // the current address
	NewEmail       string // as typed, when the change was refused
	EmailErrors    map[string][]string
	PasswordErrors map[string][]string
	Sessions       []sessionItem
	Apps           []appItem
}

type sessionItem struct {
	ID, Browser, SignedIn, SignedInISO string
	Current                            bool
}

type appItem struct {
	ID, Name, Website, Authorized, AuthorizedISO string
	Scopes                                       []string
}

// accountSettings handles GET /settings/account.
func (h *Handler) accountSettings(w http.ResponseWriter, r *http.Request) error {
	return h.showAccount(w, r, h.viewer(r), http.StatusOK, "", &accountForm{})
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request, v *model.Viewer, status int, errMsg string, f *accountForm) error {
	f.Section, f.Email = "account", v.User.Email
	sessions, err := h.core.Accounts.AccountSessions(r.Context(), v, session.Secret(r))
	if err != nil {
		return err
	}
	for _, s := range sessions {
		f.Sessions = append(f.Sessions, sessionItem{ID: s.ID, Browser: describeBrowser(s.UserAgent),
			SignedIn: longDate(s.CreatedAt), SignedInISO: s.CreatedAt.UTC().Format(time.RFC3339), Current: s.Current})
	}
	apps, err := h.core.Accounts.AuthorizedApps(r.Context(), v)
	if err != nil {
		return err
	}
	for _, a := range apps {
		f.Apps = append(f.Apps, appItem{ID: ids.Format(a.ID), Name: a.Name, Website: a.Website, Scopes: a.Scopes,
			Authorized: longDate(a.AuthorizedAt), AuthorizedISO: a.AuthorizedAt.UTC().Format(time.RFC3339)})
	}
	h.showSettings(w, r, v, status, "settings_account", "Account", errMsg, f)
	return nil
}

// changeEmail handles POST /settings/account/email.
func (h *Handler) changeEmail(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	if err := h.readForm(w, r); err != nil {
		return err
	}
	email := r.PostFormValue("email")
	err := h.core.Accounts.ChangeEmail(r.Context(), v, r.PostFormValue("current_password"), email)
	if fields, ok := fieldErrors(err); ok {
		return h.showAccount(w, r, v, http.StatusUnprocessableEntity, "Your email address was not changed: please review the problems below.",
			&accountForm{NewEmail: email, EmailErrors: fields})
	}
	if err != nil {
		return err
	}
	settingsSaved(w, r, "/settings/account", "email")
	return nil
}

// changePassword handles POST /settings/account/password: other
// browsers are signed out, this one stays.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	if err := h.readForm(w, r); err != nil {
		return err
	}
	err := h.core.Accounts.ChangePassword(r.Context(), v, session.Secret(r), r.PostFormValue("current_password"),
		r.PostFormValue("password"), r.PostFormValue("password_confirmation"))
	if fields, ok := fieldErrors(err); ok {
		return h.showAccount(w, r, v, http.StatusUnprocessableEntity, "Your password was not changed: please review the problems below.",
			&accountForm{PasswordErrors: fields})
	}
	if err != nil {
		return err
	}
	settingsSaved(w, r, "/settings/account", "password")
	return nil
}

// revokeSession handles POST /settings/account/sessions/revoke: that
// browser is signed out.
func (h *Handler) revokeSession(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	if err := h.readForm(w, r); err != nil {
		return err
	}
	if err := h.core.Accounts.RevokeSession(r.Context(), v, r.PostFormValue("id")); err != nil {
		return err
	}
	settingsSaved(w, r, "/settings/account", "session-revoked")
	return nil
}

// revokeApp handles POST /settings/account/apps/{id}/revoke: the app's
// tokens stop working at once.
func (h *Handler) revokeApp(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	id, err := h.postedTarget(w, r)
	if err != nil {
		return err
	}
	if err := h.core.Accounts.RevokeAppAuthorization(r.Context(), v, id); err != nil {
		return err
	}
	settingsSaved(w, r, "/settings/account", "app-revoked")
	return nil
}

// fieldErrors are a validation error's messages by field.
func fieldErrors(err error) (map[string][]string, bool) {
	var verr *accounts.ValidationError
	if !errors.As(err, &verr) {
		return nil, false
	}
	out := map[string][]string{}
	for _, f := range verr.Fields {
		out[f.Field] = append(out[f.Field], f.Label+" "+f.Description)
	}
	return out, true
}

// longDate is a day as people read it: "5 March 2025".
func longDate(t time.Time) string { return t.UTC().Format("2 January 2006") }

// describeBrowser names the browser and system of a User-Agent, roughly,
// as the sessions list shows them: "Firefox on Linux".
func describeBrowser(ua string) string {
	browser := "Unknown browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"},
		{"HeadlessChrome/", "Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, p := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, p.token) {
			return browser + " on " + p.name
		}
	}
	return browser
}
