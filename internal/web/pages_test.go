package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// signIn signs the browser in as user through the sign-in form.
func (b *browser) signIn(user *testrig.User) {
	b.t.Helper()
	p := b.do(http.MethodGet, "/auth/sign_in", nil)
	f := p.form()
	f.Set("email", user.Email)
	f.Set("password", testrig.Password())
	if p = b.do(http.MethodPost, "/auth/sign_in", f); p.Status != http.StatusOK {
		b.t.Fatalf("sign in: %d at %s", p.Status, p.Path)
	}
}

type posted struct{ ID, URL string }

func post(t *testing.T, inst *testrig.Instance, user *testrig.User, fields map[string]any) posted {
	t.Helper()
	var s posted
	inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", user.Token, fields).JSON(t, &s)
	return s
}

// TestPublicPages: a visitor sees an account's public and unlisted posts
// on its profile and status pages, with microformats and meta tags, never
// its followers-only or direct posts; ActivityPub clients get documents
// at the same URLs.
func TestPublicPages(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		pub := post(t, inst, alice, map[string]any{"status": "Hello <world> #herd"})
		unl := post(t, inst, alice, map[string]any{"status": "quietly unlisted", "visibility": "unlisted"})
		priv := post(t, inst, alice, map[string]any{"status": "for followers only", "visibility": "private"})
		dm := post(t, inst, alice, map[string]any{"status": "@bob a secret", "visibility": "direct"})
		cw := post(t, inst, alice, map[string]any{"status": "the ending", "spoiler_text": "film spoilers"})
		bobs := post(t, inst, bob, map[string]any{"status": "bob asks"})
		reply := post(t, inst, alice, map[string]any{"status": "and a reply", "in_reply_to_id": bobs.ID})
		br := newBrowser(t, inst)

		p := br.do(http.MethodGet, "/@alice", nil)
		if p.Status != http.StatusOK {
			t.Fatalf("profile: %d", p.Status)
		}
		for _, want := range []string{`class="profile h-card"`, `Hello &lt;world&gt;`, `class="status h-entry"`,
			`id="s-` + pub.ID + `"`, `<details class="cw"><summary><span class="p-summary">film spoilers</span>`,
			`<meta property="og:title"`, `rel="alternate" type="application/activity+json"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("profile lacks %q", want)
			}
		}
		for _, hidden := range []string{"for followers only", "a secret", "and a reply", `name="status"`} {
			if strings.Contains(p.Body, hidden) {
				t.Errorf("visitor's profile page shows %q", hidden)
			}
		}
		if !strings.Contains(p.Body, "quietly unlisted") {
			t.Error("profile lacks the unlisted post")
		}
		if p := br.do(http.MethodGet, "/@alice/with_replies", nil); !strings.Contains(p.Body, "and a reply") {
			t.Error("replies tab lacks the reply")
		}

		// The thread: the post, then its reply.
		p = br.do(http.MethodGet, "/@bob/"+bobs.ID, nil)
		if p.Status != http.StatusOK || strings.Index(p.Body, "bob asks") > strings.Index(p.Body, "and a reply") ||
			!strings.Contains(p.Body, "and a reply") {
			t.Errorf("status page: %d: %s", p.Status, p.Body)
		}
		for _, id := range []string{priv.ID, dm.ID} {
			if p := br.do(http.MethodGet, "/@alice/"+id, nil); p.Status != http.StatusNotFound {
				t.Errorf("private status %s shown to a visitor: %d", id, p.Status)
			}
		}
		if p := br.do(http.MethodGet, "/@alice/"+unl.ID, nil); p.Status != http.StatusOK {
			t.Errorf("unlisted status page: %d", p.Status)
		}
		if p := br.do(http.MethodGet, "/@bob/"+cw.ID, nil); p.Status != http.StatusNotFound {
			t.Errorf("a status under another account's name: %d", p.Status)
		}
		if p := br.do(http.MethodGet, "/statuses/"+reply.ID, nil); p.Path != "/@alice/"+reply.ID {
			t.Errorf("/statuses/ID led to %s", p.Path)
		}
		if p := br.do(http.MethodGet, "/@nobody", nil); p.Status != http.StatusNotFound {
			t.Errorf("unknown account: %d", p.Status)
		}

		// Same URLs, ActivityPub documents.
		req, _ := http.NewRequest(http.MethodGet, inst.URL+"/@alice/"+pub.ID, nil)
		req.Header.Set("Accept", "application/activity+json")
		resp, err := inst.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/activity+json") || !strings.Contains(string(body), `"type":"Note"`) {
			t.Errorf("note by content negotiation: %s %s", resp.Header.Get("Content-Type"), body)
		}
	})
}

// TestPageHeaders: pages carry a strict Content-Security-Policy (no
// inline script or style allowed, images and media from this site only,
// as remote ones are shown through its media proxy), refuse framing and
// are not cached.
func TestPageHeaders(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	inst.NewUser(t, "alice")
	resp, err := inst.HTTP.Client().Get(inst.URL + "/@alice")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';", "img-src 'self' data: blob:;",
		"media-src 'self' blob:;", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows unsafe code: %q", csp)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("headers: %v", resp.Header)
	}
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)

// TestAssets: the stylesheet and script a page names are served with
// content-hashed names, cached for a year, gzipped when asked; a name
// with another hash is not found.
func TestAssets(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	br := newBrowser(t, inst)
	p := br.do(http.MethodGet, "/", nil)
	found := assetRE.FindAllStringSubmatch(p.Body, -1)
	if len(found) < 2 {
		t.Fatalf("landing page names %d assets: %s", len(found), p.Body)
	}
	for _, m := range found {
		path := m[1]
		req, _ := http.NewRequest(http.MethodGet, inst.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := inst.HTTP.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		var body []byte
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		} else {
			body, _ = io.ReadAll(resp.Body)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) == 0 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
		if strings.HasSuffix(path, ".css") && resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s not gzipped", path)
		}
		other := path[:strings.LastIndex(path, "-")] + "-0000000000" + path[strings.LastIndex(path, "."):]
		if p := br.do(http.MethodGet, other, nil); p.Status != http.StatusNotFound {
			t.Errorf("%s: %d", other, p.Status)
		}
	}
}

// TestHomePage: visitors are sent to sign in; a signed-in user's home
// shows the composer and the posts of those they follow, and / leads there.
func TestHomePage(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		br := newBrowser(t, inst)
		if p := br.do(http.MethodGet, "/home", nil); !strings.HasPrefix(p.Path, "/auth/sign_in?return_to="+url.QueryEscape("/home")) {
			t.Fatalf("visitor's /home led to %s", p.Path)
		}
		if p := br.do(http.MethodGet, "/", nil); p.Path != "/" || !strings.Contains(p.Body, `href="/auth/sign_up"`) {
			t.Errorf("landing page: %d at %s", p.Status, p.Path)
		}
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(alice.Account.ID)+"/follow", bob.Token, nil)
		s := post(t, inst, alice, map[string]any{"status": "for my followers", "visibility": "private"})
		br.signIn(bob)
		p := br.do(http.MethodGet, "/", nil)
		if p.Path != "/home" || !strings.Contains(p.Body, `id="s-`+s.ID+`"`) || !strings.Contains(p.Body, `<form class="compose"`) ||
			!strings.Contains(p.Body, `action="/statuses/`+s.ID+`/favourite"`) {
			t.Errorf("home: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		if strings.Contains(p.Body, `rel="next"`) {
			t.Error("a home page of one post links to older posts")
		}
		if p := br.do(http.MethodGet, "/public/local", nil); p.Status != http.StatusOK || strings.Contains(p.Body, "for my followers") {
			t.Errorf("local timeline shows a private post or failed: %d", p.Status)
		}
	})
}

// TestPagesGzipped: a page is sent gzipped to a browser that accepts it,
// and whole.
func TestPagesGzipped(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	for i := 0; i < 5; i++ {
		post(t, inst, alice, map[string]any{"status": "a post long enough to be worth compressing, number " + strings.Repeat("x", i)})
	}
	req, _ := http.NewRequest(http.MethodGet, inst.URL+"/@alice", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := inst.HTTP.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(body)), "</html>") || !strings.Contains(string(body), "number xxxx") {
		t.Errorf("gzipped page: %v: %s", err, body)
	}
}

// TestBundledScriptParses: the script bundle, comments and indentation
// stripped, is still JavaScript Node accepts (skipped without Node).
func TestBundledScriptParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; the bundle's syntax is checked where it is")
	}
	inst := testrig.Start(t, testrig.SQLite)
	p := newBrowser(t, inst).do(http.MethodGet, "/", nil)
	var script string
	for _, m := range assetRE.FindAllStringSubmatch(p.Body, -1) {
		if strings.HasSuffix(m[1], ".js") {
			script = newBrowser(t, inst).do(http.MethodGet, m[1], nil).Body
		}
	}
	if len(script) < 1000 || strings.Contains(script, "\n//") || strings.Contains(script, "\n  ") {
		t.Fatalf("script bundle of %d bytes, comments or indentation left: %.300s", len(script), script)
	}
	file := filepath.Join(t.TempDir(), "herd.js")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", file).CombinedOutput(); err != nil {
		t.Errorf("node --check: %v: %s", err, out)
	}
}
