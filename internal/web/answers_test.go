package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/db"
	"herd/internal/testrig"
)

// pinned is one request and the answer it gets.
type pinned struct {
	name, method, path string
	form               url.Values // sent url-encoded; nil for none
	raw                string     // a body sent as it is, url-encoded in name
	signedIn, fetch    bool       // with alice's session; marked as the pages' script marks its requests
	referer            string
	want               webAnswer
}

// webAnswer is what a browser (or the pages' script) gets: the status, a
// redirect's Location, and the body's kind with its title and error
// message, or its exact text for JSON and plain text.
type webAnswer struct {
	status   int
	location string
	kind     string // "page" (the web's layout), "panel" (sign-in and consent pages), "json", "text", "" (no body checked)
	title    string
	message  string // a page's error flash; a JSON or text body as sent
}

// TestErrorAnswers pins the web interface's answers to failures: its
// error page for a browser (with the status core's error carries, or a
// bare 500), JSON for the pages' script, the sign-in pages' own panel,
// and the way a visitor is sent to sign in.
func TestErrorAnswers(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	secret, _, err := inst.Core.Accounts.SignIn(context.Background(), alice.Email, testrig.Password(), "test")
	if err != nil {
		t.Fatal(err)
	}
	csrf := strings.Repeat("c", 43)
	withToken := func(v url.Values) url.Values {
		v.Set("authenticity_token", csrf)
		return v
	}
	expired := "This form has expired or did not come from this site. Go back, reload the page and try again."
	signIn := func(back string) string { return "/auth/sign_in?return_to=" + url.QueryEscape(back) }

	pins := []pinned{
		// The web interface's pages.
		{name: "no such status", method: "GET", path: "/statuses/1",
			want: webAnswer{status: 404, kind: "page", title: "Not found", message: "Record not found"}},
		// The pages' script gets every failure as JSON, whatever it asks
		// (before one adapter answered every page, a page's own failure went
		// to it as the HTML error page).
		{name: "no such status, asked by a script", method: "GET", path: "/statuses/1", fetch: true,
			want: webAnswer{status: 404, kind: "json", message: `{"error":"Record not found"}`}},
		{name: "no such profile", method: "GET", path: "/@nobody",
			want: webAnswer{status: 404, kind: "page", title: "Not found", message: "Record not found"}},
		{name: "no such action", method: "POST", path: "/statuses/1/nope",
			want: webAnswer{status: 404, kind: "text", message: "404 page not found"}},
		{name: "no such account action", method: "GET", path: "/accounts/1/nope",
			want: webAnswer{status: 404, kind: "text", message: "404 page not found"}},
		{name: "no such picture", method: "POST", path: "/settings/profile/nope/delete",
			want: webAnswer{status: 404, kind: "text", message: "404 page not found"}},
		{name: "an action's path, asked with GET", method: "GET", path: "/statuses/1/nope",
			want: webAnswer{status: 405, kind: "text", message: "Method Not Allowed"}},
		{name: "a page for users, asked by a visitor", method: "GET", path: "/notifications?filter=mentions",
			want: webAnswer{status: 303, location: signIn("/notifications?filter=mentions")}},
		{name: "a page for users, asked by a visitor's script", method: "GET", path: "/notifications", fetch: true,
			want: webAnswer{status: 401, kind: "json", message: `{"error":"Sign in first."}`}},
		// Home is a page for users like the others (it used to send even the
		// script to sign in, 303; poll.js ignores anything but a 200).
		{name: "home, polled by a visitor's script", method: "GET", path: "/home?since_id=1", fetch: true,
			want: webAnswer{status: 401, kind: "json", message: `{"error":"Sign in first."}`}},
		{name: "a form for users, sent by a visitor", method: "POST", path: "/statuses/1/favourite",
			form: url.Values{}, referer: inst.URL + "/public",
			want: webAnswer{status: 303, location: signIn("/public")}},
		{name: "a form for users, sent by a visitor from elsewhere", method: "POST", path: "/settings/preferences",
			form: url.Values{}, want: webAnswer{status: 303, location: signIn("/home")}},
		{name: "a form for users, sent by a visitor's script", method: "POST", path: "/statuses/1/favourite",
			form: url.Values{}, fetch: true, want: webAnswer{status: 401, kind: "json", message: `{"error":"Sign in first."}`}},
		{name: "an action on no status", method: "POST", path: "/statuses/1/favourite", signedIn: true,
			form: withToken(url.Values{}), want: webAnswer{status: 404, kind: "page", title: "Not found", message: "Record not found"}},
		{name: "an action on no status, by the script", method: "POST", path: "/statuses/1/favourite", signedIn: true,
			form: withToken(url.Values{}), fetch: true, want: webAnswer{status: 404, kind: "json", message: `{"error":"Record not found"}`}},
		{name: "an action on a malformed id, by the script", method: "POST", path: "/accounts/x/follow", signedIn: true,
			form: withToken(url.Values{}), fetch: true, want: webAnswer{status: 404, kind: "json", message: `{"error":"Record not found"}`}},
		{name: "a form without its token", method: "POST", path: "/settings/preferences", signedIn: true,
			form: url.Values{"visibility": {"public"}}, want: webAnswer{status: 403, kind: "page", title: "Expired form", message: expired}},
		{name: "a form without its token, by the script", method: "POST", path: "/statuses/1/favourite", signedIn: true,
			form: url.Values{}, fetch: true, want: webAnswer{status: 403, kind: "json", message: `{"error":"` + expired + `"}`}},
		{name: "an unreadable form", method: "POST", path: "/settings/preferences", signedIn: true, raw: "%zz",
			want: webAnswer{status: 400, kind: "page", title: "Bad request", message: "The form could not be read."}},
		{name: "an invalid post", method: "POST", path: "/statuses", signedIn: true,
			form: withToken(url.Values{"status": {""}, "visibility": {"public"}}),
			want: webAnswer{status: 422, kind: "page", title: "New post", message: "Text can't be blank"}},
		{name: "invalid preferences", method: "POST", path: "/settings/preferences", signedIn: true,
			form: withToken(url.Values{"visibility": {"everyone"}}), want: webAnswer{status: 422, kind: "page",
				title: "Preferences", message: "Validation failed: Default privacy is not included in the list"}},
		{name: "editing no status", method: "GET", path: "/statuses/1/edit", signedIn: true,
			want: webAnswer{status: 404, kind: "page", title: "Not found", message: "Record not found"}},
		{name: "reporting no account", method: "GET", path: "/accounts/1/report", signedIn: true,
			want: webAnswer{status: 404, kind: "page", title: "Not found", message: "Record not found"}},
		{name: "an interaction, asked by a visitor", method: "GET", path: "/authorize_interaction?acct=bob@b.test&x=1",
			want: webAnswer{status: 302, location: signIn("/authorize_interaction?uri=" + url.QueryEscape("bob@b.test"))}},
		{name: "an interaction with nothing named", method: "GET", path: "/authorize_interaction", signedIn: true,
			want: webAnswer{status: 400, kind: "page", title: "Nothing to show", message: "No account or post was named."}},
		{name: "an interaction's form without its token", method: "POST", path: "/authorize_interaction",
			form: url.Values{"uri": {"x"}}, want: webAnswer{status: 403, kind: "page", title: "Expired form", message: expired}},
		{name: "an interaction's unknown action", method: "POST", path: "/authorize_interaction", signedIn: true,
			form: withToken(url.Values{"uri": {"x"}, "id": {"1"}, "action": {"nope"}}),
			want: webAnswer{status: 400, kind: "page", title: "Bad request", message: "Unknown action."}},

		// The sign-in, sign-up and password pages.
		{name: "a wrong password", method: "POST", path: "/auth/sign_in",
			form: withToken(url.Values{"email": {alice.Email}, "password": {"wrong"}}),
			want: webAnswer{status: 401, kind: "panel", title: "Sign in", message: "Invalid email or password"}},
		{name: "a sign-in without its token", method: "POST", path: "/auth/sign_in",
			form: url.Values{"email": {alice.Email}}, want: webAnswer{status: 403, kind: "panel", title: "Expired form", message: expired}},
		{name: "an unreadable sign-in", method: "POST", path: "/auth/sign_in", raw: "%zz",
			want: webAnswer{status: 400, kind: "panel", title: "Bad request", message: "The form could not be read."}},
		{name: "a sign-out without its token", method: "POST", path: "/auth/sign_out", signedIn: true, form: url.Values{},
			want: webAnswer{status: 403, kind: "panel", title: "Expired form", message: expired}},
		{name: "a sign-up not confirmed", method: "POST", path: "/auth/sign_up",
			form: withToken(url.Values{"username": {"carol"}, "email": {"carol@example.com"}, "password": {"long enough password"},
				"password_confirmation": {"another one"}, "agreement": {"1"}}),
			want: webAnswer{status: 422, kind: "panel", title: "Sign up", message: "Please review the problems below."}},
		{name: "a password reset without mail", method: "GET", path: "/auth/password/new",
			want: webAnswer{status: 404, kind: "panel", title: "Not available",
				message: "This server cannot send mail, so passwords cannot be reset here. Ask its admin."}},
		{name: "a reset asked without mail", method: "POST", path: "/auth/password", form: withToken(url.Values{"email": {alice.Email}}),
			want: webAnswer{status: 404, kind: "panel", title: "Error", message: "This server cannot send mail"}},
		{name: "an unknown reset link", method: "GET", path: "/auth/password/edit?token=nope",
			want: webAnswer{status: 404, kind: "panel", title: "Cannot reset the password",
				message: "This link to reset your password is invalid or has expired. Ask for a new one."}},
	}
	send := func(t *testing.T, in *testrig.Instance, p pinned) {
		t.Helper()
		body := p.raw
		if p.form != nil {
			body = p.form.Encode()
		}
		req, _ := http.NewRequest(p.method, in.URL+p.path, strings.NewReader(body))
		if p.form != nil || p.raw != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.AddCookie(&http.Cookie{Name: "herd_csrf", Value: csrf})
		if p.signedIn {
			req.AddCookie(&http.Cookie{Name: "herd_session", Value: secret})
		}
		if p.fetch {
			req.Header.Set("X-Requested-With", "fetch")
		}
		if p.referer != "" {
			req.Header.Set("Referer", p.referer)
		}
		checkWebAnswer(t, in.Send(t, req), p.want)
	}
	for _, p := range pins {
		t.Run(p.name, func(t *testing.T) { send(t, inst, p) })
	}

	t.Run("sign-up closed", func(t *testing.T) {
		closed := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.Registrations = "closed" })
		send(t, closed, pinned{method: "GET", path: "/auth/sign_up", want: webAnswer{status: 403, kind: "panel",
			title: "Registrations are closed", message: "This server is not accepting new accounts at the moment."}})
	})

	t.Run("unforeseen failures", func(t *testing.T) {
		ctx := context.Background()
		for _, table := range []string{"instance_rules", "sessions"} {
			if err := inst.Server.DB.InTx(ctx, func(q db.Querier) error {
				_, err := q.ExecContext(ctx, "DROP TABLE "+table)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		oops := "Something went wrong on our side. Please try again."
		for _, p := range []pinned{
			{method: "GET", path: "/about", want: webAnswer{status: 500, kind: "page", title: "Error", message: oops}},
			{method: "GET", path: "/about", fetch: true, want: webAnswer{status: 500, kind: "json",
				message: `{"error":"Something went wrong on our side."}`}},
			{method: "POST", path: "/auth/sign_in", form: withToken(url.Values{"email": {alice.Email}, "password": {testrig.Password()}}),
				want: webAnswer{status: 500, kind: "panel", title: "Error", message: oops}},
		} {
			send(t, inst, p)
		}
	})
}

var (
	titleRE = regexp.MustCompile(`<title>(.*)</title>`)
	flashRE = regexp.MustCompile(`<p class="flash error" role="alert">(.*)</p>`)
)

// checkWebAnswer compares an answer with want, and a page's headers with
// its kind's: never cached nor framed, under the web's strict CSP (the
// sign-in pages' lacks form-action, as the consent page's).
func checkWebAnswer(t *testing.T, r *testrig.Response, want webAnswer) {
	t.Helper()
	h, body := r.Header, string(r.Body)
	got := webAnswer{status: r.Status, location: h.Get("Location"), kind: want.kind}
	ct := h.Get("Content-Type")
	switch want.kind {
	case "page", "panel":
		if m := titleRE.FindStringSubmatch(body); m != nil {
			got.title = strings.TrimSuffix(html.UnescapeString(m[1]), " · Herd test")
		}
		if m := flashRE.FindStringSubmatch(body); m != nil {
			got.message = html.UnescapeString(m[1])
		}
		if ct != "text/html; charset=utf-8" || h.Get("X-Frame-Options") != "DENY" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("page headers: %v", h)
		}
		panel := strings.Contains(body, `<section class="panel auth">`)
		if want.kind == "page" && (panel || h.Get("Cache-Control") != "private, no-store" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "form-action 'self'")) {
			t.Errorf("not the web's page: %v\n%s", h, body)
		}
		if want.kind == "panel" && (!panel || h.Get("Cache-Control") != "no-store" ||
			strings.Contains(h.Get("Content-Security-Policy"), "form-action")) {
			t.Errorf("not a sign-in page: %v\n%s", h, body)
		}
	case "json":
		got.message = strings.TrimSpace(body)
		if ct != "application/json; charset=utf-8" || h.Get("Cache-Control") != "private, no-store" {
			t.Errorf("JSON headers: %v", h)
		}
	case "text":
		got.message = strings.TrimSpace(body)
		if ct != "text/plain; charset=utf-8" {
			t.Errorf("text headers: %v", h)
		}
	}
	if got != want {
		t.Errorf("answer:\n got %+v\nwant %+v\n%s", got, want, body)
	}
}
