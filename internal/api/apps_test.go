package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

type appJSON struct {
	ID                    string   `json:"id"`
	Name                  string   `json:"name"`
	Website               *string  `json:"website"`
	Scopes                []string `json:"scopes"`
	RedirectURI           string   `json:"redirect_uri"`
	RedirectURIs          []string `json:"redirect_uris"`
	ClientID              string   `json:"client_id"`
	ClientSecret          string   `json:"client_secret"`
	ClientSecretExpiresAt *int64   `json:"client_secret_expires_at"`
}

func TestCreateApp(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)

		// A form with one URI and no scopes: scopes default to "read".
		r := inst.Expect(t, 200, "POST", "/api/v1/apps", "", url.Values{"client_name": {"Form app"},
			"redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}})
		apischema.MustMatch(t, "CredentialApplication", r.Body)
		var a appJSON
		r.JSON(t, &a)
		if a.Name != "Form app" || len(a.Scopes) != 1 || a.Scopes[0] != "read" || a.Website != nil ||
			a.ClientID == "" || a.ClientSecret == "" || a.ClientSecretExpiresAt == nil || *a.ClientSecretExpiresAt != 0 {
			t.Errorf("form app = %s", r.Body)
		}

		// JSON with an array of URIs (Mastodon 4.3).
		r = inst.Expect(t, 200, "POST", "/api/v1/apps", "", map[string]any{"client_name": "JSON app",
			"redirect_uris": []string{"https://app.example/cb", "myapp://oauth"}, "scopes": "read write push",
			"website": "https://app.example"})
		apischema.MustMatch(t, "CredentialApplication", r.Body)
		r.JSON(t, &a)
		if a.RedirectURI != "https://app.example/cb\nmyapp://oauth" || len(a.RedirectURIs) != 2 ||
			strings.Join(a.Scopes, " ") != "read write push" || a.Website == nil || *a.Website != "https://app.example" {
			t.Errorf("JSON app = %s", r.Body)
		}

		for _, tc := range []struct {
			body any
			want string
		}{
			{url.Values{"redirect_uris": {"https://a.example/cb"}}, "Validation failed: Application name can't be blank"},
			{url.Values{"client_name": {"x"}}, "Validation failed: Redirect URI can't be blank"},
			{url.Values{"client_name": {"x"}, "redirect_uris": {"not a uri"}}, "Validation failed: Redirect URI must be an absolute URI."},
			{url.Values{"client_name": {"x"}, "redirect_uris": {"https://a.example/cb#frag"}}, "Validation failed: Redirect URI cannot contain a fragment."},
			{url.Values{"client_name": {"x"}, "redirect_uris": {"javascript:alert(1)"}}, "Validation failed: Redirect URI is forbidden by the server."},
			{url.Values{"client_name": {"x"}, "redirect_uris": {"https://a.example/cb"}, "scopes": {"read destroy"}},
				"Validation failed: Scopes doesn't match configured on the server."},
		} {
			r := inst.Expect(t, 422, "POST", "/api/v1/apps", "", tc.body)
			var e struct{ Error string }
			r.JSON(t, &e)
			if e.Error != tc.want {
				t.Errorf("%v: error = %q, want %q", tc.body, e.Error, tc.want)
			}
		}

		// go-mastodon registers and gets credentials that work.
		app, err := mastodon.RegisterApp(context.Background(), &mastodon.AppConfig{
			Client: *inst.HTTP.Client(), Server: inst.URL, ClientName: "go-mastodon",
			Scopes: "read write follow", Website: "https://github.com/mattn/go-mastodon",
		})
		if err != nil || app.ClientID == "" || app.RedirectURI != "urn:ietf:wg:oauth:2.0:oob" {
			t.Fatalf("RegisterApp = %+v, %v", app, err)
		}
		if !strings.Contains(app.AuthURI, "/oauth/authorize") {
			t.Errorf("AuthURI = %q", app.AuthURI)
		}
	})
}

func TestVerifyAppCredentials(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		for _, tok := range []string{alice.Token, inst.Token(t, 0, "read")} {
			r := inst.Expect(t, 200, "GET", "/api/v1/apps/verify_credentials", tok, nil)
			apischema.MustMatch(t, "Application", r.Body)
			var a appJSON
			r.JSON(t, &a)
			if a.Name != "testrig" || a.ClientSecret != "" {
				t.Errorf("verify_credentials = %s (must not show the secret)", r.Body)
			}
		}
		inst.Expect(t, 401, "GET", "/api/v1/apps/verify_credentials", "", nil)
		inst.Expect(t, 401, "GET", "/api/v1/apps/verify_credentials", "bogus", nil)
	})
}
