package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// onHost GETs path from the instance as the given Host, without
// following redirects.
func onHost(t *testing.T, inst *testrig.Instance, host, path string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", inst.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{Transport: inst.HTTP.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// TestMediaHost: with HERD_MEDIA_HOST, file URLs name the media host,
// which serves the files (typed, sandboxed, cached, ranged) and nothing
// else; the instance's own host redirects its /system/ URLs there.
func TestMediaHost(t *testing.T) {
	const mediaHost = "media.herd.test"
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.MediaHost = mediaHost })
	alice := inst.NewUser(t, "alice")
	att, err := inst.Client(alice.Token).UploadMediaFromBytes(context.Background(), mediatest.PNG(30, 20))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + mediaHost + "/system/"
	if !strings.HasPrefix(att.URL, base+"media_attachments/") || !strings.HasPrefix(att.PreviewURL, base) {
		t.Fatalf("file URLs %q, %q; want the media host", att.URL, att.PreviewURL)
	}
	path := strings.TrimPrefix(att.URL, "http://"+mediaHost)

	resp, file := onHost(t, inst, mediaHost, path, nil)
	h := resp.Header
	if resp.StatusCode != 200 || h.Get("Content-Type") != "image/png" || !bytes.HasPrefix(file, []byte("\x89PNG")) {
		t.Fatalf("media host: %d %v", resp.StatusCode, h)
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"Cache-Control":           "public, max-age=31536000, immutable",
		"Accept-Ranges":           "bytes",
	} {
		if h.Get(name) != want {
			t.Errorf("%s: %q, want %q", name, h.Get(name), want)
		}
	}
	if h.Get("ETag") == "" || h.Get("Set-Cookie") != "" {
		t.Errorf("ETag %q, Set-Cookie %q", h.Get("ETag"), h.Get("Set-Cookie"))
	}
	if r, part := onHost(t, inst, mediaHost, path, map[string]string{"Range": "bytes=0-7"}); r.StatusCode != 206 || !bytes.Equal(part, file[:8]) {
		t.Errorf("range: %d %q", r.StatusCode, part)
	}
	if r, _ := onHost(t, inst, mediaHost, path, map[string]string{"If-None-Match": h.Get("ETag")}); r.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", r.StatusCode)
	}

	// The media host serves nothing of the app: no API, page or cookie.
	for _, p := range []string{"/", "/api/v1/instance", "/api/v2/instance", "/auth/sign_in", "/oauth/authorize",
		"/.well-known/webfinger?resource=acct:alice@" + inst.Domain, "/users/alice", "/@alice", "/health",
		"/media_proxy/1/original", "/system/media_attachments/00/00/x/original.raw"} {
		if r, _ := onHost(t, inst, mediaHost, p, nil); r.StatusCode != 404 || r.Header.Get("Set-Cookie") != "" {
			t.Errorf("media host %s: %d, cookie %q", p, r.StatusCode, r.Header.Get("Set-Cookie"))
		}
	}

	// The instance's own host no longer serves files: it redirects.
	r, _ := onHost(t, inst, inst.Domain, path, nil)
	if r.StatusCode != http.StatusFound || r.Header.Get("Location") != att.URL {
		t.Fatalf("own host %s: %d to %q, want a redirect to %q", path, r.StatusCode, r.Header.Get("Location"), att.URL)
	}
	for _, p := range []string{"/system/media_attachments/00/00/x/original.raw", "/system/a/b.txt"} {
		if r, _ := onHost(t, inst, inst.Domain, p, nil); r.StatusCode != 404 {
			t.Errorf("own host %s: %d", p, r.StatusCode)
		}
	}
	if r, _ := onHost(t, inst, inst.Domain, "/api/v1/instance", nil); r.StatusCode != 200 {
		t.Fatalf("own host API: %d", r.StatusCode)
	}

	// Pages allow pictures from the media host (and their own site).
	page, _ := onHost(t, inst, inst.Domain, "/@alice", map[string]string{"Accept": "text/html"})
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' http://"+mediaHost+" data: blob:;") ||
		!strings.Contains(csp, "media-src 'self' http://"+mediaHost+" blob:;") {
		t.Fatalf("page CSP %q does not allow the media host's files", csp)
	}
}
