package browser

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// Sign-in form fields and buttons, by name: they work whatever the page
// around them looks like.
const (
	signInButton  = `form[action="/auth/sign_in"] button[type=submit]`
	signOutButton = `form[action="/auth/sign_out"] button[type=submit]`
	signUpButton  = `form[action="/auth/sign_up"] button[type=submit]`
)

// signUp fills in the sign-up form and sends it.
func (b *Tab) signUp(username, email, password string) {
	b.t.Helper()
	b.Visit("/auth/sign_up")
	b.Type(`input[name=username]`, username)
	b.Type(`input[name=email]`, email)
	b.Type(`input[name=password]`, password)
	b.Type(`input[name=password_confirmation]`, password)
	b.Check(`input[name=agreement]`)
	b.Submit(signUpButton)
}

// signIn signs in through the sign-in page, from wherever the tab is.
func (b *Tab) signIn(email, password string) {
	b.t.Helper()
	if st := b.trySignIn(email, password); st != http.StatusOK {
		b.t.Fatalf("sign in as %s: status %d at %s: %s", email, st, b.Path(), b.Text("main"))
	}
}

// trySignIn sends the sign-in form, returning the status of the page it
// leads to.
func (b *Tab) trySignIn(email, password string) int {
	b.t.Helper()
	if !strings.HasPrefix(b.Path(), "/auth/sign_in") {
		b.Visit("/auth/sign_in")
	}
	b.Type(`input[name=email]`, email)
	b.Type(`input[name=password]`, password)
	return b.Click(signInButton)
}

// signOut signs out with the form the sign-in page shows a signed-in user.
func (b *Tab) signOut() {
	b.t.Helper()
	b.Visit("/auth/sign_in")
	b.Submit(signOutButton)
}

// signedInAs fails unless the browser's session is username's: the
// sign-in page says who is signed in.
func (b *Tab) wantSignedInAs(username string) {
	b.t.Helper()
	b.Visit("/auth/sign_in")
	b.WantText("main", "@"+username)
	if b.Count(signOutButton) != 1 {
		b.t.Fatalf("signed in as %s but no sign-out button at %s", username, b.Path())
	}
}

// wantSignedOut fails unless the browser has no session: a page for
// signed-in users sends it to the sign-in form.
func (b *Tab) wantSignedOut() {
	b.t.Helper()
	b.Visit("/home")
	b.WantPath("/auth/sign_in?return_to=*")
	if b.Count(`input[name=password]`) != 1 {
		b.t.Fatalf("signed out, but %s shows no password field", b.Path())
	}
}

// TestSignUpSignOutSignIn: a visitor creates an account in the sign-up
// form and is signed in; signs out; a wrong password is refused with a
// message; the right one signs in again. With JavaScript on and off.
func TestSignUpSignOutSignIn(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) {
			testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
				inst := testrig.Start(t, db)
				b := openTab(t, inst, js)

				b.signUp("newcomer", "newcomer@example.com", "a long passphrase")
				if _, err := inst.Core.LookupAccount(context.Background(), "newcomer"); err != nil {
					t.Fatalf("the account was not created: %v", err)
				}
				b.wantSignedInAs("newcomer")

				b.signOut()
				b.wantSignedOut()

				if st := b.trySignIn("newcomer@example.com", "not the passphrase"); st != http.StatusUnauthorized {
					t.Fatalf("a wrong password answered %d, want 401", st)
				}
				b.WantPath("/auth/sign_in*")
				b.WantText(`[role=alert]`, "Invalid email or password")
				b.wantSignedOut()

				// Signing in from a page that needs it comes back to that page.
				b.Visit("/home")
				b.signIn("newcomer@example.com", "a long passphrase")
				b.WantPath("/home")
				b.wantSignedInAs("newcomer")
			})
		})
	}
}

// TestOAuthAuthorizeFlow: an app registered through the API sends the
// browser to /oauth/authorize; the person signs in, approves on the
// consent page, copies the code shown (the out-of-band redirect), and the
// app exchanges it for a token that works on the API. With JavaScript on
// and off.
func TestOAuthAuthorizeFlow(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) {
			testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
				inst := testrig.Start(t, db)
				alice := inst.NewUser(t, "alice")
				const oob = "urn:ietf:wg:oauth:2.0:oob"

				var app struct{ ClientID, ClientSecret string }
				var raw map[string]any
				inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/apps", "", url.Values{
					"client_name": {"Pocket Toot"}, "redirect_uris": {oob}, "scopes": {"read write"},
					"website": {"https://pocket.example"},
				}).JSON(t, &raw)
				app.ClientID, _ = raw["client_id"].(string)
				app.ClientSecret, _ = raw["client_secret"].(string)

				b := openTab(t, inst, js)
				b.Visit("/oauth/authorize?" + url.Values{"client_id": {app.ClientID}, "redirect_uri": {oob},
					"response_type": {"code"}, "scope": {"read write"}}.Encode())
				b.WantPath("/auth/sign_in?return_to=*")
				b.signIn(alice.Email, testrig.Password())

				// The consent page names the app, the account and what it asks for.
				b.WantPath("/oauth/authorize?*")
				b.WantText("main", "Pocket Toot", "@alice", "read", "write")
				b.Submit(`form[action="/oauth/authorize"] button[value=authorize]`)

				b.WantPath("/oauth/authorize/native?code=*")
				code := strings.TrimSpace(b.Text(`code`))
				if code == "" || !strings.Contains(b.Path(), url.QueryEscape(code)) {
					t.Fatalf("code shown %q, page %s", code, b.Path())
				}

				var tok struct {
					AccessToken string `json:"access_token"`
					Scope       string `json:"scope"`
				}
				inst.Expect(t, http.StatusOK, http.MethodPost, "/oauth/token", "", url.Values{
					"grant_type": {"authorization_code"}, "code": {code}, "client_id": {app.ClientID},
					"client_secret": {app.ClientSecret}, "redirect_uri": {oob},
				}).JSON(t, &tok)
				if tok.Scope != "read write" {
					t.Errorf("token scope %q, want read write", tok.Scope)
				}
				var me struct{ Username string }
				inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/verify_credentials", tok.AccessToken, nil).JSON(t, &me)
				if me.Username != "alice" {
					t.Fatalf("the token is %q's, want alice's", me.Username)
				}

				// A used code is spent.
				inst.Expect(t, http.StatusBadRequest, http.MethodPost, "/oauth/token", "", url.Values{
					"grant_type": {"authorization_code"}, "code": {code}, "client_id": {app.ClientID},
					"client_secret": {app.ClientSecret}, "redirect_uri": {oob},
				})
			})
		})
	}
}

// openTab opens a tab with JavaScript on or off.
func openTab(t *testing.T, inst *testrig.Instance, js bool) *Tab {
	t.Helper()
	if js {
		return newTab(t, inst)
	}
	return newTabNoJS(t, inst)
}

func jsName(js bool) string {
	if js {
		return "js"
	}
	return "nojs"
}
