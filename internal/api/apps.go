package api

import (
	"net/http"
	"strings"

	"herd/internal/ids"
	"herd/internal/model"
)

// createApp handles POST /api/v1/apps. redirect_uris may be one string
// (several URIs separated by whitespace) or an array (Mastodon 4.3).
func (a *API) createApp(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	app, err := a.core.Accounts.RegisterApp(r.Context(), p.str("client_name"), p.str("website"),
		p.list("redirect_uris"), p.str("scopes"))
	if err != nil {
		return err
	}
	return writeJSON(w, credentialApplicationEntity(app))
}

// verifyAppCredentials handles GET /api/v1/apps/verify_credentials: any
// valid token, app-only or user, shows the app it was issued to.
func (a *API) verifyAppCredentials(w http.ResponseWriter, r *http.Request) error {
	app, err := a.core.Accounts.AppForToken(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, applicationEntity(app))
}

// applicationJSON is Mastodon's Application entity.
type applicationJSON struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Website      *string  `json:"website"`
	Scopes       []string `json:"scopes"`
	RedirectURI  string   `json:"redirect_uri"`
	RedirectURIs []string `json:"redirect_uris"`
	// VapidKey is deprecated but still required by the schema; Herd has
	// no Web Push keys yet, so it is empty.
	VapidKey string `json:"vapid_key"`
}

// credentialApplicationJSON is the CredentialApplication entity answered
// once, at registration, with the client's secret.
type credentialApplicationJSON struct {
	applicationJSON
	ClientID              string `json:"client_id"`
	ClientSecret          string `json:"client_secret"`
	ClientSecretExpiresAt int64  `json:"client_secret_expires_at"` // 0: never (Mastodon 4.3)
}

func applicationEntity(app *model.App) applicationJSON {
	var website *string
	if app.Website != "" {
		website = &app.Website
	}
	return applicationJSON{
		ID: ids.Format(app.ID), Name: app.Name, Website: website, Scopes: app.Scopes,
		RedirectURI: strings.Join(app.RedirectURIs, "\n"), RedirectURIs: app.RedirectURIs,
	}
}

func credentialApplicationEntity(app *model.App) credentialApplicationJSON {
	return credentialApplicationJSON{applicationJSON: applicationEntity(app),
		ClientID: app.ClientID, ClientSecret: app.ClientSecret}
}
