package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"herd/internal/config"
	"herd/internal/core/domains"
	"herd/internal/core/federation"
	"herd/internal/core/files"
	"herd/internal/ids"
	"herd/internal/media/mediatest"
	"herd/internal/model"
	"herd/internal/testrig"
)

// fileHost is a remote server (remote.test) serving media files, counting
// requests per path.
type fileHost struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]fileAnswer
	hits  map[string]int
}

type fileAnswer struct {
	contentType string
	body        []byte
}

func newFileHost(t *testing.T, files map[string]fileAnswer) *fileHost {
	h := &fileHost{files: files, hits: map[string]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Path]++
		f, ok := h.files[r.URL.Path]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.contentType)
		w.Write(f.body)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *fileHost) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}

func (h *fileHost) resolve(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
	if host != "remote.test" || port != "80" {
		return nil, fmt.Errorf("no host %s:%s", host, port)
	}
	ap, err := netip.ParseAddrPort(h.Listener.Addr().String())
	return []netip.AddrPort{ap}, err
}

// remoteMediaRig is an instance that reaches remote.test (the file host)
// and knows its account ann.
type remoteMediaRig struct {
	inst  *testrig.Instance
	files *fileHost
	ann   *model.Account
	notes int
}

func newRemoteMediaRig(t *testing.T, db testrig.DB, files map[string]fileAnswer, private bool) *remoteMediaRig {
	r := &remoteMediaRig{files: newFileHost(t, files)}
	r.inst = testrig.Start(t, db, func(c *config.Config) {
		c.AllowPrivateAddresses, c.OutboundResolve, c.RemoteMediaSpread = private, r.files.resolve, -1
	})
	var err error
	r.ann, err = r.inst.Core.Federation.SaveRemoteAccount(context.Background(), federation.RemoteActor{URI: "http://remote.test/users/ann",
		Username: "ann", Domain: "remote.test", URL: "http://remote.test/@ann", InboxURL: "http://remote.test/users/ann/inbox"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// receive stores a note by ann with the given attachments, public unless
// vis says otherwise, and answers its id.
func (r *remoteMediaRig) receive(t *testing.T, vis model.Visibility, media ...files.RemoteMedia) string {
	t.Helper()
	r.notes++
	st, err := r.inst.Core.Federation.ReceiveNote(context.Background(), r.ann, federation.RemoteNote{
		URI: fmt.Sprintf("http://remote.test/users/ann/statuses/%d", r.notes), Content: "<p>look</p>",
		Visibility: vis, Published: time.Now(), Media: media})
	if err != nil {
		t.Fatal(err)
	}
	return ids.Format(st.ID)
}

type remoteMediaJSON struct {
	ID, Type, URL, Blurhash string
	PreviewURL              *string `json:"preview_url"`
	RemoteURL               *string `json:"remote_url"`
	Description             *string
	Meta                    struct {
		Original struct{ Width, Height int }
		Focus    *struct{ X, Y float64 }
	}
}

func (r *remoteMediaRig) media(t *testing.T, statusID string) []remoteMediaJSON {
	t.Helper()
	token := r.inst.NewUser(t, fmt.Sprintf("viewer%d", time.Now().UnixNano()%1e9)).Token
	var st struct {
		MediaAttachments []remoteMediaJSON `json:"media_attachments"`
	}
	r.inst.Expect(t, http.StatusOK, "GET", "/api/v1/statuses/"+statusID, token, nil).JSON(t, &st)
	return st.MediaAttachments
}

// eventuallyCached waits until the status's first attachment is served
// from the instance's own storage.
func (r *remoteMediaRig) eventuallyCached(t *testing.T, statusID string) remoteMediaJSON {
	t.Helper()
	var m []remoteMediaJSON
	testrig.Eventually(t, "attachment of "+statusID+" cached", func() bool {
		m = r.media(t, statusID)
		return len(m) > 0 && strings.HasPrefix(m[0].URL, r.inst.Core.BaseURL()+"/system/")
	})
	return m[0]
}

// jobsLeft counts remote media jobs not yet done.
func (r *remoteMediaRig) jobsLeft(t *testing.T) int {
	var n int
	if err := r.inst.Store.DB.Read.QueryRow("SELECT COUNT(*) FROM jobs WHERE queue = $1",
		files.QueueRemoteMedia).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitJobs waits until the instance has worked every job, then checks
// that every remote media job ended at its first attempt (done or given
// up): one that failed waits 16 s or more for a retry, which these tests
// never expect.
func (r *remoteMediaRig) waitJobs(t *testing.T) {
	t.Helper()
	r.inst.WaitJobs(t)
	if n := r.jobsLeft(t); n > 0 {
		var last string
		r.inst.Store.DB.Read.QueryRow("SELECT last_error FROM jobs WHERE queue = $1 LIMIT 1", files.QueueRemoteMedia).Scan(&last)
		t.Fatalf("%d remote media jobs not done, waiting for a retry; last error %q", n, last)
	}
}

// get fetches an absolute URL of the instance without following redirects.
func get(t *testing.T, rawURL string) (int, http.Header, []byte) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

func decodedSize(t *testing.T, b []byte) (int, int) {
	t.Helper()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("stored file is not an image: %v", err)
	}
	return cfg.Width, cfg.Height
}

// TestRemoteAttachmentCached: a remote status's image is fetched by a job,
// processed and served from this instance's storage, with the origin's
// alt text, blurhash and focal point; remote_url keeps the origin's URL.
func TestRemoteAttachmentCached(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{"/a.png": {"image/png", mediatest.PNG(800, 600)}}, true)
		id := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/a.png", MediaType: "image/png",
			Description: "a test card", Blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj", FocusX: 0.5, FocusY: -0.25, HasFocus: true})
		m := r.eventuallyCached(t, id)
		if m.Type != "image" || m.RemoteURL == nil || *m.RemoteURL != "http://remote.test/a.png" ||
			m.Description == nil || *m.Description != "a test card" || m.Blurhash != "LEHV6nWB2yk8pyo0adR*.7kCMdnj" ||
			m.Meta.Focus == nil || m.Meta.Focus.X != 0.5 || m.Meta.Focus.Y != -0.25 {
			t.Fatalf("cached attachment %+v lost the origin's fields", m)
		}
		code, h, body := get(t, m.URL)
		if code != http.StatusOK || h.Get("Content-Type") != "image/png" {
			t.Fatalf("GET %s: %d %s", m.URL, code, h.Get("Content-Type"))
		}
		if w, hgt := decodedSize(t, body); w != 800 || hgt != 600 || m.Meta.Original.Width != 800 {
			t.Fatalf("stored %dx%d, meta %+v; want 800x600", w, hgt, m.Meta.Original)
		}
		if m.PreviewURL == nil || !strings.HasPrefix(*m.PreviewURL, r.inst.Core.BaseURL()+"/system/") {
			t.Fatalf("preview_url %v is not stored here", m.PreviewURL)
		}
		if n := r.files.count("/a.png"); n != 1 {
			t.Fatalf("the origin was asked %d times, want once", n)
		}
	})
}

