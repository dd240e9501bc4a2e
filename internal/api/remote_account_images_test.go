package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herd/internal/core/domains"
	"herd/internal/core/federation"
	"herd/internal/core/files"
	"herd/internal/ids"
	"herd/internal/media/mediatest"
	"herd/internal/model"
	"herd/internal/testrig"
)

// saveAnn stores ann again with the given avatar and header addresses, as
// an Update:Person or a refresh of her actor does.
func (r *remoteMediaRig) saveAnn(t *testing.T, avatar, header string) {
	t.Helper()
	var err error
	r.ann, err = r.inst.Core.Federation.SaveRemoteAccount(context.Background(), federation.RemoteActor{URI: "http://remote.test/users/ann",
		Username: "ann", Domain: "remote.test", URL: "http://remote.test/@ann", InboxURL: "http://remote.test/users/ann/inbox",
		AvatarURL: avatar, HeaderURL: header})
	if err != nil {
		t.Fatal(err)
	}
}

// annPictures answers ann's avatar and header URLs as the API shows them.
func (r *remoteMediaRig) annPictures(t *testing.T) (avatar, header string) {
	t.Helper()
	var a struct{ Avatar, Header string }
	r.inst.Expect(t, http.StatusOK, "GET", "/api/v1/accounts/"+ids.Format(r.ann.ID), "", nil).JSON(t, &a)
	return a.Avatar, a.Header
}

// profileFiles lists the stored avatar and header files.
func profileFiles(t *testing.T, inst *testrig.Instance) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"avatars", "headers"} {
		err := filepath.WalkDir(filepath.Join(inst.Server.Config.MediaDir, dir), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, p)
			}
			if os.IsNotExist(err) {
				return nil
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestRemoteAvatarCached: a remote actor's avatar and header are fetched
// by a job, processed as local ones (400x400, 1500x500) and shown from
// this instance's storage; storing the actor again with the same
// addresses fetches nothing; a new avatar address fetches the new picture
// and deletes the old file.
func TestRemoteAvatarCached(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/av.png":  {"image/png", mediatest.PNG(900, 700)},
			"/av2.jpg": {"image/jpeg", mediatest.JPEGWithEXIF(500, 800, 1)},
			"/hd.png":  {"image/png", mediatest.PNG(3000, 1200)},
		}, true)
		r.saveAnn(t, "http://remote.test/av.png", "http://remote.test/hd.png")
		r.waitJobs(t)
		avatar, header := r.annPictures(t)
		base := r.inst.Core.BaseURL() + "/system/"
		if !strings.HasPrefix(avatar, base+"avatars/") || !strings.HasPrefix(header, base+"headers/") {
			t.Fatalf("avatar %q, header %q; want both on this instance's storage", avatar, header)
		}
		for _, c := range []struct {
			url  string
			w, h int
		}{{avatar, 400, 400}, {header, 1500, 500}} {
			code, _, body := get(t, c.url)
			if code != http.StatusOK {
				t.Fatalf("GET %s: %d", c.url, code)
			}
			if w, h := decodedSize(t, body); w != c.w || h != c.h {
				t.Fatalf("%s is %dx%d, want %dx%d", c.url, w, h, c.w, c.h)
			}
		}

		r.saveAnn(t, "http://remote.test/av.png", "http://remote.test/hd.png")
		r.waitJobs(t)
		if a, h := r.annPictures(t); a != avatar || h != header || r.files.count("/av.png") != 1 || r.files.count("/hd.png") != 1 {
			t.Fatalf("stored again unchanged: %q %q, fetched %d and %d times; want the same files, fetched once",
				a, h, r.files.count("/av.png"), r.files.count("/hd.png"))
		}

		r.saveAnn(t, "http://remote.test/av2.jpg", "http://remote.test/hd.png")
		r.waitJobs(t)
		next, h := r.annPictures(t)
		if next == avatar || !strings.HasPrefix(next, base+"avatars/") || h != header {
			t.Fatalf("after a new avatar: %q, header %q; want a new cached avatar, the same header", next, h)
		}
		if code, _, body := get(t, next); code != http.StatusOK || !bytes.HasPrefix(body, []byte{0xff, 0xd8}) {
			t.Fatalf("new avatar: %d, want a JPEG", code)
		} else if w, h := decodedSize(t, body); w != 400 || h != 400 {
			t.Fatalf("new avatar %dx%d, want 400x400", w, h)
		}
		if code, _, _ := get(t, avatar); code != http.StatusNotFound {
			t.Fatalf("old avatar file: %d, want 404 (deleted)", code)
		}
		if files := profileFiles(t, r.inst); len(files) != 2 {
			t.Fatalf("stored profile files %v, want the new avatar and the header", files)
		}

		// No avatar any more: the file goes, the default shows.
		r.saveAnn(t, "", "http://remote.test/hd.png")
		if a, _ := r.annPictures(t); !strings.HasSuffix(a, "/avatars/original/missing.png") {
			t.Fatalf("avatar removed by its origin: %q, want the default", a)
		}
		if code, _, _ := get(t, next); code != http.StatusNotFound {
			t.Fatalf("removed avatar file: %d, want 404", code)
		}
	})
}

