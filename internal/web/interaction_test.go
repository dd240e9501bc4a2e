package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// browser is a cookie-keeping client of one instance that follows
// redirects, as a browser would.
type browser struct {
	t    *testing.T
	inst *testrig.Instance
	c    *http.Client
}

func newBrowser(t *testing.T, inst *testrig.Instance) *browser {
	jar, _ := cookiejar.New(nil)
	c := *inst.HTTP.Client()
	c.Jar = jar
	return &browser{t: t, inst: inst, c: &c}
}

type page struct {
	Status int
	Path   string // where the redirects ended, with its query
	Body   string
}

func (b *browser) do(method, path string, form url.Values) *page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.inst.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return &page{Status: resp.StatusCode, Path: resp.Request.URL.RequestURI(), Body: string(raw)}
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// form is the hidden fields of the page's form.
func (p *page) form() url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(p.Body, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// press submits the page's form with the button for action.
func (b *browser) press(p *page, action string) *page {
	b.t.Helper()
	if !strings.Contains(p.Body, `name="action" value="`+action+`"`) {
		b.t.Fatalf("no %s button on %s (%d): %s", action, p.Path, p.Status, p.Body)
	}
	f := p.form()
	f.Set("action", action)
	return b.do(http.MethodPost, "/authorize_interaction", f)
}

// TestAuthorizeInteraction: a user sent here from another server to act
// on an account or a post there signs in, comes back to a page showing
// it (fetched from its origin) and follows, favourites or boosts it with
// a form protected against cross-site requests.
func TestAuthorizeInteraction(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob := b.NewUser(t, "bob")
		br := newBrowser(t, a)

		// Not signed in: to the sign-in form, and back after it.
		p := br.do(http.MethodGet, "/authorize_interaction?uri="+url.QueryEscape("acct:bob@b.test"), nil)
		if p.Status != http.StatusOK || !strings.HasPrefix(p.Path, "/auth/sign_in?return_to=") {
			t.Fatalf("unauthenticated: %d at %s", p.Status, p.Path)
		}
		f := p.form()
		f.Set("email", alice.Email)
		f.Set("password", testrig.Password())
		p = br.do(http.MethodPost, "/auth/sign_in", f)
		if p.Status != http.StatusOK || !strings.HasPrefix(p.Path, "/authorize_interaction?uri=") ||
			!strings.Contains(p.Body, "@bob@b.test") {
			t.Fatalf("after sign-in: %d at %s: %s", p.Status, p.Path, p.Body)
		}

		// A form without the CSRF token does nothing.
		forged := p.form()
		forged.Del("authenticity_token")
		forged.Set("action", "follow")
		if q := br.do(http.MethodPost, "/authorize_interaction", forged); q.Status != http.StatusForbidden {
			t.Errorf("forged form: %d", q.Status)
		}
		var rel []struct{ Following, Requested bool }
		lookup := struct{ ID string }{}
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct=bob@b.test", alice.Token, nil).JSON(t, &lookup)
		relPath := "/api/v1/accounts/relationships?id[]=" + lookup.ID
		a.Expect(t, http.StatusOK, http.MethodGet, relPath, alice.Token, nil).JSON(t, &rel)
		if rel[0].Following || rel[0].Requested {
			t.Fatalf("forged form followed: %+v", rel)
		}

		p = br.press(p, "follow")
		if p.Status != http.StatusOK || !strings.Contains(p.Path, "done=follow") {
			t.Fatalf("follow: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		a.Expect(t, http.StatusOK, http.MethodGet, relPath, alice.Token, nil).JSON(t, &rel)
		// A remote account is asked (its Accept may already have come back).
		if !rel[0].Requested && !rel[0].Following {
			t.Errorf("no follow request after the Follow button: %+v", rel)
		}
		if !strings.Contains(p.Body, "Follow requested") && !strings.Contains(p.Body, "Following") {
			t.Errorf("page after following: %s", p.Body)
		}

		// A post on b, by its URL: shown, its custom emoji as an image,
		// and favourited from here.
		if _, err := b.Core.Files.AddCustomEmoji(context.Background(), "blob", mediatest.PNG(16, 16), ""); err != nil {
			t.Fatal(err)
		}
		var st struct{ ID, URI, URL string }
		b.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", bob.Token,
			url.Values{"status": {"look at <this> :blob:"}}).JSON(t, &st)
		p = br.do(http.MethodGet, "/authorize_interaction?uri="+url.QueryEscape(st.URL), nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "look at &lt;this&gt; <img class=\"custom-emoji\" src=\"http") ||
			!strings.Contains(p.Body, `alt=":blob:"`) {
			t.Fatalf("status page: %d %s", p.Status, p.Body)
		}
		p = br.press(p, "favourite")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Favourited") {
			t.Fatalf("favourite: %d %s", p.Status, p.Body)
		}
		localID := p.form().Get("id")
		if _, ok := ids.Parse(localID); !ok {
			t.Fatalf("status id %q", localID)
		}
		var seen struct{ Favourited bool }
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+localID, alice.Token, nil).JSON(t, &seen)
		if !seen.Favourited {
			t.Errorf("status not favourited through the page")
		}

		if p := br.do(http.MethodGet, "/authorize_interaction?uri="+url.QueryEscape("http://b.test/users/nobody"), nil); p.Status != http.StatusNotFound {
			t.Errorf("unknown URI: %d", p.Status)
		}
	})
}
