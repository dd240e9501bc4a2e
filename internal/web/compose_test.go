package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// part is one field of a multipart form, in order; a part with a
// filename is a file input (an empty one sends no content).
type part struct {
	name, value, filename string
	data                  []byte
}

func field(name, value string) part { return part{name: name, value: value} }

// slot is an attachment slot of the composer: a file (or none) and its
// alt text.
func slot(filename string, data []byte, alt string) []part {
	return []part{{name: "media", filename: filename, data: data}, field("media_description", alt)}
}

// postMultipart sends a multipart form as a browser does, empty file
// inputs included, and follows the redirects.
func (b *browser) postMultipart(path string, parts ...part) *page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		if p.name == "media" {
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{`form-data; name="media"; filename="` + p.filename + `"`}
			h["Content-Type"] = []string{"application/octet-stream"}
			w, _ := mw.CreatePart(h)
			w.Write(p.data)
			continue
		}
		mw.WriteField(p.name, p.value)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.inst.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}

func (b *browser) send(req *http.Request) *page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return &page{Status: resp.StatusCode, Path: resp.Request.URL.RequestURI(), Body: string(raw)}
}

// token is the page's CSRF token.
func (p *page) token() string { return p.form().Get("authenticity_token") }

// apiStatus is a status as the client API shows it to its author.
type apiStatus struct {
	ID               string
	Content          string
	SpoilerText      string `json:"spoiler_text"`
	Visibility       string
	Language         string
	InReplyToID      string `json:"in_reply_to_id"`
	Sensitive        bool
	EditedAt         *string                                  `json:"edited_at"`
	MediaAttachments []struct{ ID, Type, Description string } `json:"media_attachments"`
	Favourited       bool
	Reblogged        bool
	Bookmarked       bool
	Pinned           bool
	FavouritesCount  int `json:"favourites_count"`
}

// getStatus reads a status through the client API, with the answer's
// status code (a zero apiStatus when not 200).
func getStatus(t *testing.T, inst *testrig.Instance, user *testrig.User, id string) (apiStatus, int) {
	t.Helper()
	var s apiStatus
	r := inst.Do(t, http.MethodGet, "/api/v1/statuses/"+id, user.Token, nil)
	if r.Status == http.StatusOK {
		r.JSON(t, &s)
	}
	return s, r.Status
}

// latest is the id of user's newest status ("" without one).
func latest(t *testing.T, inst *testrig.Instance, user *testrig.User) string {
	t.Helper()
	var list []struct{ ID string }
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+ids.Format(user.Account.ID)+"/statuses?limit=1", user.Token, nil).JSON(t, &list)
	if len(list) == 0 {
		return ""
	}
	return list[0].ID
}