// TestRemoteMediaPruneAndRefetch: pruning removes the stored files (the
// attachment then shows through the media proxy); viewing it through the
// proxy fetches it again, stores it and redirects there. Uploads are
// never pruned.
func TestRemoteMediaPruneAndRefetch(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{"/a.jpg": {"image/jpeg", mediatest.JPEGWithEXIF(320, 200, 1)}}, true)
		id := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/a.jpg", MediaType: "image/jpeg"})
		before := r.eventuallyCached(t, id)
		owner := r.inst.NewUser(t, "uploader")
		upload, err := r.inst.Client(owner.Token).UploadMediaFromBytes(ctx, mediatest.PNG(20, 20))
		if err != nil {
			t.Fatal(err)
		}

		n, err := r.inst.Core.Files.PruneRemoteMedia(ctx, time.Now().Add(time.Second), nil)
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want the one remote attachment", n, err)
		}
		if code, _, _ := get(t, before.URL); code != http.StatusNotFound {
			t.Fatalf("pruned file still served: %d", code)
		}
		if code, _, _ := get(t, upload.URL); code != http.StatusOK {
			t.Fatalf("the upload's file is gone after pruning: %d", code)
		}
		pruned := r.media(t, id)[0]
		wantProxy := r.inst.Core.BaseURL() + "/media_proxy/" + pruned.ID + "/original"
		if pruned.URL != wantProxy || pruned.PreviewURL == nil || *pruned.PreviewURL != r.inst.Core.BaseURL()+"/media_proxy/"+pruned.ID+"/small" {
			t.Fatalf("pruned attachment shows %q / %v, want the media proxy %q", pruned.URL, pruned.PreviewURL, wantProxy)
		}

		code, h, _ := get(t, pruned.URL)
		if code != http.StatusFound || !strings.HasPrefix(h.Get("Location"), r.inst.Core.BaseURL()+"/system/") {
			t.Fatalf("media proxy: %d to %q, want a redirect to the stored file", code, h.Get("Location"))
		}
		code, _, body := get(t, h.Get("Location"))
		if w, hgt := decodedSize(t, body); code != http.StatusOK || w != 320 || hgt != 200 {
			t.Fatalf("refetched file: %d, %dx%d", code, w, hgt)
		}
		if after := r.media(t, id)[0]; after.URL != h.Get("Location") || after.URL == before.URL {
			t.Fatalf("after refetch the entity shows %q; want the new file %q", after.URL, h.Get("Location"))
		}
		if n := r.files.count("/a.jpg"); n != 2 {
			t.Fatalf("the origin was asked %d times, want twice (fetch, refetch)", n)
		}
		// A second view is served from the cache.
		if code, _, _ := get(t, pruned.URL); code != http.StatusFound || r.files.count("/a.jpg") != 2 {
			t.Fatalf("second view: %d, origin asked %d times", code, r.files.count("/a.jpg"))
		}
		// The proxy serves remote media only: an upload's id is not found.
		if code, _, _ := get(t, r.inst.Core.BaseURL()+"/media_proxy/"+string(upload.ID)+"/original"); code != http.StatusNotFound {
			t.Fatalf("media proxy for an upload: %d, want 404", code)
		}
	})
}

