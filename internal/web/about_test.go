package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/core/domains"
	"herd/internal/testrig"
)

// TestLandingAndAbout: a visitor's start page and /about name the
// instance, say how to join as the registration mode allows, list the
// rules and the admin to write to; /about adds the numbers and the
// moderated servers when the instance shows them.
func TestLandingAndAbout(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		admin := inst.NewUser(t, "boss")
		if err := inst.Core.Accounts.SetRole(ctx, admin.Account.ID, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Core.Instance.AddInstanceRule(ctx, "Be <kind>", "No harassment"); err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Core.Instance.AddInstanceRule(ctx, "No spam", ""); err != nil {
			t.Fatal(err)
		}
		silence, comment := "silence", "spam wave"
		if _, err := inst.Core.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "spam.example", Severity: &silence, PublicComment: &comment}); err != nil {
			t.Fatal(err)
		}
		post(t, inst, admin, map[string]any{"status": "hello"})
		br := newBrowser(t, inst)

		p := br.do(http.MethodGet, "/", nil)
		for _, want := range []string{"<h1>Herd test</h1>", "A test instance", `href="/auth/sign_up">Create an account`,
			`href="/auth/sign_in"`, "<strong>Be &lt;kind&gt;</strong>", "No harassment", "No spam",
			`href="mailto:admin@example.com"`, `href="/@boss"`, `href="/privacy-policy"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("landing lacks %q", want)
			}
		}
		if strings.Index(p.Body, "Be &lt;kind&gt;") > strings.Index(p.Body, "No spam") {
			t.Error("rules out of order")
		}

		p = br.do(http.MethodGet, "/about", nil)
		if p.Status != http.StatusOK {
			t.Fatalf("about: %d", p.Status)
		}
		for _, want := range []string{"About Herd test", "<dt>Accounts</dt><dd>1</dd>", "<dt>Posts</dt><dd>1</dd>",
			"No spam", `href="/@boss"`, "Moderated servers", "spam.example", "Limited", "spam wave", "Create an account"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("about lacks %q", want)
			}
		}
		br.signIn(admin)
		if p := br.do(http.MethodGet, "/about", nil); strings.Contains(p.Body, "Create an account") || !strings.Contains(p.Body, "spam wave") {
			t.Error("a signed-in user's about page offers to sign up or lacks the blocks")
		}
	})
}

// TestRegistrationModes: the start page offers what the instance allows:
// sign up, ask for an account, or only sign in.
func TestRegistrationModes(t *testing.T) {
	for mode, want := range map[string]string{
		"open": "Create an account", "approval": "Ask for an account", "closed": "not taking new accounts"} {
		t.Run(mode, func(t *testing.T) {
			inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.Registrations = mode })
			p := newBrowser(t, inst).do(http.MethodGet, "/", nil)
			if !strings.Contains(p.Body, want) {
				t.Errorf("landing lacks %q", want)
			}
			if signUp := strings.Contains(p.Body, `class="button" href="/auth/sign_up"`); signUp == (mode == "closed") {
				t.Errorf("sign-up button shown: %v", signUp)
			}
		})
	}
}

// TestAboutDomainBlocks: the moderated servers are listed per
// HERD_SHOW_DOMAIN_BLOCKS: to all, to signed-in users (visitors are told
// so), or to no one.
func TestAboutDomainBlocks(t *testing.T) {
	for _, tc := range []struct {
		show                string
		visitor, signedIn   bool
		visitorToldSignedIn bool
	}{
		{show: "all", visitor: true, signedIn: true},
		{show: "users", signedIn: true, visitorToldSignedIn: true},
		{show: "disabled"},
	} {
		t.Run(tc.show, func(t *testing.T) {
			inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.ShowDomainBlocks = tc.show })
			suspend := "suspend"
			if _, err := inst.Core.Domains.BlockDomain(context.Background(), domains.DomainBlockParams{Domain: "bad.example", Severity: &suspend}); err != nil {
				t.Fatal(err)
			}
			br := newBrowser(t, inst)
			p := br.do(http.MethodGet, "/about", nil)
			if got := strings.Contains(p.Body, "bad.example"); got != tc.visitor {
				t.Errorf("visitor sees the block: %v", got)
			}
			if got := strings.Contains(p.Body, "listed for signed-in users"); got != tc.visitorToldSignedIn {
				t.Errorf("visitor told to sign in: %v", got)
			}
			br.signIn(inst.NewUser(t, "alice"))
			p = br.do(http.MethodGet, "/about", nil)
			if got := strings.Contains(p.Body, "bad.example") && strings.Contains(p.Body, "Suspended"); got != tc.signedIn {
				t.Errorf("signed-in user sees the block: %v", got)
			}
		})
	}
}

// TestPrivacyPolicy: the policy names what the server keeps, that IP
// addresses are not stored, that federation copies posts elsewhere, and
// whom to write to.
func TestPrivacyPolicy(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	p := newBrowser(t, inst).do(http.MethodGet, "/privacy-policy", nil)
	if p.Status != http.StatusOK {
		t.Fatalf("privacy policy: %d", p.Status)
	}
	for _, want := range []string{"email address", "bcrypt", "IP address", "not end-to-end encrypted",
		"Federation", "cookies", `href="mailto:admin@example.com"`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("privacy policy lacks %q", want)
		}
	}
}
