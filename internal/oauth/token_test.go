package oauth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

func TestClientCredentialsGrant(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		app := registerApp(t, inst, appRedirect, "read write")

		// The go-mastodon client obtains an app token.
		c := mastodon.NewClient(&mastodon.Config{Server: inst.URL, ClientID: app.ClientID, ClientSecret: app.ClientSecret})
		c.Client = *inst.HTTP.Client()
		if err := c.GetAppAccessToken(context.Background(), appRedirect); err != nil {
			t.Fatalf("client_credentials: %v", err)
		}
		appToken := c.Config.AccessToken
		inst.Expect(t, 403, "GET", "/api/v1/accounts/verify_credentials", appToken, nil)
		r := inst.Expect(t, 200, "GET", "/api/v1/apps/verify_credentials", appToken, nil)
		apischema.MustMatch(t, "Application", r.Body)

		r, tok := postToken(t, inst, url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "scope": {"read write"}})
		if r.Status != 200 || tok.Scope != "read write" || tok.RefreshToken != "" {
			t.Errorf("client_credentials = %d %s (no refresh token expected)", r.Status, r.Body)
		}
		apischema.MustMatch(t, "Token", r.Body)
		r, tok = postToken(t, inst, url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "scope": {"read admin:write"}})
		if r.Status != 400 || tok.Error != "invalid_scope" {
			t.Errorf("escalated client_credentials = %d %s", r.Status, r.Body)
		}
	})
}

func TestPasswordAndRefreshGrants(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		app := registerApp(t, inst, "urn:ietf:wg:oauth:2.0:oob", "read write follow")

		// go-mastodon's Authenticate is the password grant (username = email).
		c := mastodon.NewClient(&mastodon.Config{Server: inst.URL, ClientID: app.ClientID, ClientSecret: app.ClientSecret})
		c.Client = *inst.HTTP.Client()
		if err := c.Authenticate(context.Background(), alice.Email, testrig.Password()); err != nil {
			t.Fatalf("password grant: %v", err)
		}
		me, err := c.GetAccountCurrentUser(context.Background())
		if err != nil || me.Username != "alice" {
			t.Fatalf("verify_credentials after password grant = %v, %v", me, err)
		}
		if err := c.Authenticate(context.Background(), alice.Email, "wrong password"); err == nil {
			t.Error("a wrong password was accepted")
		}
		form := url.Values{"grant_type": {"password"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
			"username": {alice.Email}, "password": {"wrong password"}}
		r, tok := postToken(t, inst, form)
		if r.Status != 400 || tok.Error != "invalid_grant" {
			t.Errorf("wrong password = %d %s", r.Status, r.Body)
		}
		form.Set("username", "nobody@example.com")
		if r2, _ := postToken(t, inst, form); string(r2.Body) != string(r.Body) || r2.Status != r.Status {
			t.Errorf("unknown email answers differently: %d %s vs %s", r2.Status, r2.Body, r.Body)
		}

		form.Set("username", alice.Email)
		form.Set("password", testrig.Password())
		form.Set("scope", "read write")
		_, first := postToken(t, inst, form)
		if first.RefreshToken == "" {
			t.Fatal("password grant issued no refresh token")
		}
		refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "refresh_token": {first.RefreshToken}}
		r, second := postToken(t, inst, refresh)
		if r.Status != 200 || second.AccessToken == "" || second.Scope != "read write" || second.RefreshToken == "" {
			t.Fatalf("refresh = %d %s", r.Status, r.Body)
		}
		apischema.MustMatch(t, "Token", r.Body)
		inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", second.AccessToken, nil)
		inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", first.AccessToken, nil)
		if r, tok := postToken(t, inst, refresh); r.Status != 400 || tok.Error != "invalid_grant" {
			t.Errorf("refresh token reuse = %d %s", r.Status, r.Body)
		}
	})
}

