package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// upload sends an image through the client API, answering its id.
func upload(t *testing.T, inst *testrig.Instance, user *testrig.User, alt string) string {
	t.Helper()
	var m struct{ ID string }
	br := newBrowser(t, inst)
	req := multipartRequest(t, inst.URL+"/api/v2/media", map[string]string{"description": alt}, "file", "pic.png", mediatest.PNG(16, 16))
	req.Header.Set("Authorization", "Bearer "+user.Token)
	p := br.send(req)
	if p.Status != http.StatusOK {
		t.Fatalf("upload: %d %s", p.Status, p.Body)
	}
	decode(t, p.Body, &m)
	return m.ID
}

// TestEditDeleteRedraft: the author edits a post from its source text
// (content warning and attachments kept, alt text changed), deletes it
// after a confirmation page, and redrafts one: deleted, its text, content
// warning, visibility and attachment back in a composer that posts them
// again. Others find none of these pages.
func TestEditDeleteRedraft(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		media := upload(t, inst, alice, "first alt")
		s := post(t, inst, alice, map[string]any{"status": "hello @bob see https://example.com", "spoiler_text": "a cw",
			"visibility": "unlisted", "media_ids": []string{media}})
		br := newBrowser(t, inst)
		br.signIn(alice)

		// The menu of one's own post offers edit, delete and redraft.
		p := br.do(http.MethodGet, "/@alice/"+s.ID, nil)
		for _, want := range []string{`href="/statuses/` + s.ID + `/edit"`, `href="/statuses/` + s.ID + `/delete"`, `/delete?redraft=1"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("own post's menu lacks %s", want)
			}
		}
		p = br.do(http.MethodGet, "/statuses/"+s.ID+"/edit", nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, ">hello @bob see https://example.com</textarea>") ||
			!strings.Contains(p.Body, `value="a cw"`) || !strings.Contains(p.Body, `name="media_ids" value="`+media+`" checked`) ||
			!strings.Contains(p.Body, `value="first alt"`) || strings.Contains(p.Body, `name="visibility"`) {
			t.Fatalf("edit form: %d %s", p.Status, p.Body)
		}
		p = br.postMultipart("/statuses/"+s.ID+"/edit", field("authenticity_token", p.token()), field("return_to", "/@alice"),
			field("spoiler_text", "a new cw"), field("status", "hello again"), field("media_ids", media),
			field("media_alt_"+media, "better alt"), field("language", "en"))
		if p.Status != http.StatusOK || p.Path != "/@alice" || !strings.Contains(p.Body, "hello again") {
			t.Fatalf("edit: %d at %s", p.Status, p.Path)
		}
		got, _ := getStatus(t, inst, alice, s.ID)
		if got.EditedAt == nil || got.SpoilerText != "a new cw" || got.Visibility != "unlisted" ||
			len(got.MediaAttachments) != 1 || got.MediaAttachments[0].Description != "better alt" {
			t.Errorf("edited: %+v", got)
		}
		// Too long: the edit form again, the text kept, nothing changed.
		p = br.postMultipart("/statuses/"+s.ID+"/edit", field("authenticity_token", p.token()), field("status", strings.Repeat("x", 501)),
			field("media_ids", media))
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, strings.Repeat("x", 501)) ||
			!strings.Contains(p.Body, `action="/statuses/`+s.ID+`/edit"`) {
			t.Errorf("edit too long: %d", p.Status)
		}

		// Others' posts have no such pages.
		bobs := post(t, inst, bob, map[string]any{"status": "bob's"})
		for _, path := range []string{"/statuses/" + bobs.ID + "/edit", "/statuses/" + bobs.ID + "/delete"} {
			if p := br.do(http.MethodGet, path, nil); p.Status != http.StatusNotFound {
				t.Errorf("%s: %d", path, p.Status)
			}
		}
		if p := br.do(http.MethodPost, "/statuses/"+bobs.ID+"/delete", url.Values{"authenticity_token": {p.token()}}); p.Status != http.StatusNotFound {
			t.Errorf("deleting another's post: %d", p.Status)
		}
		if _, code := getStatus(t, inst, bob, bobs.ID); code != http.StatusOK {
			t.Error("another's post deleted")
		}

		// Delete, confirmed on a page that works without JavaScript.
		p = br.do(http.MethodGet, "/statuses/"+s.ID+"/delete", nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Delete this post?") || !strings.Contains(p.Body, "hello again") {
			t.Fatalf("delete page: %d %s", p.Status, p.Body)
		}
		if q := br.do(http.MethodPost, "/statuses/"+s.ID+"/delete", url.Values{}); q.Status != http.StatusForbidden {
			t.Errorf("delete without the token: %d", q.Status)
		}
		f := p.form()
		f.Set("return_to", "/@alice/"+s.ID) // from the post's own page: to the profile instead
		p = br.do(http.MethodPost, "/statuses/"+s.ID+"/delete", f)
		if p.Status != http.StatusOK || p.Path != "/@alice" {
			t.Errorf("after deleting: %d at %s", p.Status, p.Path)
		}
		if _, code := getStatus(t, inst, alice, s.ID); code != http.StatusNotFound {
			t.Errorf("deleted status: %d", code)
		}

		// Delete and redraft: the composer comes back filled, media included.
		media2 := upload(t, inst, alice, "kept alt")
		r := post(t, inst, alice, map[string]any{"status": "draft #one", "spoiler_text": "cw two", "visibility": "private",
			"media_ids": []string{media2}, "in_reply_to_id": bobs.ID})
		p = br.do(http.MethodGet, "/statuses/"+r.ID+"/delete?redraft=1", nil)
		if !strings.Contains(p.Body, "Delete &amp; redraft this post?") {
			t.Fatalf("redraft page: %s", p.Body)
		}
		p = br.do(http.MethodPost, "/statuses/"+r.ID+"/redraft", url.Values{"authenticity_token": {p.token()}, "return_to": {"/home"}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, ">draft #one</textarea>") || !strings.Contains(p.Body, `value="cw two"`) ||
			!strings.Contains(p.Body, `<option value="private" selected>`) || !strings.Contains(p.Body, `name="media_ids" value="`+media2+`" checked`) ||
			!strings.Contains(p.Body, `name="in_reply_to_id" value="`+bobs.ID+`"`) || !strings.Contains(p.Body, "bob&#39;s") {
			t.Fatalf("redraft: %d %s", p.Status, p.Body)
		}
		if _, code := getStatus(t, inst, alice, r.ID); code != http.StatusNotFound {
			t.Errorf("redrafted status still there: %d", code)
		}
		f = p.form()
		p = br.postMultipart("/statuses", field("authenticity_token", f.Get("authenticity_token")), field("return_to", f.Get("return_to")),
			field("in_reply_to_id", f.Get("in_reply_to_id")), field("spoiler_text", "cw two"), field("status", "draft #one, fixed"),
			field("visibility", "private"), field("media_ids", media2), field("media_alt_"+media2, "kept alt"))
		if p.Status != http.StatusOK || p.Path != "/home" {
			t.Fatalf("posting the redraft: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		got, _ = getStatus(t, inst, alice, latest(t, inst, alice))
		if got.InReplyToID != bobs.ID || len(got.MediaAttachments) != 1 || got.MediaAttachments[0].ID != media2 || got.Visibility != "private" {
			t.Errorf("redraft posted as %+v", got)
		}
	})
}
