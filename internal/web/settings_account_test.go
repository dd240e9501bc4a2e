package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herd/internal/testrig"
)

var (
	sessionIDRE = regexp.MustCompile(`name="id" value="([0-9a-f]+)"`)
	appRevokeRE = regexp.MustCompile(`action="(/settings/account/apps/\d+/revoke)"`)
)

// signInWith signs the browser in with an email and password, reporting
// whether it worked.
func (b *browser) signInWith(email, password string) bool {
	b.t.Helper()
	p := b.do(http.MethodGet, "/auth/sign_in", nil)
	f := p.form()
	f.Set("email", email)
	f.Set("password", password)
	return b.do(http.MethodPost, "/auth/sign_in", f).Status == http.StatusOK
}

// signedIn reports whether the browser's session still works.
func (b *browser) signedIn() bool {
	b.t.Helper()
	return b.do(http.MethodGet, "/settings/account", nil).Path == "/settings/account"
}

// TestAccountSettings: /settings/account changes the email and the
// password (the current one required: a wrong one changes nothing), and
// a new password signs every other browser out; it lists the signed-in
// browsers and the authorized apps, each of which can be signed out or
// revoked (the app's token then fails with 401); forms without the CSRF
// token do nothing.
func TestAccountSettings(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		inst.NewUser(t, "bob")
		ctx := context.Background()
		here, other, third := newBrowser(t, inst), newBrowser(t, inst), newBrowser(t, inst)
		here.signIn(alice)
		other.signIn(alice)

		p := here.do(http.MethodGet, "/settings/account", nil)
		if p.Status != http.StatusOK || strings.Count(p.Body, `action="/settings/account/sessions/revoke"`) != 1 ||
			!strings.Contains(p.Body, "This browser") || !strings.Contains(p.Body, "alice@example.com") ||
			!strings.Contains(p.Body, "testrig") {
			t.Fatalf("account page: %d %s", p.Status, p.Body)
		}
		token := p.form().Get("authenticity_token")
		send := func(path string, f url.Values) *page {
			f.Set("authenticity_token", token)
			return here.do(http.MethodPost, path, f)
		}
		passwordWorks := func(email, password string) bool {
			_, _, err := inst.Core.Accounts.CheckPassword(ctx, email, password)
			return err == nil
		}

		// Forged, then refused: nothing changes.
		if p := here.do(http.MethodPost, "/settings/account/password", url.Values{"current_password": {testrig.Password()},
			"password": {"a new passphrase"}, "password_confirmation": {"a new passphrase"}}); p.Status != http.StatusForbidden {
			t.Errorf("forged password change: %d", p.Status)
		}
		p = send("/settings/account/password", url.Values{"current_password": {"wrong password"},
			"password": {"a new passphrase"}, "password_confirmation": {"a new passphrase"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Current password is invalid") {
			t.Errorf("wrong current password: %d %s", p.Status, p.Body)
		}
		p = send("/settings/account/password", url.Values{"current_password": {testrig.Password()},
			"password": {"a new passphrase"}, "password_confirmation": {"another passphrase"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Password confirmation doesn&#39;t match Password") {
			t.Errorf("mismatched confirmation: %d %s", p.Status, p.Body)
		}
		if !passwordWorks(alice.Email, testrig.Password()) || !other.signedIn() {
			t.Fatal("a refused password change changed the password or signed a browser out")
		}

		// The email address.
		p = send("/settings/account/email", url.Values{"email": {"alice@new.example"}, "current_password": {"wrong password"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Current password is invalid") ||
			!strings.Contains(p.Body, `value="alice@new.example"`) {
			t.Errorf("email with a wrong password: %d %s", p.Status, p.Body)
		}
		p = send("/settings/account/email", url.Values{"email": {"BOB@example.com"}, "current_password": {testrig.Password()}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Email has already been taken") {
			t.Errorf("another's email: %d %s", p.Status, p.Body)
		}
		p = send("/settings/account/email", url.Values{"email": {"alice@new.example"}, "current_password": {testrig.Password()}})
		if p.Path != "/settings/account?saved=email" || !strings.Contains(p.Body, "Your email address was changed.") ||
			!strings.Contains(p.Body, "alice@new.example") {
			t.Fatalf("email change: %d at %s", p.Status, p.Path)
		}
		if !passwordWorks("alice@new.example", testrig.Password()) || passwordWorks(alice.Email, testrig.Password()) {
			t.Error("signing in does not follow the new email address")
		}

		// A browser signed out from the list.
		if !third.signInWith("alice@new.example", testrig.Password()) {
			t.Fatal("third browser cannot sign in")
		}
		p = here.do(http.MethodGet, "/settings/account", nil)
		ids := sessionIDRE.FindAllStringSubmatch(p.Body, -1)
		if len(ids) != 2 {
			t.Fatalf("want the 2 other browsers listed, got %d: %s", len(ids), p.Body)
		}
		// The newest session (third's) is listed first.
		if p := send("/settings/account/sessions/revoke", url.Values{"id": {ids[0][1]}}); p.Path != "/settings/account?saved=session-revoked" {
			t.Fatalf("revoke session: %d at %s", p.Status, p.Path)
		}
		if third.signedIn() || !other.signedIn() || !here.signedIn() {
			t.Errorf("after signing out one browser: third %v, other %v, here %v", third.signedIn(), other.signedIn(), here.signedIn())
		}
		if p := send("/settings/account/sessions/revoke", url.Values{"id": {"0000"}}); p.Status != http.StatusNotFound {
			t.Errorf("unknown session: %d", p.Status)
		}

		// The right password: changed, other browsers signed out, this one
		// kept, apps kept (as Mastodon).
		p = send("/settings/account/password", url.Values{"current_password": {testrig.Password()},
			"password": {"a new passphrase"}, "password_confirmation": {"a new passphrase"}})
		if p.Path != "/settings/account?saved=password" || !strings.Contains(p.Body, "Your password was changed") {
			t.Fatalf("password change: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		if other.signedIn() || !here.signedIn() {
			t.Errorf("after the password change: other signed in %v, this browser %v", other.signedIn(), here.signedIn())
		}
		if !passwordWorks("alice@new.example", "a new passphrase") || passwordWorks("alice@new.example", testrig.Password()) {
			t.Error("the new password does not work, or the old one still does")
		}
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/verify_credentials", alice.Token, nil)

		// An app revoked: its token fails at once.
		p = here.do(http.MethodGet, "/settings/account", nil)
		m := appRevokeRE.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("no app to revoke: %s", p.Body)
		}
		if p := here.do(http.MethodPost, m[1], url.Values{}); p.Status != http.StatusForbidden {
			t.Errorf("forged app revocation: %d", p.Status)
		}
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/verify_credentials", alice.Token, nil)
		if p := send(m[1], url.Values{}); p.Path != "/settings/account?saved=app-revoked" || strings.Contains(p.Body, "testrig") {
			t.Fatalf("revoke app: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		inst.Expect(t, http.StatusUnauthorized, http.MethodGet, "/api/v1/accounts/verify_credentials", alice.Token, nil)
		if p := send(m[1], url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("revoking again: %d", p.Status)
		}
	})
}