func TestClientAuthenticationAndErrors(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		app := registerApp(t, inst, appRedirect, "read")

		r, tok := postToken(t, inst, url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_secret": {"wrong"}})
		if r.Status != 401 || tok.Error != "invalid_client" || !strings.Contains(r.Header.Get("WWW-Authenticate"), "invalid_client") {
			t.Errorf("wrong secret = %d %s %q", r.Status, r.Body, r.Header.Get("WWW-Authenticate"))
		}
		apischema.MustMatch(t, "Error", r.Body)
		if r, tok := postToken(t, inst, url.Values{"client_id": {app.ClientID}}); r.Status != 400 ||
			tok.Error != "invalid_request" || tok.ErrorDescription != "Missing required parameter: grant_type." {
			t.Errorf("no grant_type = %d %s", r.Status, r.Body)
		}
		if r, tok := postToken(t, inst, url.Values{"grant_type": {"implicit"}}); r.Status != 400 || tok.Error != "unsupported_grant_type" {
			t.Errorf("implicit = %d %s", r.Status, r.Body)
		}

		// HTTP Basic client authentication.
		req, _ := http.NewRequest("POST", inst.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(app.ClientID), url.QueryEscape(app.ClientSecret))
		resp, err := inst.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var basic tokenJSON
		json.NewDecoder(resp.Body).Decode(&basic)
		resp.Body.Close()
		if resp.StatusCode != 200 || basic.AccessToken == "" || basic.Scope != "read" {
			t.Errorf("basic auth = %d %+v", resp.StatusCode, basic)
		}

		// A JSON body works as well as a form.
		r = inst.Do(t, "POST", "/oauth/token", "", map[string]string{"grant_type": "client_credentials",
			"client_id": app.ClientID, "client_secret": app.ClientSecret})
		if r.Status != 200 {
			t.Errorf("JSON token request = %d %s", r.Status, r.Body)
		}
	})
}

func TestRevoke(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		app := registerApp(t, inst, appRedirect, "read")
		other := registerApp(t, inst, appRedirect, "read")
		grant := url.Values{"grant_type": {"password"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
			"username": {alice.Email}, "password": {testrig.Password()}}
		_, tok := postToken(t, inst, grant)
		inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil) // now cached

		// Another client may not revoke it.
		r := inst.Do(t, "POST", "/oauth/revoke", "", url.Values{"token": {tok.AccessToken},
			"client_id": {other.ClientID}, "client_secret": {other.ClientSecret}})
		if r.Status != 403 || !strings.Contains(string(r.Body), "unauthorized_client") {
			t.Errorf("revoke by another client = %d %s", r.Status, r.Body)
		}
		inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)

		r = inst.Expect(t, 200, "POST", "/oauth/revoke", "", url.Values{"token": {tok.AccessToken},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
		if strings.TrimSpace(string(r.Body)) != "{}" {
			t.Errorf("revoke body = %s", r.Body)
		}
		// At once, though the token was cached.
		inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)

		// Revoking by refresh token works too, and unknown tokens are fine.
		_, tok2 := postToken(t, inst, grant)
		inst.Expect(t, 200, "POST", "/oauth/revoke", "", url.Values{"token": {tok2.RefreshToken},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
		inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", tok2.AccessToken, nil)
		inst.Expect(t, 200, "POST", "/oauth/revoke", "", url.Values{"token": {"no-such-token"},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
		inst.Expect(t, 401, "POST", "/oauth/revoke", "", url.Values{"token": {"x"},
			"client_id": {app.ClientID}, "client_secret": {"wrong"}})
	})
}

func TestAuthorizationServerMetadata(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	r := inst.Expect(t, 200, "GET", "/.well-known/oauth-authorization-server", "", nil)
	var m map[string]any
	r.JSON(t, &m)
	for key, want := range map[string]string{
		"issuer":                    inst.URL + "/",
		"authorization_endpoint":    inst.URL + "/oauth/authorize",
		"token_endpoint":            inst.URL + "/oauth/token",
		"revocation_endpoint":       inst.URL + "/oauth/revoke",
		"app_registration_endpoint": inst.URL + "/api/v1/apps",
		"service_documentation":     "https://docs.joinmastodon.org/",
	} {
		if m[key] != want {
			t.Errorf("%s = %v, want %s", key, m[key], want)
		}
	}
	if got, _ := json.Marshal(m["code_challenge_methods_supported"]); string(got) != `["S256"]` {
		t.Errorf("code_challenge_methods_supported = %s", got)
	}
	for _, key := range []string{"scopes_supported", "response_types_supported", "response_modes_supported",
		"grant_types_supported", "token_endpoint_auth_methods_supported"} {
		if list, ok := m[key].([]any); !ok || len(list) == 0 {
			t.Errorf("%s = %v", key, m[key])
		}
	}
}
