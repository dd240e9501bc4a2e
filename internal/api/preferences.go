package api

import "net/http"

// Preferences is Mastodon's Preferences entity: the user's posting defaults
// (the same values as CredentialAccount.source) and reading choices, which
// Herd does not let users change yet, so they hold Mastodon's defaults.
type Preferences struct {
	Visibility     string  `json:"posting:default:visibility"`
	Sensitive      bool    `json:"posting:default:sensitive"`
	Language       *string `json:"posting:default:language"`
	ExpandMedia    string  `json:"reading:expand:media"`
	ExpandSpoilers bool    `json:"reading:expand:spoilers"`
	AutoplayGIFs   bool    `json:"reading:autoplay:gifs"`
}

func (a *API) getPreferences(w http.ResponseWriter, r *http.Request) error {
	u := viewerOf(r).User
	prefs := Preferences{Visibility: string(u.DefaultPrivacy), Sensitive: u.DefaultSensitive,
		ExpandMedia: "default"}
	if u.DefaultLanguage != "" {
		lang := u.DefaultLanguage
		prefs.Language = &lang
	}
	return writeJSON(w, prefs)
}
