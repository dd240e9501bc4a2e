package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"herd/internal/core/accounts"
	"herd/internal/mail/mailtest"
	"herd/internal/store"
	"herd/internal/testrig"
)

var resetLinkRE = regexp.MustCompile(`http://[^\s]+/auth/password/edit\?token=([A-Za-z0-9_-]+)`)

// TestPasswordResetWithoutMail: an instance that cannot send mail offers
// no password reset.
func TestPasswordResetWithoutMail(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	b := newBrowser(t, inst)
	if p := b.get("/auth/sign_in"); strings.Contains(p.Body, "/auth/password/new") {
		t.Errorf("sign-in page offers a reset without mail: %s", p.Body)
	}
	if p := b.get("/auth/password/new"); p.Status != http.StatusNotFound {
		t.Errorf("reset form without mail: %d", p.Status)
	}
}

// TestPasswordReset: with SMTP set, "Forgot your password?" mails a link
// (over STARTTLS, logged in) to the account's address and answers the
// same for an unknown one; the link sets a new password once, after which
// every browser session and app token of the account is dead; used,
// expired or unknown links are refused; a second request within minutes
// sends no second mail.
func TestPasswordReset(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		smtp := mailtest.Start(t, mailtest.WithSTARTTLS(), mailtest.WithAuth("herd", "mail secret"))
		inst := testrig.Start(t, db, smtp.Configure)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		signedIn := newBrowser(t, inst)
		signedIn.signIn(alice)

		b := newBrowser(t, inst)
		p := b.get("/auth/sign_in")
		if !strings.Contains(p.Body, `href="/auth/password/new"`) {
			t.Fatalf("sign-in page lacks the reset link: %s", p.Body)
		}
		p = b.get("/auth/password/new")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `action="/auth/password"`) {
			t.Fatalf("reset form: %d %s", p.Status, p.Body)
		}
		form := p.form()
		ask := func(email string) *page {
			f := url.Values{"authenticity_token": {form.Get("authenticity_token")}, "email": {email}}
			return b.post("/auth/password", f)
		}
		if p := b.post("/auth/password", url.Values{"email": {alice.Email}}); p.Status != http.StatusForbidden {
			t.Errorf("forged request: %d", p.Status)
		}
		unknown := ask("nobody@example.com")
		known := ask(strings.ToUpper(alice.Email))
		if unknown.Status != http.StatusOK || known.Status != http.StatusOK ||
			strings.ReplaceAll(unknown.Body, "nobody@example.com", "X") != strings.ReplaceAll(known.Body, strings.ToUpper(alice.Email), "X") {
			t.Errorf("answers differ: %d %s\n%d %s", unknown.Status, unknown.Body, known.Status, known.Body)
		}
		if !strings.Contains(unknown.Body, "If an account here has the address") || !strings.Contains(known.Body, "If an account here has the address") {
			t.Errorf("answers: %s / %s", unknown.Body, known.Body)
		}

		m := smtp.Next(t)
		if len(m.To) != 1 || m.To[0] != alice.Email || !m.TLS || m.User != "herd" || m.From != "notifications@herd.test" {
			t.Errorf("mail envelope: %+v", m)
		}
		link := resetLinkRE.FindStringSubmatch(m.Body())
		if link == nil || !strings.HasPrefix(link[0], inst.URL) {
			t.Fatalf("no reset link in the mail: %q", m.Data)
		}
		ask(alice.Email) // within minutes of the last: no second mail
		smtp.None(t, 300*time.Millisecond)

		edit := link[0][len(inst.URL):]
		p = b.get(edit)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `name="password_confirmation"`) {
			t.Fatalf("link's form: %d %s", p.Status, p.Body)
		}
		f := p.form()
		f.Set("password", "brand new passphrase")
		f.Set("password_confirmation", "something else")
		if p := b.post("/auth/password/edit", f); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, "doesn&#39;t match Password") {
			t.Fatalf("mismatched confirmation: %d %s", p.Status, p.Body)
		}
		f.Set("password_confirmation", "brand new passphrase")
		if p := b.post("/auth/password/edit", f); p.Status != http.StatusOK || !strings.Contains(p.Body, "Your password was changed") {
			t.Fatalf("reset: %d %s", p.Status, p.Body)
		}

		if _, _, err := inst.Core.Accounts.CheckPassword(ctx, alice.Email, "brand new passphrase"); err != nil {
			t.Errorf("the new password does not work: %v", err)
		}
		if _, _, err := inst.Core.Accounts.CheckPassword(ctx, alice.Email, testrig.Password()); err == nil {
			t.Error("the old password still works")
		}
		inst.Expect(t, http.StatusUnauthorized, http.MethodGet, "/api/v1/accounts/verify_credentials", alice.Token, nil)
		if p := signedIn.get("/auth/sign_in"); !strings.Contains(p.Body, `action="/auth/sign_in"`) {
			t.Errorf("the other browser is still signed in: %s", p.Body)
		}
		if p := b.post("/auth/password/edit", f); p.Status != http.StatusNotFound {
			t.Errorf("a used link: %d", p.Status)
		}
		if p := b.get(edit); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "invalid or has expired") {
			t.Errorf("a used link's form: %d", p.Status)
		}

		// An expired link.
		past := time.Now().Add(-2 * time.Hour)
		if err := inst.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.ReplacePasswordReset(ctx, accounts.HashSecret("old-link"), alice.Account.ID, past, past.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		if p := b.get("/auth/password/edit?token=old-link"); p.Status != http.StatusNotFound {
			t.Errorf("an expired link: %d", p.Status)
		}
		if p := b.get("/auth/password/edit?token=made-up"); p.Status != http.StatusNotFound {
			t.Errorf("an unknown link: %d", p.Status)
		}
	})
}