// TestHostileRemoteMedia: files that must not be cached (too large, not
// an image though served as image/png, missing) leave the status stored
// with its attachments uncached, shown through the proxy, which asks the
// origin again once, not on every view.
func TestHostileRemoteMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		huge := append(mediatest.PNG(10, 10), make([]byte, 17<<20)...)
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/huge.png": {"image/png", huge},
			"/page.png": {"image/png", []byte("<!doctype html><html><script>alert(1)</script></html>")},
			"/bomb.png": {"image/png", mediatest.PixelBomb()},
		}, true)
		id := r.receive(t, model.Public,
			files.RemoteMedia{URL: "http://remote.test/huge.png", MediaType: "image/png"},
			files.RemoteMedia{URL: "http://remote.test/page.png", MediaType: "image/png"},
			files.RemoteMedia{URL: "http://remote.test/bomb.png", MediaType: "image/png"},
			files.RemoteMedia{URL: "http://remote.test/missing.png", MediaType: "image/png"},
			files.RemoteMedia{URL: "file:///etc/passwd", MediaType: "image/png"})
		r.waitJobs(t)
		for _, p := range []string{"/huge.png", "/page.png", "/bomb.png"} {
			if r.files.count(p) != 1 {
				t.Errorf("%s asked %d times, want once", p, r.files.count(p))
			}
		}
		list := r.media(t, id)
		if len(list) != 4 {
			t.Fatalf("%d attachments, want the 4 web URLs", len(list))
		}
		for _, m := range list {
			if !strings.HasPrefix(m.URL, r.inst.Core.BaseURL()+"/media_proxy/") {
				t.Errorf("%v cached as %s", m.RemoteURL, m.URL)
			}
			for range 2 {
				if code, _, _ := get(t, m.URL); code != http.StatusNotFound {
					t.Errorf("media proxy for %v: %d, want 404", m.RemoteURL, code)
				}
			}
		}
		for _, p := range []string{"/huge.png", "/page.png", "/bomb.png", "/missing.png"} {
			if r.files.count(p) != 2 {
				t.Errorf("%s asked %d times after two views, want twice (the job, the proxy once)", p, r.files.count(p))
			}
		}
	})
}

// TestRemoteMediaPrivateAddress: with the production address policy, a
// file on a private address (here loopback) is never fetched.
func TestRemoteMediaPrivateAddress(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{"/a.png": {"image/png", mediatest.PNG(10, 10)}}, false)
		id := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/a.png", MediaType: "image/png"},
			files.RemoteMedia{URL: r.files.URL + "/a.png", MediaType: "image/png"})
		r.waitJobs(t)
		list := r.media(t, id)
		if len(list) != 2 || r.files.count("/a.png") != 0 {
			t.Fatalf("%d attachments, loopback asked %d times; want 2 stored, none fetched", len(list), r.files.count("/a.png"))
		}
		for _, m := range list {
			if code, _, _ := get(t, m.URL); code != http.StatusNotFound || r.files.count("/a.png") != 0 {
				t.Fatalf("media proxy for %v: %d; want 404 without asking", m.RemoteURL, code)
			}
		}
	})
}

