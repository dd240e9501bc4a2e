package web

import (
	"net/http"

	"herd/internal/model"
)

// settingsPage is what every settings page carries besides its form: the
// section shown, to mark in the settings navigation. The signed-in user's
// settings are the profile (settings_profile.go), posting preferences
// (settings_preferences.go) and the account's email, password, sessions
// and apps (settings_account.go).
type settingsPage struct {
	Section string // "profile", "preferences" or "account"
}

// settingsLink is an entry of the settings navigation.
type settingsLink struct {
	Path, Label string
	Current     bool
}

// Links is the settings navigation, the current section marked.
func (s settingsPage) Links() []settingsLink {
	links := []settingsLink{{"/settings/profile", "Profile", false}, {"/settings/preferences", "Preferences", false},
		{"/settings/account", "Account", false}}
	for i := range links {
		links[i].Current = links[i].Path == "/settings/"+s.Section
	}
	return links
}

// settingsNotices are what a settings page says after a form was saved
// and the browser was sent back to it (POST, redirect, GET): the query
// names one of these, never the text itself.
var settingsNotices = map[string]string{
	"profile":         "Your profile was saved.",
	"avatar-removed":  "Your avatar was removed.",
	"header-removed":  "Your header image was removed.",
	"preferences":     "Your preferences were saved.",
	"email":           "Your email address was changed.",
	"password":        "Your password was changed, and every other browser signed out.",
	"session-revoked": "That browser was signed out.",
	"app-revoked":     "The app's access to your account was revoked.",
}

// showSettings renders a settings page: its notice (from the query after
// a redirect), or its error with status (a form to correct).
func (h *Handler) showSettings(w http.ResponseWriter, r *http.Request, v *model.Viewer, status int, name, title, errMsg string, data any) {
	p := h.newPage(r, title, v, data)
	p.Nav = "settings"
	p.Error = errMsg
	if errMsg == "" {
		p.Notice = settingsNotices[r.URL.Query().Get("saved")]
	}
	h.render(w, r, status, name, p)
}

// settingsSaved sends the browser back to a settings page, to say what
// was done.
func settingsSaved(w http.ResponseWriter, r *http.Request, path, notice string) {
	http.Redirect(w, r, path+"?saved="+notice, http.StatusSeeOther)
}
