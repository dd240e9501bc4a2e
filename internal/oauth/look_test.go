package oauth_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herd/internal/testrig"
)

var (
	stylesheetRE   = regexp.MustCompile(`<link rel="stylesheet" href="(/assets/herd-[0-9a-f]+\.css)">`)
	inlineScriptRE = regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
)

// TestPagesLookLikeTheSite: the sign-in, sign-up, consent, form_post and
// error pages use the web interface's stylesheet and script (served,
// hashed) under the web's strict Content-Security-Policy, with no inline
// style or script, and the site's header: Sign in and Sign up for
// visitors, Home and Settings once signed in.
func TestPagesLookLikeTheSite(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	inst.NewUser(t, "alice")
	b := newBrowser(t, inst)
	const redirect = "https://app.example/callback"
	app := registerApp(t, inst, redirect, "read write")

	check := func(name string, resp *http.Response, body string) {
		t.Helper()
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", name, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") || strings.Contains(csp, "form-action") {
			t.Errorf("%s: CSP %q", name, csp)
		}
		if strings.Contains(body, "<style") || strings.Contains(body, " style=") || inlineScriptRE.MatchString(body) {
			t.Errorf("%s has inline style or script: %s", name, body)
		}
		m := stylesheetRE.FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, `<script src="/assets/herd-`) || !strings.Contains(body, `class="top"`) {
			t.Fatalf("%s: no site stylesheet, script or header: %s", name, body)
		}
		css, err := inst.HTTP.Client().Get(inst.URL + m[1])
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(css.Body)
		css.Body.Close()
		if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") ||
			!strings.Contains(string(raw), ".stack") {
			t.Errorf("%s: stylesheet %s: %d %s", name, m[1], css.StatusCode, css.Header.Get("Content-Type"))
		}
	}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := b.c.Get(inst.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp, string(raw)
	}

	resp, body := get("/auth/sign_in")
	check("sign in", resp, body)
	if !strings.Contains(body, `href="/auth/sign_up"`) || strings.Contains(body, `href="/settings/profile"`) {
		t.Errorf("visitor's header: %s", body)
	}
	resp, body = get("/auth/sign_up")
	check("sign up", resp, body)
	resp, body = get("/oauth/authorize?client_id=nope&response_type=code&redirect_uri=x")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown client: %d", resp.StatusCode)
	}
	check("error", resp, body)

	p := b.get(authorizePath(app, redirect, url.Values{"scope": {"read"}, "response_mode": {"form_post"}}))
	p = b.signIn(p, "alice@example.com")
	resp, body = get(p.URL.RequestURI())
	check("consent", resp, body)
	if !strings.Contains(body, `href="/settings/profile"`) || !strings.Contains(body, `href="/home"`) {
		t.Errorf("signed-in header lacks Home or Settings: %s", body)
	}
	form := hidden(body)
	form.Set("decision", "authorize")
	req, _ := http.NewRequest(http.MethodPost, inst.URL+"/oauth/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	check("form_post", resp, string(raw))
	if !strings.Contains(string(raw), `action="`+redirect+`"`) || !strings.Contains(string(raw), "data-autosubmit") {
		t.Errorf("form_post page: %s", raw)
	}
}
