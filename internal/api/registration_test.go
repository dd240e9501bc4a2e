package api_test

import (
	"net/url"
	"testing"

	"herd/internal/apischema"
	"herd/internal/config"
	"herd/internal/testrig"
)

func registration(username string) url.Values {
	return url.Values{"username": {username}, "email": {username + "@example.com"},
		"password": {"long enough password"}, "agreement": {"true"}, "locale": {"en"}}
}

type validationJSON struct {
	Error   string `json:"error"`
	Details map[string][]struct {
		Error       string `json:"error"`
		Description string `json:"description"`
	} `json:"details"`
}

func TestRegisterAccountOpen(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "alice")
		appToken := inst.Token(t, 0, "read", "write")

		r := inst.Expect(t, 200, "POST", "/api/v1/accounts", appToken, registration("carol"))
		apischema.MustMatch(t, "Token", r.Body)
		var tok struct {
			AccessToken string `json:"access_token"`
			Scope       string `json:"scope"`
		}
		r.JSON(t, &tok)
		// The token carries the app's scopes, as AppSignUpService does.
		if tok.Scope != "read write follow push profile" {
			t.Errorf("scope = %q", tok.Scope)
		}
		me := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)
		apischema.MustMatch(t, "CredentialAccount", me.Body)

		// Several problems at once, each under its field.
		bad := url.Values{"username": {"Alice"}, "email": {"alice@example.com"}, "password": {"short"}}
		r = inst.Expect(t, 422, "POST", "/api/v1/accounts", appToken, bad)
		apischema.MustMatch(t, "ValidationError", r.Body)
		var v validationJSON
		r.JSON(t, &v)
		want := "Validation failed: Username has already been taken, Email has already been taken, " +
			"Password is too short (minimum is 8 characters), Agreement must be accepted"
		if v.Error != want {
			t.Errorf("error = %q, want %q", v.Error, want)
		}
		for field, code := range map[string]string{"username": "ERR_TAKEN", "email": "ERR_TAKEN",
			"password": "ERR_TOO_SHORT", "agreement": "ERR_ACCEPTED"} {
			if d := v.Details[field]; len(d) != 1 || d[0].Error != code {
				t.Errorf("details[%s] = %+v, want %s", field, d, code)
			}
		}
		bad = registration("bad-name!")
		r = inst.Expect(t, 422, "POST", "/api/v1/accounts", appToken, bad)
		r.JSON(t, &v)
		if d := v.Details["username"]; len(d) != 1 || d[0].Error != "ERR_INVALID" {
			t.Errorf("invalid username details = %s", r.Body)
		}

		bad = registration("frank")
		bad.Set("locale", "<not a locale>")
		r = inst.Expect(t, 422, "POST", "/api/v1/accounts", appToken, bad)
		r.JSON(t, &v)
		if d := v.Details["locale"]; len(d) != 1 || d[0].Error != "ERR_INCLUSION" {
			t.Errorf("invalid locale details = %s", r.Body)
		}

		// An app token needs write:accounts, and some token is needed.
		inst.Expect(t, 403, "POST", "/api/v1/accounts", inst.Token(t, 0, "read"), registration("dan"))
		inst.Expect(t, 401, "POST", "/api/v1/accounts", "", registration("dan"))
	})
}

func TestRegisterAccountApprovalAndClosed(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db, func(c *config.Config) { c.Registrations = "approval" })
		appToken := inst.Token(t, 0, "write")

		r := inst.Expect(t, 422, "POST", "/api/v1/accounts", appToken, registration("dave"))
		var v validationJSON
		r.JSON(t, &v)
		if d := v.Details["reason"]; len(d) != 1 || d[0].Error != "ERR_BLANK" {
			t.Errorf("missing reason = %s", r.Body)
		}
		form := registration("dave")
		form.Set("reason", "I would like to join")
		r = inst.Expect(t, 200, "POST", "/api/v1/accounts", appToken, form)
		apischema.MustMatch(t, "Token", r.Body)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		r.JSON(t, &tok)
		// Mastodon answers a token, which is refused until approval.
		r = inst.Expect(t, 403, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)
		if string(r.Body) != "{\"error\":\"Your login is currently pending approval\"}\n" {
			t.Errorf("pending token = %s", r.Body)
		}

		closed := testrig.Start(t, db, func(c *config.Config) { c.Registrations = "closed" })
		r = closed.Expect(t, 403, "POST", "/api/v1/accounts", closed.Token(t, 0, "write"), registration("eve"))
		if string(r.Body) != "{\"error\":\"This action is not allowed\"}\n" {
			t.Errorf("closed = %s", r.Body)
		}
	})
}
