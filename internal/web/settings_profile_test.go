package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// formPart is one part of a multipart form: a field, or a file input
// when File is set (empty: an input left empty).
type formPart struct {
	Name, Value string
	File        []byte
}

// sendForm sends a multipart form as a browser does, parts in document
// order, and follows the redirects.
func (b *browser) sendForm(path string, parts []formPart) *page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		if p.File != nil {
			name := "picture.png"
			if len(p.File) == 0 {
				name = "" // browsers send an empty input without a file name
			}
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="`+p.Name+`"; filename="`+name+`"`)
			h.Set("Content-Type", "application/octet-stream")
			fw, _ := mw.CreatePart(h)
			fw.Write(p.File)
			continue
		}
		mw.WriteField(p.Name, p.Value)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.inst.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}

// credentials is what verify_credentials says of the profile.
type credentials struct {
	DisplayName string `json:"display_name"`
	Avatar      string
	Header      string
	Locked, Bot bool
	Fields      []struct{ Name, Value string }
	Source      struct{ Note string }
}

func verifyCredentials(t *testing.T, inst *testrig.Instance, user *testrig.User) credentials {
	t.Helper()
	var c credentials
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/verify_credentials", user.Token, nil).JSON(t, &c)
	return c
}

// TestProfileSettings: a user edits their profile in /settings/profile —
// name, bio, fields, an avatar, locked — and sees it on their public page
// and in the API; a refused edit comes back in the form as typed with the
// reason and changes nothing; the avatar can be removed; a form without
// the CSRF token, or a visitor, changes nothing.
func TestProfileSettings(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		br := newBrowser(t, inst)
		if p := br.do(http.MethodGet, "/settings/profile", nil); !strings.HasPrefix(p.Path, "/auth/sign_in?return_to=") {
			t.Fatalf("visitor's settings led to %s", p.Path)
		}
		br.signIn(alice)
		p := br.do(http.MethodGet, "/settings/profile", nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `name="display_name"`) ||
			!strings.Contains(p.Body, `enctype="multipart/form-data"`) {
			t.Fatalf("settings page: %d %s", p.Status, p.Body)
		}
		token := p.form().Get("authenticity_token")
		profile := func(name string, avatar []byte) []formPart {
			parts := []formPart{{Name: "authenticity_token", Value: token}, {Name: "display_name", Value: name},
				{Name: "note", Value: "Hello <world> #herd"},
				{Name: "field_name", Value: "Pronouns"}, {Name: "field_value", Value: "she/her"},
				{Name: "field_name", Value: ""}, {Name: "field_value", Value: ""},
				{Name: "field_name", Value: "Site"}, {Name: "field_value", Value: "https://example.org"},
				{Name: "field_name", Value: ""}, {Name: "field_value", Value: ""},
				{Name: "locked", Value: "1"}, {Name: "discoverable", Value: "1"}}
			if avatar != nil {
				parts = append(parts, formPart{Name: "avatar", File: avatar})
			}
			return append(parts, formPart{Name: "header", File: []byte{}})
		}

		p = br.sendForm("/settings/profile", profile("Alice Example", mediatest.PNG(64, 64)))
		if p.Status != http.StatusOK || p.Path != "/settings/profile?saved=profile" || !strings.Contains(p.Body, "Your profile was saved.") {
			t.Fatalf("save: %d at %s: %s", p.Status, p.Path, p.Body)
		}
		c := verifyCredentials(t, inst, alice)
		if c.DisplayName != "Alice Example" || !c.Locked || c.Bot || c.Source.Note != "Hello <world> #herd" ||
			len(c.Fields) != 2 || c.Fields[0].Name != "Pronouns" || c.Fields[1].Name != "Site" ||
			strings.Contains(c.Avatar, "missing") {
			t.Fatalf("verify_credentials after saving: %+v", c)
		}
		avatar := c.Avatar
		if resp, err := inst.HTTP.Client().Get(avatar); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("avatar %s: %v %v", avatar, err, resp)
		}
		pub := newBrowser(t, inst).do(http.MethodGet, "/@alice", nil)
		for _, want := range []string{"Alice Example", "Hello &lt;world&gt;", "she/her", `href="https://example.org"`, avatar} {
			if !strings.Contains(pub.Body, want) {
				t.Errorf("public profile lacks %q", want)
			}
		}
		// The form shows what was saved.
		p = br.do(http.MethodGet, "/settings/profile", nil)
		for _, want := range []string{`value="Alice Example"`, `value="she/her"`, `name="locked" value="1" checked`, avatar,
			`action="/settings/profile/avatar/delete"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("form after saving lacks %q", want)
			}
		}

		// Refused: the form comes back as typed, with the reason.
		long := strings.Repeat("x", 31)
		p = br.sendForm("/settings/profile", profile(long, nil))
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Display name is too long") ||
			!strings.Contains(p.Body, `value="`+long+`"`) || !strings.Contains(p.Body, `role="alert"`) {
			t.Fatalf("too long a name: %d %s", p.Status, p.Body)
		}
		p = br.sendForm("/settings/profile", profile("Alice Again", []byte("not a picture")))
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Avatar content type is invalid") {
			t.Fatalf("not a picture: %d %s", p.Status, p.Body)
		}
		if c := verifyCredentials(t, inst, alice); c.DisplayName != "Alice Example" || c.Avatar != avatar {
			t.Errorf("a refused edit changed the profile: %+v", c)
		}

		// Without the token (or with another), nothing is stored.
		forged := profile("Mallory", mediatest.PNG(32, 32))
		forged[0].Value = "forged"
		if p := br.sendForm("/settings/profile", forged); p.Status != http.StatusForbidden {
			t.Errorf("forged form: %d", p.Status)
		}
		if p := br.do(http.MethodPost, "/settings/profile/avatar/delete", url.Values{}); p.Status != http.StatusForbidden {
			t.Errorf("forged removal: %d", p.Status)
		}
		if c := verifyCredentials(t, inst, alice); c.DisplayName != "Alice Example" || c.Avatar != avatar {
			t.Errorf("a forged form changed the profile: %+v", c)
		}

		p = br.do(http.MethodPost, "/settings/profile/avatar/delete", url.Values{"authenticity_token": {token}})
		if p.Path != "/settings/profile?saved=avatar-removed" || !strings.Contains(p.Body, "Your avatar was removed.") {
			t.Fatalf("remove avatar: %d at %s", p.Status, p.Path)
		}
		if c := verifyCredentials(t, inst, alice); !strings.Contains(c.Avatar, "missing") || c.DisplayName != "Alice Example" {
			t.Errorf("after removing the avatar: %+v", c)
		}
	})
}