// TestRejectMediaDomain: a domain with reject_media gets none of its
// files fetched: attachments are "unknown", with their origin's address
// as remote_url only (url is the media proxy's, as in Mastodon), and the
// proxy refuses them, also when the block came after the status.
func TestRejectMediaDomain(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{"/a.png": {"image/png", mediatest.PNG(10, 10)},
			"/b.png": {"image/png", mediatest.PNG(10, 10)}}, true)
		rig := r.inst.Core
		// Posted before the block, never cached (the job runs first but
		// the block is in place when the proxy is asked).
		earlier := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/b.png", MediaType: "image/png"})
		r.eventuallyCached(t, earlier)
		if _, err := rig.Files.PruneRemoteMedia(ctx, time.Now().Add(time.Second), nil); err != nil {
			t.Fatal(err)
		}
		kept := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/a.png", MediaType: "image/png"})
		keptMedia := r.eventuallyCached(t, kept)
		yes, silence := true, "silence"
		if _, err := rig.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "remote.test", Severity: &silence, RejectMedia: &yes}); err != nil {
			t.Fatal(err)
		}
		id := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/a.png", MediaType: "image/png"})
		r.waitJobs(t)
		m := r.media(t, id)
		if len(m) != 1 || m[0].Type != "unknown" || m[0].URL != r.inst.Core.BaseURL()+"/media_proxy/"+m[0].ID+"/original" ||
			m[0].RemoteURL == nil || *m[0].RemoteURL != "http://remote.test/a.png" || r.files.count("/a.png") != 1 {
			t.Fatalf("attachment from a reject_media domain: %+v, fetched %d times; want unknown through the proxy, never fetched",
				m, r.files.count("/a.png"))
		}
		if code, _, _ := get(t, m[0].URL); code != http.StatusNotFound || r.files.count("/a.png") != 1 {
			t.Fatalf("media proxy for a reject_media attachment: %d; want 404 without asking", code)
		}
		proxy := r.inst.Core.BaseURL() + "/media_proxy/" + keptMedia.ID + "/original"
		if code, _, _ := get(t, proxy); code != http.StatusNotFound {
			t.Fatalf("media proxy for a file cached before reject_media: %d, want 404", code)
		}
		old := r.media(t, earlier)[0]
		if code, _, _ := get(t, old.URL); code != http.StatusNotFound || r.files.count("/b.png") != 1 {
			t.Fatalf("media proxy after reject_media: %d, origin asked %d times; want 404, no refetch", code, r.files.count("/b.png"))
		}
	})
}

// TestRemoteMediaOfPrivateStatus: an uncached attachment of a
// followers-only status shows through the media proxy like any other
// (never at its origin's address), and the proxy, which answers anyone
// who asks, serves it only to a browser signed in as someone who may see
// the status (Mastodon's MediaProxyController authorizes it so).
func TestRemoteMediaOfPrivateStatus(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{"/a.png": {"image/png", mediatest.PNG(10, 10)}}, true)
		st, err := r.inst.Core.Federation.ReceiveNote(ctx, r.ann, federation.RemoteNote{URI: "http://remote.test/users/ann/statuses/p",
			Content: "<p>friends only</p>", Visibility: model.Private, Published: time.Now(),
			Media: []files.RemoteMedia{{URL: "http://remote.test/a.png", MediaType: "image/png"}}})
		if err != nil {
			t.Fatal(err)
		}
		r.waitJobs(t)
		if _, err := r.inst.Core.Files.PruneRemoteMedia(ctx, time.Now().Add(time.Second), nil); err != nil {
			t.Fatal(err)
		}
		carol := r.inst.NewUser(t, "carol")
		if _, err := r.inst.Store.DB.Write.Exec("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4)",
			ids.New(), carol.Account.ID, r.ann.ID, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		var entity struct {
			MediaAttachments []remoteMediaJSON `json:"media_attachments"`
		}
		r.inst.Expect(t, http.StatusOK, "GET", "/api/v1/statuses/"+ids.Format(st.ID), carol.Token, nil).JSON(t, &entity)
		if len(entity.MediaAttachments) != 1 {
			t.Fatalf("carol sees %d attachments, want 1", len(entity.MediaAttachments))
		}
		m := entity.MediaAttachments[0]
		proxy := r.inst.Core.BaseURL() + "/media_proxy/" + m.ID + "/original"
		if m.URL != proxy || m.RemoteURL == nil || *m.RemoteURL != "http://remote.test/a.png" {
			t.Fatalf("pruned attachment of a followers-only status: url %q, remote_url %v; want the media proxy, the origin's address", m.URL, m.RemoteURL)
		}
		if code, _, _ := get(t, proxy); code != http.StatusNotFound || r.files.count("/a.png") != 1 {
			t.Fatalf("media proxy for a visitor: %d, origin asked %d times; want 404 without asking", code, r.files.count("/a.png"))
		}

		session, _, err := r.inst.Core.Accounts.SignIn(ctx, carol.Email, testrig.Password(), "test")
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", proxy, nil)
		req.AddCookie(&http.Cookie{Name: "herd_session", Value: session})
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), r.inst.Core.BaseURL()+"/system/") {
			t.Fatalf("media proxy for a follower's browser: %d to %q, want a redirect to the file fetched again", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
