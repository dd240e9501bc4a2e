package browser

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// The composer and a status's parts, as the web client draws them.
const (
	composeForm   = `form.compose`
	composeButton = `form.compose button[type=submit]`
)

// compose fills in the composer of the page shown and publishes, then
// waits for the new status to show.
func (b *Tab) compose(cw, text string) {
	b.t.Helper()
	if cw != "" {
		b.Type(composeForm+` input[name=spoiler_text]`, cw)
	}
	b.Type(composeForm+` textarea[name=status]`, text)
	b.Act(composeButton, withText(text))
}

// apiStatus is what the tests read back through the API.
type apiStatus struct {
	ID          string `json:"id"`
	Content     string `json:"content"`
	SpoilerText string `json:"spoiler_text"`
	InReplyToID string `json:"in_reply_to_id"`
	Favourited  bool   `json:"favourited"`
	Account     struct {
		Username string `json:"username"`
	} `json:"account"`
	Media []struct {
		Type        string `json:"type"`
		Description string `json:"description"`
	} `json:"media_attachments"`
}

// latest returns username's newest status through the API.
func latest(t *testing.T, inst *testrig.Instance, token string, acct *testrig.User) apiStatus {
	t.Helper()
	var got []apiStatus
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+ids.Format(acct.Account.ID)+"/statuses?limit=1",
		token, nil).JSON(t, &got)
	if len(got) == 0 {
		t.Fatalf("%s has no statuses", acct.Account.Username)
	}
	return got[0]
}

// TestCoreFlow is issue 5's proof, as one person's session in the web
// client: sign up, sign out and in again, post behind a content warning,
// follow someone, see their post in home, favourite it, reply to it, post
// an image with alt text, edit the profile, sign out. Each step is checked
// on the page and through the API. With JavaScript on (herd.js may do
// things in place) and off (every step is a form and a page load).
func TestCoreFlow(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) {
			testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) { coreFlow(t, db, js) })
		})
	}
}

func coreFlow(t *testing.T, db testrig.DB, js bool) {
	inst := testrig.Start(t, db)
	bob := inst.NewUser(t, "bob")
	b := openTab(t, inst, js)

	// Sign up; sign out; sign in from a page that needs it.
	b.signUp("dana", "dana@example.com", "a long passphrase")
	acct, err := inst.Core.LookupAccount(context.Background(), "dana")
	if err != nil {
		t.Fatalf("sign-up made no account: %v", err)
	}
	dana := &testrig.User{Account: acct, Email: "dana@example.com", Token: inst.Token(t, acct.ID, "read", "write")}
	b.signOut()
	b.wantSignedOut()
	b.Visit("/home")
	b.signIn("dana@example.com", "a long passphrase")
	b.WantPath("/home")

	// A post behind a content warning: on the page its text stays folded
	// away until the warning is opened.
	if js {
		// The live counter counts a URL as 23 characters, whatever its length.
		b.Type(composeForm+` textarea[name=status]`, "Read https://example.com/a/rather/long/path/indeed/longer/than/23 now")
		if got := b.Text(composeForm + ` .counter`); got != "468" {
			t.Errorf("the counter says %s, want 468 (500 - 4 - 1 - 23 - 1 - 3)", got)
		}
	}
	b.compose("Film spoilers", "The butler did it")
	own := latest(t, inst, dana.Token, dana)
	if own.SpoilerText != "Film spoilers" || !strings.Contains(own.Content, "The butler did it") {
		t.Fatalf("posted %+v", own)
	}
	b.Visit("/home")
	cw := statusSel(own.ID) + ` details.cw`
	b.WantText(cw+` summary`, "Film spoilers")
	if b.Count(cw+`[open]`) != 0 {
		t.Fatalf("the content warning's text shows before it is opened")
	}
	b.Check(cw + ` summary`)
	b.WaitFor(cw + `[open]`)

	// Follow bob from his profile; his new post shows in home.
	act := actor(b, js)
	b.Visit("/@bob")
	act(`form[action$="/follow"] button[type=submit]`, `form[action$="/unfollow"]`)
	var rel []struct{ Following bool }
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/relationships?id[]="+ids.Format(bob.Account.ID),
		dana.Token, nil).JSON(t, &rel)
	if len(rel) != 1 || !rel[0].Following {
		t.Fatalf("dana does not follow bob: %+v", rel)
	}
	loaf := post(t, inst, bob, map[string]any{"status": "Sourdough out of the oven"})
	inHome(t, inst, dana, loaf)
	b.Visit("/home")
	b.WantText(statusSel(loaf), "Sourdough out of the oven")

	// Favourite it.
	fav := statusSel(loaf) + ` button[aria-label=Favourite]`
	act(fav, fav+`[aria-pressed=true]`)
	var got apiStatus
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+loaf, dana.Token, nil).JSON(t, &got)
	if !got.Favourited {
		t.Fatalf("the favourite did not reach the server")
	}

	// Reply to it from its page.
	b.Click(statusSel(loaf) + ` a[aria-label=Reply]`)
	b.WantPath("/@bob/" + loaf + "*")
	if b.Attr(composeForm+` input[name=in_reply_to_id]`, "value") != loaf {
		t.Fatalf("the reply form does not answer %s", loaf)
	}
	b.compose("", "Looks wonderful")
	reply := latest(t, inst, dana.Token, dana)
	if reply.InReplyToID != loaf || !strings.Contains(reply.Content, "Looks wonderful") {
		t.Fatalf("the reply is %+v", reply)
	}

	// An image with alt text.
	img := filepath.Join(t.TempDir(), "bread.png")
	if err := os.WriteFile(img, photo(t), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Visit("/home")
	b.Upload(composeForm+` input[name=media]`, img)
	if js {
		b.WaitFor(composeForm + ` .media-preview img`)
	}
	b.Type(composeForm+` input[name=media_description]`, "A round loaf on a wooden board")
	b.compose("", "Today's bake")
	pic := latest(t, inst, dana.Token, dana)
	if len(pic.Media) != 1 || pic.Media[0].Type != "image" || pic.Media[0].Description != "A round loaf on a wooden board" {
		t.Fatalf("the post with an image is %+v", pic)
	}
	b.WaitFor(statusSel(pic.ID) + ` img[alt="A round loaf on a wooden board"]`)

	// Edit the profile: name, bio, a field, an avatar.
	b.Visit("/settings/profile")
	b.Type(`input[name=display_name]`, "Dana Baker")
	b.Type(`textarea[name=note]`, "Bread, mostly.")
	b.Type(`#field_name_1`, "Bakes at")
	b.Type(`#field_value_1`, "the corner oven")
	b.Upload(`input[name=avatar]`, img)
	b.Act(`form[action="/settings/profile"] > button[type=submit]`, `[role=status]`)
	var me struct {
		DisplayName string `json:"display_name"`
		Note        string `json:"note"`
		Avatar      string `json:"avatar"`
		Fields      []struct{ Name, Value string }
	}
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/verify_credentials", dana.Token, nil).JSON(t, &me)
	if me.DisplayName != "Dana Baker" || !strings.Contains(me.Note, "Bread, mostly.") || strings.Contains(me.Avatar, "missing") ||
		len(me.Fields) != 1 || me.Fields[0].Name != "Bakes at" || me.Fields[0].Value != "the corner oven" {
		t.Fatalf("profile after editing: %+v", me)
	}
	b.Visit("/@dana")
	b.WantText(`.profile`, "Dana Baker", "Bread, mostly.", "Bakes at", "the corner oven")

	// Sign out from the menu.
	b.Visit("/home")
	b.Click(signOutButton)
	b.wantSignedOut()
}
