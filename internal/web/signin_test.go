package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/testrig"
)

// get and post are do for a page and for a form.
func (b *browser) get(path string) *page {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	return b.do(http.MethodPost, path, form)
}

// siteURL is the instance's address, whose cookies a browser keeps.
func siteURL(t *testing.T, inst *testrig.Instance) *url.URL {
	t.Helper()
	u, err := url.Parse(inst.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signUpForm is the sign-up page's form, filled for username.
func signUpForm(t *testing.T, b *browser, username string) url.Values {
	t.Helper()
	p := b.do(http.MethodGet, "/auth/sign_up", nil)
	if p.Status != 200 || !strings.Contains(p.Body, `action="/auth/sign_up"`) {
		t.Fatalf("sign-up page = %d %s", p.Status, p.Body)
	}
	f := p.form()
	f.Set("username", username)
	f.Set("email", username+"@example.com")
	f.Set("password", "long enough password")
	f.Set("password_confirmation", "long enough password")
	f.Set("agreement", "1")
	return f
}

// TestSignUpSignInSignOut: the sign-up form shows field errors (escaped,
// with what was typed) and signs the new account in; signing out needs the
// form's token and ends the session on the server; a wrong password and an
// unknown email get the same words; a form from another origin is refused;
// return_to leads to local paths only.
func TestSignUpSignInSignOut(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "alice")
		b := newBrowser(t, inst)

		// Field errors come back on the form, escaped, with what was typed.
		f := signUpForm(t, b, "alice")
		f.Set("email", "<script>x</script>")
		f.Set("password", "short")
		f.Set("password_confirmation", "short")
		p := b.post("/auth/sign_up", f)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Username has already been taken") ||
			!strings.Contains(p.Body, "Email is invalid") || !strings.Contains(p.Body, "Password is too short") {
			t.Fatalf("invalid sign-up = %d %s", p.Status, p.Body)
		}
		if strings.Contains(p.Body, "<script>x") {
			t.Error("user input was not escaped")
		}

		p = b.post("/auth/sign_up", signUpForm(t, b, "carol"))
		if p.Status != 200 || !strings.Contains(p.Body, "signed in as <strong>@carol") {
			t.Fatalf("after sign-up = %d %s", p.Status, p.Body)
		}
		var session *http.Cookie
		for _, c := range b.c.Jar.Cookies(siteURL(t, inst)) {
			if c.Name == "herd_session" {
				session = c
			}
		}
		if session == nil {
			t.Fatal("no session cookie after sign-up")
		}

		// Signing out needs the form's CSRF token.
		if p := b.post("/auth/sign_out", url.Values{"authenticity_token": {"forged"}}); p.Status != http.StatusForbidden {
			t.Errorf("forged sign-out = %d", p.Status)
		}
		p = b.post("/auth/sign_out", b.get("/auth/sign_in").form())
		if !strings.Contains(p.Body, `action="/auth/sign_in"`) {
			t.Fatalf("after sign-out = %d %s", p.Status, p.Body)
		}
		// The old session is gone from the server, not just the browser.
		req, _ := http.NewRequest("GET", inst.URL+"/auth/sign_in", nil)
		req.AddCookie(&http.Cookie{Name: "herd_session", Value: session.Value})
		if p := (&browser{t: t, inst: inst, c: inst.HTTP.Client()}).send(req); strings.Contains(p.Body, "@carol") {
			t.Error("the session still works after sign-out")
		}

		// A wrong password is refused with the same words as an unknown email.
		bad := b.get("/auth/sign_in").form()
		bad.Set("email", "carol@example.com")
		bad.Set("password", "wrong password")
		p1 := b.post("/auth/sign_in", bad)
		bad.Set("email", "nobody@example.com")
		p2 := b.post("/auth/sign_in", bad)
		if p1.Status != 401 || p2.Status != 401 || !strings.Contains(p1.Body, "Invalid email or password") ||
			!strings.Contains(p2.Body, "Invalid email or password") {
			t.Errorf("bad sign-ins = %d, %d", p1.Status, p2.Status)
		}

		// A form posted from another origin is refused even with the token.
		cross := b.get("/auth/sign_in").form()
		cross.Set("email", "carol@example.com")
		cross.Set("password", "long enough password")
		req, _ = http.NewRequest("POST", inst.URL+"/auth/sign_in", strings.NewReader(cross.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if p := b.send(req); p.Status != http.StatusForbidden {
			t.Errorf("cross-origin sign-in = %d", p.Status)
		}

		// return_to only ever leads to a local path.
		for _, evil := range []string{"//evil.example/x", "https://evil.example/x", "/\\evil.example"} {
			f := b.get("/auth/sign_in").form()
			f.Set("email", "carol@example.com")
			f.Set("password", "long enough password")
			f.Set("return_to", evil)
			p := b.post("/auth/sign_in", f)
			if p.Path != "/auth/sign_in" {
				t.Errorf("return_to %q led to %s", evil, p.Path)
			}
			b.post("/auth/sign_out", b.get("/auth/sign_in").form())
		}
	})
}

// TestSignUpModes: with approval, a sign-up needs a reason and waits for a
// moderator, and signing in says so; with registrations closed, the
// sign-up page and form are refused.
func TestSignUpModes(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db, func(c *config.Config) { c.Registrations = "approval" })
		b := newBrowser(t, inst)
		f := signUpForm(t, b, "dave")
		p := b.post("/auth/sign_up", f)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Reason can&#39;t be blank") {
			t.Fatalf("approval sign-up without reason = %d %s", p.Status, p.Body)
		}
		f.Set("reason", "I like herds")
		p = b.post("/auth/sign_up", f)
		if p.Status != 200 || !strings.Contains(p.Body, "waiting for a moderator") {
			t.Fatalf("approval sign-up = %d %s", p.Status, p.Body)
		}
		in := b.get("/auth/sign_in").form()
		in.Set("email", "dave@example.com")
		in.Set("password", "long enough password")
		if p := b.post("/auth/sign_in", in); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "waiting for a moderator") {
			t.Errorf("pending sign-in = %d %s", p.Status, p.Body)
		}

		closed := testrig.Start(t, db, func(c *config.Config) { c.Registrations = "closed" })
		cb := newBrowser(t, closed)
		if p := cb.get("/auth/sign_up"); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Registrations are closed") {
			t.Errorf("closed sign-up page = %d", p.Status)
		}
		form := cb.get("/auth/sign_in").form()
		form.Set("username", "eve")
		form.Set("email", "eve@example.com")
		form.Set("password", "long enough password")
		form.Set("password_confirmation", "long enough password")
		form.Set("agreement", "1")
		if p := cb.post("/auth/sign_up", form); p.Status != http.StatusForbidden {
			t.Errorf("closed sign-up POST = %d", p.Status)
		}
	})
}