// TestComposer: the composer posts text with a content warning, a
// visibility, a language and an image with its alt text, and goes back to
// the page it was on; a reply from a thread lands in the thread; a
// refused post comes back written as it was, its upload kept, and nothing
// is posted; a form without the CSRF token posts nothing.
func TestComposer(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		br := newBrowser(t, inst)
		br.signIn(alice)
		home := br.do(http.MethodGet, "/home", nil)
		tok := home.token()

		parts := []part{field("authenticity_token", tok), field("return_to", "/home"),
			field("spoiler_text", "cats"), field("status", "look at https://example.com/a-very-long-link-indeed #herd"),
			field("visibility", "unlisted"), field("language", "en")}
		parts = append(parts, slot("", nil, "")...) // an empty slot: the alt text below is the next file's
		parts = append(parts, slot("square.png", mediatest.PNG(32, 32), "a red square")...)
		p := br.postMultipart("/statuses", parts...)
		if p.Status != http.StatusOK || p.Path != "/home" {
			t.Fatalf("post: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		id := latest(t, inst, alice)
		s, _ := getStatus(t, inst, alice, id)
		if s.SpoilerText != "cats" || s.Visibility != "unlisted" || s.Language != "en" || !s.Sensitive ||
			len(s.MediaAttachments) != 1 || s.MediaAttachments[0].Description != "a red square" ||
			!strings.Contains(s.Content, "#<span>herd</span>") {
			t.Fatalf("posted: %+v", s)
		}
		if !strings.Contains(p.Body, `id="s-`+id+`"`) || !strings.Contains(p.Body, "a red square") {
			t.Errorf("home after posting lacks the post")
		}

		// A reply, from the thread's page, back to it.
		thread := br.do(http.MethodGet, "/@bob/"+post(t, inst, bob, map[string]any{"status": "question?"}).ID, nil)
		f := thread.form()
		if f.Get("in_reply_to_id") == "" || !strings.Contains(thread.Body, "@bob </textarea>") {
			t.Fatalf("thread's reply form: %v", f)
		}
		p = br.postMultipart("/statuses", field("authenticity_token", tok), field("return_to", thread.Path),
			field("in_reply_to_id", f.Get("in_reply_to_id")), field("status", "@bob answer!"), field("visibility", "public"))
		reply := latest(t, inst, alice)
		if p.Path != thread.Path || !strings.Contains(p.Body, `id="s-`+reply+`"`) {
			t.Errorf("reply: %d at %s", p.Status, p.Path)
		}
		if s, _ := getStatus(t, inst, alice, reply); s.InReplyToID != f.Get("in_reply_to_id") {
			t.Errorf("reply posted as %+v", s)
		}

		// Too long: refused, written as it was, the upload kept.
		long := strings.Repeat("ab ", 200)
		parts = []part{field("authenticity_token", tok), field("return_to", "/home"),
			field("spoiler_text", "second try"), field("status", long), field("visibility", "private")}
		parts = append(parts, slot("dot.png", mediatest.PNG(8, 8), "a dot")...)
		p = br.postMultipart("/statuses", parts...)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "character limit of 500") ||
			!strings.Contains(p.Body, strings.TrimSpace(long)) || !strings.Contains(p.Body, `value="second try"`) ||
			!strings.Contains(p.Body, `<option value="private" selected>`) {
			t.Fatalf("too long: %d %s", p.Status, p.Body)
		}
		if got := latest(t, inst, alice); got != reply {
			t.Fatalf("a refused post was posted: %s", got)
		}
		kept := keptMedia(p.Body)
		if len(kept) != 1 || !strings.Contains(p.Body, `value="a dot"`) {
			t.Fatalf("upload not kept: %v", kept)
		}
		p = br.postMultipart("/statuses", field("authenticity_token", tok), field("return_to", p.form().Get("return_to")),
			field("status", "shorter"), field("visibility", "private"), field("media_ids", kept[0]), field("media_alt_"+kept[0], "a black dot"))
		if p.Status != http.StatusOK || p.Path != "/home" {
			t.Fatalf("second try: %d at %s", p.Status, p.Path)
		}
		s, _ = getStatus(t, inst, alice, latest(t, inst, alice))
		if s.Visibility != "private" || len(s.MediaAttachments) != 1 || s.MediaAttachments[0].ID != kept[0] ||
			s.MediaAttachments[0].Description != "a black dot" {
			t.Errorf("second try posted %+v", s)
		}

		// Forged: no token, or another's. Nothing is posted.
		before := latest(t, inst, alice)
		for _, parts := range [][]part{
			{field("status", "forged")},
			append([]part{field("authenticity_token", otherToken(tok))}, slot("f.png", mediatest.PNG(8, 8), "")...),
		} {
			if p := br.postMultipart("/statuses", append(parts, field("status", "forged"))...); p.Status != http.StatusForbidden {
				t.Errorf("forged post: %d", p.Status)
			}
		}
		if p := br.do(http.MethodPost, "/statuses", url.Values{"status": {"forged"}}); p.Status != http.StatusForbidden {
			t.Errorf("forged urlencoded post: %d", p.Status)
		}
		if latest(t, inst, alice) != before {
			t.Error("a forged form posted")
		}

		// return_to never leads off the site.
		p = br.postMultipart("/statuses", field("authenticity_token", tok), field("return_to", "//evil.example/x"), field("status", "safe"))
		if id := latest(t, inst, alice); p.Path != "/@alice/"+id {
			t.Errorf("return_to //evil.example led to %s", p.Path)
		}
	})
}

// keptMedia lists the uploads a composer keeps (its media_ids checkboxes).
func keptMedia(body string) []string {
	var out []string
	for _, chunk := range strings.Split(body, `name="media_ids" value="`)[1:] {
		out = append(out, chunk[:strings.IndexByte(chunk, '"')])
	}
	return out
}

// multipartRequest builds a POST of fields and one file.
func multipartRequest(t *testing.T, target string, fields map[string]string, fileField, filename string, data []byte) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	w, _ := mw.CreateFormFile(fileField, filename)
	w.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, target, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// TestComposerVideoAndLimits: a video posted from the composer is
// transcoded before the post is made, so the post carries it; more files
// than may be attached are refused (413) and nothing is posted.
func TestComposerVideoAndLimits(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		br := newBrowser(t, inst)
		br.signIn(alice)
		tok := br.do(http.MethodGet, "/home", nil).token()
		parts := append([]part{field("authenticity_token", tok), field("status", "a clip")},
			slot("clip.mp4", mediatest.MP4(t), "a test pattern")...)
		if p := br.postMultipart("/statuses", parts...); p.Status != http.StatusOK {
			t.Fatalf("video post: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		s, _ := getStatus(t, inst, alice, latest(t, inst, alice))
		if len(s.MediaAttachments) != 1 || s.MediaAttachments[0].Type != "video" || s.MediaAttachments[0].Description != "a test pattern" {
			t.Fatalf("video post: %+v", s)
		}

		before := s.ID
		parts = []part{field("authenticity_token", tok), field("status", "too many")}
		for i := 0; i < 5; i++ {
			parts = append(parts, slot(fmt.Sprintf("%d.png", i), mediatest.PNG(8, 8), "")...)
		}
		if p := br.postMultipart("/statuses", parts...); p.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("five files: %d", p.Status)
		}
		if latest(t, inst, alice) != before {
			t.Error("a post with too many files was posted")
		}
	})
}

// otherToken is a CSRF token that differs from tok in its first character
// (a fixed replacement would equal tok whenever tok starts with it).
func otherToken(tok string) string {
	if tok[0] == 'x' {
		return "y" + tok[1:]
	}
	return "x" + tok[1:]
}