// TestHostileRemoteAvatar: an avatar that is too big, not an image, or
// not found is not cached: nothing is stored, the job is not retried, and
// the account shows the media proxy, never the origin's address; the
// proxy tries the origin once more, then answers the default picture
// without asking it again.
func TestHostileRemoteAvatar(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		big := append(mediatest.PNG(10, 10), bytes.Repeat([]byte{0}, 17<<20)...)
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/big.png":  {"image/png", big},
			"/page.png": {"image/png", []byte("<!doctype html><html><body>not a picture</body></html>")},
		}, true)
		for _, c := range []struct{ avatar, header string }{
			{"http://remote.test/big.png", "http://remote.test/page.png"},
			{"http://remote.test/gone.png", "http://remote.test/big.png"},
		} {
			r.saveAnn(t, c.avatar, c.header)
			r.waitJobs(t)
			proxy := r.inst.Core.BaseURL() + "/media_proxy/accounts/" + ids.Format(r.ann.ID)
			if a, h := r.annPictures(t); a != proxy+"/avatar" || h != proxy+"/header" {
				t.Fatalf("avatar %q, header %q; want the media proxy", a, h)
			}
			if files := profileFiles(t, r.inst); len(files) != 0 {
				t.Fatalf("stored %v from a bad file", files)
			}
		}
		if r.files.count("/gone.png") != 1 || r.files.count("/page.png") != 1 {
			t.Fatalf("asked the origin %d and %d times, want once each", r.files.count("/gone.png"), r.files.count("/page.png"))
		}
		avatar, _ := r.annPictures(t)
		for range 2 {
			if got := fetchImage(t, r.inst, avatar); !strings.HasSuffix(got, "/avatars/original/missing.png") {
				t.Fatalf("media proxy for a missing avatar answers %s, want the default", got)
			}
		}
		if n := r.files.count("/gone.png"); n != 2 {
			t.Fatalf("two views asked the origin %d times in all, want twice (the job, then the proxy once)", n)
		}
	})
}

// TestRejectMediaAvatar: an account of a domain that rejects media shows
// the default pictures, cached before the block or not, and nothing is
// fetched after it.
func TestRejectMediaAvatar(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/av.png": {"image/png", mediatest.PNG(50, 50)}, "/av2.png": {"image/png", mediatest.PNG(60, 60)}}, true)
		r.saveAnn(t, "http://remote.test/av.png", "")
		r.waitJobs(t)
		cached, _ := r.annPictures(t)
		if !strings.HasPrefix(cached, r.inst.Core.BaseURL()+"/system/avatars/") {
			t.Fatalf("avatar %q not cached", cached)
		}
		yes, noop := true, string(model.SeverityNoop)
		if _, err := r.inst.Core.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "remote.test", Severity: &noop, RejectMedia: &yes}); err != nil {
			t.Fatal(err)
		}
		// The block itself clears what was cached (Mastodon's
		// BlockDomainService): the default shows, the file is gone.
		if a, _ := r.annPictures(t); !strings.HasSuffix(a, "/avatars/original/missing.png") {
			t.Fatalf("after reject_media the avatar is %q, want the default", a)
		}
		if code, _, _ := get(t, cached); code != http.StatusNotFound {
			t.Fatalf("cached avatar after reject_media: %d, want 404 (deleted)", code)
		}
		r.saveAnn(t, "http://remote.test/av2.png", "")
		r.waitJobs(t)
		if a, h := r.annPictures(t); !strings.HasSuffix(a, "/avatars/original/missing.png") || !strings.HasSuffix(h, "/headers/original/missing.png") {
			t.Fatalf("reject_media account shows %q, %q; want the defaults", a, h)
		}
		if r.files.count("/av2.png") != 0 {
			t.Fatal("fetched an avatar of a reject_media domain")
		}
	})
}

