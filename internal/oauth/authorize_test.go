package oauth_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herd/internal/apischema"
	"herd/internal/core"
	"herd/internal/core/accounts"
	"herd/internal/store"
	"herd/internal/testrig"
)

const appRedirect = "https://app.example/callback"

// TestAuthorizationCodeFlow walks the whole flow as a browser and an app
// would: authorize → sign in → consent → code → token → API calls.
func TestAuthorizationCodeFlow(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		app := registerApp(t, inst, appRedirect+"\nhttps://app.example/other", "read write follow")
		b := newBrowser(t, inst)

		verifier := "a-very-long-random-verifier-string-0123456789-abcdefghijklmnop"
		p := b.get(authorizePath(app, appRedirect, url.Values{"scope": {"read write"}, "state": {"xyz 123"},
			"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}))
		if !strings.HasPrefix(p.URL.Path, "/auth/sign_in") {
			t.Fatalf("anonymous authorize landed on %s, want the sign-in page", p.URL)
		}
		p = b.signIn(p, alice.Email)
		if p.URL.Path != "/oauth/authorize" || !strings.Contains(p.Body, "Test app") ||
			!strings.Contains(p.Body, "@alice") || !strings.Contains(p.Body, "(write)") {
			t.Fatalf("after sign-in: %s %d\n%s", p.URL, p.Status, p.Body)
		}
		q := callback(t, b.decide(p, "authorize"), appRedirect+"?")
		if q.Get("state") != "xyz 123" || q.Get("code") == "" {
			t.Fatalf("callback query = %v, want code and state", q)
		}
		exchange := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "redirect_uri": {appRedirect},
			"code_verifier": {verifier}}
		r, tok := postToken(t, inst, exchange)
		if r.Status != 200 || tok.TokenType != "Bearer" || tok.Scope != "read write" || tok.RefreshToken == "" || tok.CreatedAt < 1e9 {
			t.Fatalf("token exchange = %d %s", r.Status, r.Body)
		}
		apischema.MustMatch(t, "Token", r.Body)
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("token answer Cache-Control = %q", r.Header.Get("Cache-Control"))
		}

		acct := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)
		if !strings.Contains(string(acct.Body), `"username":"alice"`) {
			t.Errorf("verify_credentials = %s", acct.Body)
		}
		a := inst.Expect(t, 200, "GET", "/api/v1/apps/verify_credentials", tok.AccessToken, nil)
		apischema.MustMatch(t, "Application", a.Body)
		if !strings.Contains(string(a.Body), `"name":"Test app"`) {
			t.Errorf("apps/verify_credentials = %s", a.Body)
		}

		// A code is single-use.
		r, tok = postToken(t, inst, exchange)
		if r.Status != 400 || tok.Error != "invalid_grant" {
			t.Errorf("code reuse = %d %s, want 400 invalid_grant", r.Status, r.Body)
		}
		apischema.MustMatch(t, "Error", r.Body)
	})
}

// authorizeCode runs the flow for a signed-in browser and returns the code.
func authorizeCode(t *testing.T, b *browser, path string) string {
	t.Helper()
	q := callback(t, b.decide(b.get(path), "authorize"), appRedirect)
	return q.Get("code")
}

