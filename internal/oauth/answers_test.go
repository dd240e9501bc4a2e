package oauth_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herd/internal/db"
	"herd/internal/testrig"
)

// TestErrorAnswers pins OAuth's answers to failures. The token and
// revocation endpoints answer RFC 6749's JSON with Doorkeeper's statuses
// and words, never cached; the authorize flow's pages show what cannot go
// back to the app on a page of their own, never cached nor framed.
func TestErrorAnswers(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	app := registerApp(t, inst, appRedirect, "read")
	others := inst.NewUser(t, "alice").Token // issued to another app
	const jsonType = "application/json; charset=utf-8"
	invalidGrant := `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}`
	invalidClient := `{"error":"invalid_client","error_description":"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}`

	for _, tc := range []struct {
		name, path, contentType, body string
		status                        int
		answer, challenge             string
	}{
		{name: "unknown code", path: "/oauth/token", body: url.Values{"grant_type": {"authorization_code"}, "code": {"nope"},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "redirect_uri": {appRedirect}}.Encode(),
			status: 400, answer: invalidGrant},
		{name: "wrong secret", path: "/oauth/token", body: url.Values{"grant_type": {"client_credentials"},
			"client_id": {app.ClientID}, "client_secret": {"wrong"}}.Encode(), status: 401, answer: invalidClient,
			challenge: `Bearer realm="Doorkeeper", error="invalid_client", error_description="Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."`},
		{name: "unsupported grant", path: "/oauth/token", body: "grant_type=implicit", status: 400,
			answer: `{"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported by the authorization server."}`},
		{name: "malformed JSON", path: "/oauth/token", contentType: "application/json", body: "{", status: 400,
			answer: `{"error":"invalid_request","error_description":"The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed."}`},
		{name: "revoke without token", path: "/oauth/revoke", body: url.Values{"client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}}.Encode(), status: 400,
			answer: `{"error":"invalid_request","error_description":"Missing required parameter: token."}`},
		{name: "revoke without the secret", path: "/oauth/revoke", body: url.Values{"client_id": {app.ClientID},
			"token": {"x"}}.Encode(), status: 401, answer: invalidClient,
			challenge: `Bearer realm="Doorkeeper", error="invalid_client", error_description="Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."`},
		{name: "revoke another app's token", path: "/oauth/revoke", body: url.Values{"client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "token": {others}}.Encode(), status: 403,
			answer: `{"error":"unauthorized_client","error_description":"You are not authorized to revoke this token"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", inst.URL+tc.path, strings.NewReader(tc.body))
			ct := tc.contentType
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			req.Header.Set("Content-Type", ct)
			r := inst.Send(t, req)
			got := strings.TrimSpace(string(r.Body))
			if r.Status != tc.status || got != tc.answer || r.Header.Get("Content-Type") != jsonType ||
				r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Pragma") != "no-cache" ||
				r.Header.Get("WWW-Authenticate") != tc.challenge {
				t.Errorf("answer = %d %v %s, want %d %s (challenge %q)", r.Status, r.Header, got, tc.status, tc.answer, tc.challenge)
			}
		})
	}

	// The consent flow's own pages.
	csrf := strings.Repeat("c", 43)
	consent := url.Values{"authenticity_token": {csrf}, "response_type": {"code"}, "client_id": {app.ClientID},
		"redirect_uri": {appRedirect}, "decision": {"authorize"}}
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
		status             int
		title, flash       string
	}{
		{name: "unknown client", method: "GET", path: "/oauth/authorize?client_id=nope&response_type=code&redirect_uri=x",
			status: 400, title: "An error has occurred",
			flash: "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."},
		{name: "forged consent", method: "POST", path: "/oauth/authorize", form: url.Values{"decision": {"authorize"}},
			status: 403, title: "Expired form",
			flash: "This form has expired or did not come from this site. Go back, reload the page and try again."},
		{name: "consent without a session", method: "POST", path: "/oauth/authorize", form: consent,
			status: 401, title: "Not signed in", flash: "Your session has ended. Go back to the app and start signing in again."},
		{name: "no code to show", method: "GET", path: "/oauth/authorize/native",
			status: 400, title: "An error has occurred", flash: "No authorization code was given."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := inst.Send(t, formRequest(t, tc.method, inst.URL+tc.path, tc.form, csrf))
			checkPanel(t, r, tc.status, tc.title, tc.flash)
		})
	}

	t.Run("unforeseen failure", func(t *testing.T) {
		ctx := context.Background()
		if err := inst.Server.DB.InTx(ctx, func(q db.Querier) error {
			_, err := q.ExecContext(ctx, "DROP TABLE apps")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r := inst.Send(t, formRequest(t, "POST", inst.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}}, ""))
		want := `{"error":"server_error","error_description":"The authorization server encountered an unexpected condition which prevented it from fulfilling the request."}`
		if got := strings.TrimSpace(string(r.Body)); r.Status != 500 || got != want || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("token endpoint = %d %v %s", r.Status, r.Header, got)
		}
		r = inst.Send(t, formRequest(t, "GET", inst.URL+authorizePath(app, appRedirect, nil), nil, ""))
		checkPanel(t, r, 500, "Error", "Something went wrong on our side. Please try again.")
	})
}

// formRequest is a request with form (if any) as its body and, when csrf
// is set, the CSRF cookie the form's token matches.
func formRequest(t *testing.T, method, target string, form url.Values, csrf string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if csrf != "" {
		req.AddCookie(&http.Cookie{Name: "herd_csrf", Value: csrf})
	}
	return req
}

var (
	titleRE = regexp.MustCompile(`<title>(.*) · Herd test</title>`)
	flashRE = regexp.MustCompile(`<p class="flash error" role="alert">(.*)</p>`)
)

// checkPanel checks a page of the sign-in and authorize flows: its
// status, its title and error, and the headers that keep it out of
// caches and frames under the strict CSP (no form-action: the consent's
// redirect may go to an app's own scheme).
func checkPanel(t *testing.T, r *testrig.Response, status int, title, flash string) {
	t.Helper()
	body := string(r.Body)
	var gotTitle, gotFlash string
	if m := titleRE.FindStringSubmatch(body); m != nil {
		gotTitle = html.UnescapeString(m[1])
	}
	if m := flashRE.FindStringSubmatch(body); m != nil {
		gotFlash = html.UnescapeString(m[1])
	}
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
	h := r.Header
	if r.Status != status || gotTitle != title || gotFlash != flash || h.Get("Content-Type") != "text/html; charset=utf-8" ||
		h.Get("Cache-Control") != "no-store" || h.Get("X-Frame-Options") != "DENY" || h.Get("Content-Security-Policy") != csp ||
		h.Get("Content-Encoding") != "" || h.Get("Vary") != "" || !strings.Contains(body, `<section class="panel auth">`) {
		t.Errorf("page = %d %q %q %v, want %d %q %q\n%s", r.Status, gotTitle, gotFlash, h, status, title, flash, body)
	}
}