// TestPruneRemoteProfiles: the media prune leaves profile pictures alone
// (as Mastodon's media cache retention); the profile prune removes those
// of accounts no local account follows, not of followed ones; a pruned
// account's picture shows through the media proxy, which fetches it again
// when viewed, as does storing the account again.
func TestPruneRemoteProfiles(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/av.png": {"image/png", mediatest.PNG(50, 50)}, "/ben.png": {"image/png", mediatest.PNG(60, 60)}}, true)
		r.saveAnn(t, "http://remote.test/av.png", "")
		ben, err := r.inst.Core.Federation.SaveRemoteAccount(ctx, federation.RemoteActor{URI: "http://remote.test/users/ben",
			Username: "ben", Domain: "remote.test", InboxURL: "http://remote.test/users/ben/inbox", AvatarURL: "http://remote.test/ben.png"})
		if err != nil {
			t.Fatal(err)
		}
		carol := r.inst.NewUser(t, "carol")
		if _, err := r.inst.Store.DB.Write.Exec("INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4)",
			ids.New(), carol.Account.ID, ben.ID, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		r.waitJobs(t)
		cached, _ := r.annPictures(t)
		if !strings.HasPrefix(cached, r.inst.Core.BaseURL()+"/system/avatars/") {
			t.Fatalf("avatar %q not cached", cached)
		}
		later := time.Now().Add(time.Second)
		if _, err := r.inst.Core.Files.PruneRemoteMedia(ctx, later, nil); err != nil {
			t.Fatal(err)
		}
		if a, _ := r.annPictures(t); a != cached {
			t.Fatalf("the media prune touched an avatar: %q", a)
		}
		n, err := r.inst.Core.Files.PruneRemoteProfiles(ctx, later)
		if err != nil || n != 1 {
			t.Fatalf("pruned %d profiles, %v; want ann's only", n, err)
		}
		proxy := r.inst.Core.BaseURL() + "/media_proxy/accounts/" + ids.Format(r.ann.ID) + "/avatar"
		if a, _ := r.annPictures(t); a != proxy {
			t.Fatalf("pruned avatar shows %q, want the media proxy %q", a, proxy)
		}
		if code, _, _ := get(t, cached); code != http.StatusNotFound {
			t.Fatalf("pruned avatar file: %d, want 404", code)
		}
		if files := profileFiles(t, r.inst); len(files) != 1 {
			t.Fatalf("profile files %v, want ben's (followed) only", files)
		}
		viewed := fetchImage(t, r.inst, proxy)
		if !strings.HasPrefix(viewed, r.inst.Core.BaseURL()+"/system/avatars/") || r.files.count("/av.png") != 2 {
			t.Fatalf("the media proxy answers %s (origin asked %d times); want the avatar fetched again and stored", viewed, r.files.count("/av.png"))
		}
		if a, _ := r.annPictures(t); a != viewed {
			t.Fatalf("after a view through the proxy the avatar is %q, want the stored %q", a, viewed)
		}
		n, err = r.inst.Core.Files.PruneRemoteProfiles(ctx, time.Now().Add(time.Second))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d profiles again, %v; want ann's", n, err)
		}
		r.saveAnn(t, "http://remote.test/av.png", "")
		r.waitJobs(t)
		if a, _ := r.annPictures(t); !strings.HasPrefix(a, r.inst.Core.BaseURL()+"/system/avatars/") || r.files.count("/av.png") != 3 {
			t.Fatalf("after a refresh the avatar is %q (fetched %d times); want it cached again", a, r.files.count("/av.png"))
		}
	})
}

// fetchImage GETs rawURL, following redirects, and fails unless every
// address on the way is on the instance's own host and the answer is an
// image; it returns the final address.
func fetchImage(t *testing.T, inst *testrig.Instance, rawURL string) string {
	t.Helper()
	own := inst.Core.BaseURL() + "/"
	var hops []string
	client := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		hops = append(hops, req.URL.String())
		if !strings.HasPrefix(req.URL.String(), own) {
			return fmt.Errorf("redirected off the instance to %s", req.URL)
		}
		return nil
	}}
	resp, err := client.Get(rawURL)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if _, _, err := image.DecodeConfig(bytes.NewReader(body)); resp.StatusCode != http.StatusOK || err != nil ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
		t.Fatalf("GET %s (via %v): %d %s, %v; want an image", rawURL, hops, resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	return resp.Request.URL.String()
}