func TestAuthorizationCodeChecks(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		app := registerApp(t, inst, appRedirect, "read write")
		other := registerApp(t, inst, appRedirect, "read write")
		b := newBrowser(t, inst)
		b.signIn(b.get("/auth/sign_in"), alice.Email)
		base := url.Values{"client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
			"grant_type": {"authorization_code"}}
		exchange := func(code string, extra url.Values) (int, tokenJSON) {
			f := url.Values{"code": {code}}
			for k, v := range base {
				f[k] = v
			}
			for k, v := range extra {
				f[k] = v
			}
			r, tok := postToken(t, inst, f)
			return r.Status, tok
		}

		t.Run("wrong PKCE verifier", func(t *testing.T) {
			code := authorizeCode(t, b, authorizePath(app, appRedirect, url.Values{
				"code_challenge": {s256("right-verifier-right-verifier-right-verifier")}, "code_challenge_method": {"S256"}}))
			if st, tok := exchange(code, url.Values{"code_verifier": {"wrong-verifier-wrong-verifier-wrong-verifier"}}); st != 400 || tok.Error != "invalid_grant" {
				t.Errorf("wrong verifier = %d %+v", st, tok)
			}
			// The failed try used the code up.
			if st, _ := exchange(code, url.Values{"code_verifier": {"right-verifier-right-verifier-right-verifier"}}); st != 400 {
				t.Errorf("code after a failed PKCE check = %d, want 400", st)
			}
		})
		t.Run("missing PKCE verifier", func(t *testing.T) {
			code := authorizeCode(t, b, authorizePath(app, appRedirect, url.Values{
				"code_challenge": {s256("v")}, "code_challenge_method": {"S256"}}))
			if st, tok := exchange(code, nil); st != 400 || tok.Error != "invalid_request" {
				t.Errorf("no verifier = %d %+v", st, tok)
			}
		})
		t.Run("plain PKCE refused", func(t *testing.T) {
			p := b.get(authorizePath(app, appRedirect, url.Values{"code_challenge": {"abc"},
				"code_challenge_method": {"plain"}, "state": {"s1"}}))
			q := callback(t, p, appRedirect)
			if q.Get("error") != "invalid_request" || q.Get("state") != "s1" {
				t.Errorf("plain method = %v", q)
			}
		})
		t.Run("redirect_uri mismatch at exchange", func(t *testing.T) {
			code := authorizeCode(t, b, authorizePath(app, appRedirect, nil))
			if st, tok := exchange(code, url.Values{"redirect_uri": {"https://evil.example/cb"}}); st != 400 || tok.Error != "invalid_grant" {
				t.Errorf("mismatched redirect_uri = %d %+v", st, tok)
			}
		})
		t.Run("code of another client", func(t *testing.T) {
			code := authorizeCode(t, b, authorizePath(other, appRedirect, nil))
			if st, tok := exchange(code, nil); st != 400 || tok.Error != "invalid_grant" {
				t.Errorf("other client's code = %d %+v", st, tok)
			}
		})
		t.Run("unregistered redirect_uri is never redirected to", func(t *testing.T) {
			p := b.get(authorizePath(app, "https://evil.example/cb", nil))
			if p.Status != 400 || p.Location != "" || !strings.Contains(p.Body, "redirect uri") {
				t.Errorf("unregistered redirect = %d Location=%q", p.Status, p.Location)
			}
		})
		t.Run("unknown client", func(t *testing.T) {
			p := b.get("/oauth/authorize?response_type=code&client_id=nope&redirect_uri=" + url.QueryEscape(appRedirect))
			if p.Status != 400 || p.Location != "" {
				t.Errorf("unknown client = %d Location=%q", p.Status, p.Location)
			}
		})
		t.Run("scope escalation", func(t *testing.T) {
			q := callback(t, b.get(authorizePath(app, appRedirect, url.Values{"scope": {"read write admin:read"}})), appRedirect)
			if q.Get("error") != "invalid_scope" || q.Get("code") != "" {
				t.Errorf("escalated scope = %v", q)
			}
		})
		t.Run("deny", func(t *testing.T) {
			q := callback(t, b.decide(b.get(authorizePath(app, appRedirect, url.Values{"state": {"st"}})), "deny"), appRedirect)
			if q.Get("error") != "access_denied" || q.Get("state") != "st" || q.Get("code") != "" {
				t.Errorf("deny = %v", q)
			}
		})
		t.Run("consent needs the CSRF token", func(t *testing.T) {
			p := b.get(authorizePath(app, appRedirect, nil))
			form := hidden(p.Body)
			form.Set("decision", "authorize")
			form.Set("authenticity_token", "forged")
			if got := b.post("/oauth/authorize", form); got.Status != http.StatusForbidden || got.Location != "" {
				t.Errorf("forged consent = %d Location=%q", got.Status, got.Location)
			}
		})
	})
}

func TestOutOfBandAndForceLogin(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		const oob = "urn:ietf:wg:oauth:2.0:oob"
		app := registerApp(t, inst, oob, "read")
		b := newBrowser(t, inst)
		b.signIn(b.get("/auth/sign_in"), alice.Email)

		p := b.decide(b.get(authorizePath(app, oob, nil)), "authorize")
		if p.URL.Path != "/oauth/authorize/native" || p.Status != 200 {
			t.Fatalf("oob landed on %s %d", p.URL, p.Status)
		}
		code := p.URL.Query().Get("code")
		if code == "" || !strings.Contains(p.Body, code) {
			t.Fatalf("oob page does not show the code: %s", p.Body)
		}
		r, tok := postToken(t, inst, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "redirect_uri": {oob}})
		if r.Status != 200 || tok.Scope != "read" {
			t.Fatalf("oob exchange = %d %s", r.Status, r.Body)
		}

		// force_login signs alice out and lets bob sign in instead.
		p = b.get(authorizePath(app, oob, url.Values{"force_login": {"true"}}))
		if !strings.HasPrefix(p.URL.Path, "/auth/sign_in") {
			t.Fatalf("force_login landed on %s", p.URL)
		}
		p = b.signIn(p, bob.Email)
		if !strings.Contains(p.Body, "@bob") {
			t.Fatalf("consent after force_login is not bob's: %s", p.Body)
		}
		p = b.decide(p, "authorize")
		_, tok = postToken(t, inst, url.Values{"grant_type": {"authorization_code"}, "code": {p.URL.Query().Get("code")},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
		acct := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)
		if !strings.Contains(string(acct.Body), `"username":"bob"`) {
			t.Errorf("token after force_login is not bob's: %s", acct.Body)
		}
	})
}

