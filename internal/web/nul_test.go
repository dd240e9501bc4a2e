package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/media/mediatest"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestNULInForms: the web forms (the composer, url-encoded or multipart,
// the profile settings and the report form) store their text without
// NUL characters, on both databases. PostgreSQL refused such text
// (SQLSTATE 22021) and these forms answered 500 there, while SQLite
// stored it.
func TestNULInForms(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		br := newBrowser(t, inst)
		br.signIn(alice)
		tok := br.do(http.MethodGet, "/home", nil).token()

		p := br.do(http.MethodPost, "/statuses", url.Values{"authenticity_token": {tok}, "return_to": {"/home"},
			"status": {"a\x00b"}, "visibility": {"public"}})
		if s, _ := getStatus(t, inst, alice, latest(t, inst, alice)); p.Status != http.StatusOK || s.Content != "<p>ab</p>" {
			t.Errorf("url-encoded composer: %d, posted %q", p.Status, s.Content)
		}

		parts := append([]part{field("authenticity_token", tok), field("return_to", "/home"),
			field("spoiler_text", "c\x00w"), field("status", "c\x00d"), field("visibility", "public")},
			slot("dot.png", mediatest.PNG(8, 8), "a\x00 dot")...)
		p = br.postMultipart("/statuses", parts...)
		s, _ := getStatus(t, inst, alice, latest(t, inst, alice))
		if p.Status != http.StatusOK || s.Content != "<p>cd</p>" || s.SpoilerText != "cw" || len(s.MediaAttachments) != 1 ||
			s.MediaAttachments[0].Description != "a dot" {
			t.Errorf("multipart composer: %d, posted %q %q %q", p.Status, s.SpoilerText, s.Content, s.MediaAttachments)
		}

		p = br.sendForm("/settings/profile", []formPart{{Name: "authenticity_token", Value: tok},
			{Name: "display_name", Value: "A\x00lice"}, {Name: "note", Value: "n\x00b"},
			{Name: "field_name", Value: "Pro\x00nouns"}, {Name: "field_value", Value: "she/\x00her"}})
		if c := verifyCredentials(t, inst, alice); p.Status != http.StatusOK || c.DisplayName != "Alice" || c.Source.Note != "nb" ||
			len(c.Fields) != 1 || c.Fields[0].Name != "Pronouns" || c.Fields[0].Value != "she/her" {
			t.Errorf("profile settings: %d, saved %q %q %q", p.Status, c.DisplayName, c.Source.Note, c.Fields)
		}

		bobID := ids.Format(bob.Account.ID)
		f := br.do(http.MethodGet, "/accounts/"+bobID+"/report", nil).form()
		f.Set("category", "other")
		f.Set("comment", "sp\x00am")
		p = br.do(http.MethodPost, "/accounts/"+bobID+"/report", f)
		list, err := inst.Core.Moderation.Reports(context.Background(), false, model.Page{Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("report form: %d, %d reports, %v", p.Status, len(list), err)
		}
		if p.Status != http.StatusOK || list[0].Comment != "spam" {
			t.Errorf("report form: %d, stored %q", p.Status, list[0].Comment)
		}
	})
}

// TestNULInFormsToSignIn: the sign-up and sign-in forms read their fields
// without NUL characters, and a session keeps a User-Agent of invalid
// UTF-8 cleaned, on both databases (moved here with the forms from OAuth).
// PostgreSQL refused such a string in a query (SQLSTATE 22021) and these
// requests answered 500 there, while SQLite looked up or stored it.
func TestNULInFormsToSignIn(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "alice")

		b := newBrowser(t, inst)
		f := signUpForm(t, b, "carol")
		f.Set("username", "car\x00ol")
		if p := b.post("/auth/sign_up", f); p.Status != http.StatusOK || !strings.Contains(p.Body, "signed in as <strong>@carol") {
			t.Errorf("sign-up = %d %s", p.Status, p.Body)
		}

		b = newBrowser(t, inst)
		f = b.get("/auth/sign_in").form()
		f.Set("email", "alice\x00@example.com")
		f.Set("password", testrig.Password())
		if p := b.post("/auth/sign_in", f); p.Status != http.StatusOK || !strings.Contains(p.Body, "signed in as <strong>@alice") {
			t.Errorf("sign-in = %d %s", p.Status, p.Body)
		}
		// A header may carry bytes over 0x7F: the session keeps the browser's name.
		f = b.get("/auth/sign_in").form()
		f.Set("email", "alice@example.com")
		f.Set("password", testrig.Password())
		req, _ := http.NewRequest("POST", inst.URL+"/auth/sign_in", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", "Agent \xff")
		if p := b.send(req); p.Status != http.StatusOK {
			t.Errorf("sign-in with a User-Agent of invalid UTF-8 = %d %s", p.Status, p.Body)
		}
	})
}