// TestUnfetchableRemoteAvatarNeverRaw: an actor whose icon and image
// point where this instance must not fetch from (a closed port on
// loopback, a private address) never has those addresses handed to
// viewers' browsers: the API's account entity and the profile page (its
// header, avatar, status lines and og:image) show pictures on this
// instance's own host, which answer the default pictures.
func TestUnfetchableRemoteAvatarNeverRaw(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		const evilAvatar, evilHeader = "http://127.0.0.1:9/evil.png", "http://127.0.0.1:9/evil-header.png"
		r := newRemoteMediaRig(t, db, nil, false)
		r.saveAnn(t, evilAvatar, evilHeader)
		r.receive(t, model.Public)
		r.waitJobs(t)

		var a struct {
			Avatar       string `json:"avatar"`
			AvatarStatic string `json:"avatar_static"`
			Header       string `json:"header"`
			HeaderStatic string `json:"header_static"`
		}
		r.inst.Expect(t, http.StatusOK, "GET", "/api/v1/accounts/"+ids.Format(r.ann.ID), "", nil).JSON(t, &a)
		own := r.inst.Core.BaseURL() + "/"
		for _, u := range []string{a.Avatar, a.AvatarStatic, a.Header, a.HeaderStatic} {
			if !strings.HasPrefix(u, own) {
				t.Errorf("account entity %+v: a picture not on this instance", a)
				break
			}
		}
		page := r.inst.Expect(t, http.StatusOK, "GET", "/@ann@remote.test", "", nil)
		if i := bytes.Index(page.Body, []byte("127.0.0.1:9")); i >= 0 {
			t.Fatalf("profile page hands out the origin's address: …%s…", page.Body[max(0, i-80):min(len(page.Body), i+40)])
		}
		for _, want := range []string{`src="` + a.Avatar + `"`, `src="` + a.Header + `"`, `property="og:image" content="` + a.Avatar + `"`} {
			if !bytes.Contains(page.Body, []byte(want)) {
				t.Fatalf("profile page lacks %s:\n%s", want, page.Body)
			}
		}
		if got := fetchImage(t, r.inst, a.Avatar); !strings.HasSuffix(got, "/avatars/original/missing.png") {
			t.Fatalf("unfetchable avatar answers %s, want the default", got)
		}
		if got := fetchImage(t, r.inst, a.Header); !strings.HasSuffix(got, "/headers/original/missing.png") {
			t.Fatalf("unfetchable header answers %s, want the default", got)
		}
	})
}

// TestUnfetchableRemoteFilesNeverRaw: the other remote files a page or
// an entity shows, an actor's custom emoji and a status's picture, are
// never shown at their origin's address either when they cannot be
// fetched: the API gives that address as remote_url only, the pages not
// at all; both show the media proxy, which answers 404 for them.
func TestUnfetchableRemoteFilesNeverRaw(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		const evil = "http://127.0.0.1:9/"
		r := newRemoteMediaRig(t, db, nil, false)
		var err error
		r.ann, err = r.inst.Core.Federation.SaveRemoteAccount(context.Background(), federation.RemoteActor{URI: "http://remote.test/users/ann",
			Username: "ann", Domain: "remote.test", URL: "http://remote.test/@ann", InboxURL: "http://remote.test/users/ann/inbox",
			DisplayName: "Ann :blink:", Emojis: []files.RemoteEmoji{{URI: "http://remote.test/emojis/1", Shortcode: "blink", ImageURL: evil + "blink.png"}}})
		if err != nil {
			t.Fatal(err)
		}
		id := r.receive(t, model.Public, files.RemoteMedia{URL: evil + "photo.png", MediaType: "image/png"})
		r.waitJobs(t)

		viewer := r.inst.NewUser(t, "viewer").Token
		status := r.inst.Expect(t, http.StatusOK, "GET", "/api/v1/statuses/"+id, viewer, nil)
		var st struct {
			MediaAttachments []remoteMediaJSON `json:"media_attachments"`
			Account          struct {
				Emojis []struct{ URL string }
			}
		}
		status.JSON(t, &st)
		if n := strings.Count(string(status.Body), evil); n != 1 || len(st.MediaAttachments) != 1 ||
			st.MediaAttachments[0].RemoteURL == nil || *st.MediaAttachments[0].RemoteURL != evil+"photo.png" {
			t.Fatalf("status entity names the origin %d times, want once, as the attachment's remote_url: %s", n, status.Body)
		}
		own := r.inst.Core.BaseURL() + "/media_proxy/"
		m := st.MediaAttachments[0]
		if !strings.HasPrefix(m.URL, own) || m.PreviewURL == nil || !strings.HasPrefix(*m.PreviewURL, own) ||
			len(st.Account.Emojis) != 1 || !strings.HasPrefix(st.Account.Emojis[0].URL, own) {
			t.Fatalf("status entity %s: want the attachment and the emoji through the media proxy", status.Body)
		}
		for _, u := range []string{m.URL, *m.PreviewURL, st.Account.Emojis[0].URL} {
			if code, _, _ := get(t, u); code != http.StatusNotFound {
				t.Fatalf("media proxy for an unfetchable file %s: %d, want 404", u, code)
			}
		}

		for _, path := range []string{"/@ann@remote.test", "/@ann@remote.test/" + id} {
			page := r.inst.Expect(t, http.StatusOK, "GET", path, "", nil)
			if i := bytes.Index(page.Body, []byte(evil)); i >= 0 {
				t.Fatalf("%s hands out the origin's address: …%s…", path, page.Body[max(0, i-80):min(len(page.Body), i+40)])
			}
			if !bytes.Contains(page.Body, []byte(`src="`+st.Account.Emojis[0].URL+`"`)) {
				t.Fatalf("%s does not show the emoji through the media proxy:\n%s", path, page.Body)
			}
		}
	})
}