func TestExpiredCodeRefused(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		app := registerApp(t, inst, appRedirect, "read")
		ctx := context.Background()
		a, err := inst.Store.AppByClientID(ctx, app.ClientID)
		if err != nil {
			t.Fatal(err)
		}
		insert := func(code string, expires time.Time) {
			err := inst.Store.InTx(ctx, func(tx *store.Store) error {
				return tx.InsertAuthCode(ctx, accounts.HashSecret(code), &store.AuthCode{AppID: a.ID,
					AccountID: alice.Account.ID, RedirectURI: appRedirect, Scopes: []string{"read"}, ExpiresAt: expires})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		insert("stale-code", time.Now().Add(-time.Second))
		insert("fresh-code", time.Now().Add(accounts.AuthCodeLifetime))
		form := url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "redirect_uri": {appRedirect}}
		form.Set("code", "stale-code")
		if r, tok := postToken(t, inst, form); r.Status != 400 || tok.Error != "invalid_grant" {
			t.Errorf("expired code = %d %s", r.Status, r.Body)
		}
		form.Set("code", "fresh-code")
		if r, _ := postToken(t, inst, form); r.Status != 200 {
			t.Errorf("fresh code = %d %s", r.Status, r.Body)
		}
	})
}

// TestReplayedCodeRevokesItsTokens: a code exchanged a second time is
// refused and every token issued from it, refreshed ones included, stops
// working at once (RFC 6749 §4.1.2), though cached, and on every node: a
// replay means the code leaked, so whoever exchanged it first may be the
// thief.
func TestReplayedCodeRevokesItsTokens(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		app := registerApp(t, inst, appRedirect, "read")
		b := newBrowser(t, inst)
		b.signIn(b.get("/auth/sign_in"), alice.Email)
		// A second core on the same database, as a second node would be.
		otherNode := core.New(core.Deps{Store: inst.Store, Config: inst.Core.Config})

		cases := []struct {
			name        string
			refresh     bool // the first token is traded for a successor before the replay
			onOtherNode bool // the replay reaches another node than the one using the token
		}{
			{name: "token issued from the code"},
			{name: "token refreshed from it", refresh: true},
			{name: "replay on another node", onOtherNode: true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				exchange := url.Values{"grant_type": {"authorization_code"},
					"code":      {authorizeCode(t, b, authorizePath(app, appRedirect, nil))},
					"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "redirect_uri": {appRedirect}}
				r, tok := postToken(t, inst, exchange)
				if r.Status != 200 {
					t.Fatalf("exchange = %d %s", r.Status, r.Body)
				}
				if c.refresh {
					r, tok = postToken(t, inst, url.Values{"grant_type": {"refresh_token"}, "client_id": {app.ClientID},
						"client_secret": {app.ClientSecret}, "refresh_token": {tok.RefreshToken}})
					if r.Status != 200 {
						t.Fatalf("refresh = %d %s", r.Status, r.Body)
					}
				}
				inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil) // now cached

				if c.onOtherNode {
					_, err := otherNode.Accounts.Token(context.Background(), accounts.TokenRequest{GrantType: "authorization_code",
						ClientID: app.ClientID, ClientSecret: app.ClientSecret, Code: exchange.Get("code"),
						RedirectURI: appRedirect})
					if oerr, ok := err.(*accounts.OAuthError); !ok || oerr.Code != "invalid_grant" {
						t.Fatalf("replay on another node = %v, want invalid_grant", err)
					}
					// This node learns of it from the events log.
					inst.WaitEvents(t)
					inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)
				} else {
					if r, replay := postToken(t, inst, exchange); r.Status != 400 || replay.Error != "invalid_grant" {
						t.Fatalf("replay = %d %s, want 400 invalid_grant", r.Status, r.Body)
					}
					inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil)
				}
				// Its refresh token is revoked with it.
				r, _ = postToken(t, inst, url.Values{"grant_type": {"refresh_token"}, "client_id": {app.ClientID},
					"client_secret": {app.ClientSecret}, "refresh_token": {tok.RefreshToken}})
				if r.Status != 400 {
					t.Errorf("refresh after the replay = %d %s, want 400", r.Status, r.Body)
				}
			})
		}
	})
}
