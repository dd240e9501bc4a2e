package oauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/testrig"
)

// browser drives the pages as a browser would: a cookie jar, following
// redirects within the instance and stopping at the first one that
// leaves it (to the app's redirect URI).
type browser struct {
	t    *testing.T
	inst *testrig.Instance
	c    *http.Client
}

func newBrowser(t *testing.T, inst *testrig.Instance) *browser {
	jar, _ := cookiejar.New(nil)
	c := *inst.HTTP.Client() // a copy: the shared client must keep no cookies
	c.Jar = jar
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != inst.Domain {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return &browser{t: t, inst: inst, c: &c}
}

// page is one answer: its final status, URL, body and (for a redirect
// that left the instance) its Location.
type page struct {
	Status   int
	URL      *url.URL
	Body     string
	Location string
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return &page{Status: resp.StatusCode, URL: resp.Request.URL, Body: string(body), Location: resp.Header.Get("Location")}
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.inst.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.inst.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hidden collects a page's hidden form fields.
func hidden(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// signIn fills the sign-in form the browser is looking at.
func (b *browser) signIn(p *page, email string) *page {
	b.t.Helper()
	if !strings.Contains(p.Body, `action="/auth/sign_in"`) {
		b.t.Fatalf("expected the sign-in form at %s, got %d: %s", p.URL, p.Status, p.Body)
	}
	form := hidden(p.Body)
	form.Set("email", email)
	form.Set("password", testrig.Password())
	return b.post("/auth/sign_in", form)
}

// decide submits the consent page with "authorize" or "deny".
func (b *browser) decide(p *page, decision string) *page {
	b.t.Helper()
	if !strings.Contains(p.Body, `action="/oauth/authorize"`) {
		b.t.Fatalf("expected the consent page at %s, got %d: %s", p.URL, p.Status, p.Body)
	}
	form := hidden(p.Body)
	form.Set("decision", decision)
	return b.post("/oauth/authorize", form)
}

// app registers an OAuth app through the API, as a client would.
func registerApp(t *testing.T, inst *testrig.Instance, redirect, scopes string) *mastodon.Application {
	t.Helper()
	app, err := mastodon.RegisterApp(context.Background(), &mastodon.AppConfig{
		Client: *inst.HTTP.Client(), Server: inst.URL, ClientName: "Test app",
		RedirectURIs: redirect, Scopes: scopes, Website: "https://app.example",
	})
	if err != nil {
		t.Fatalf("register app: %v", err)
	}
	return app
}

func authorizePath(app *mastodon.Application, redirect string, extra url.Values) string {
	q := url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {redirect}}
	for k, v := range extra {
		q[k] = v
	}
	return "/oauth/authorize?" + q.Encode()
}

// callback parses the query of a redirect to the app.
func callback(t *testing.T, p *page, prefix string) url.Values {
	t.Helper()
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, prefix) {
		t.Fatalf("want a 303 to %s, got %d Location=%q: %s", prefix, p.Status, p.Location, p.Body)
	}
	u, err := url.Parse(p.Location)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// tokenJSON is what the token endpoint answers.
type tokenJSON struct {
	AccessToken      string  `json:"access_token"`
	TokenType        string  `json:"token_type"`
	Scope            string  `json:"scope"`
	CreatedAt        float64 `json:"created_at"`
	RefreshToken     string  `json:"refresh_token"`
	Error            string  `json:"error"`
	ErrorDescription string  `json:"error_description"`
}

// postToken calls POST /oauth/token with a form and decodes the answer.
func postToken(t *testing.T, inst *testrig.Instance, form url.Values) (*testrig.Response, tokenJSON) {
	t.Helper()
	r := inst.Do(t, "POST", "/oauth/token", "", form)
	var tok tokenJSON
	if err := json.Unmarshal(r.Body, &tok); err != nil {
		t.Fatalf("token answer %d is not JSON: %s", r.Status, r.Body)
	}
	return r, tok
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
