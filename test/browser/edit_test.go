package browser

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"herd/internal/testrig"
)

// menu opens the ⋯ menu of status id and follows its item leading to
// href.
func (b *Tab) menu(id, href string) {
	b.t.Helper()
	b.Check(statusSel(id) + ` details.menu > summary`)
	b.Submit(statusSel(id) + ` details.menu a[href="` + href + `"]`)
}

// TestEditDeleteRedraft: from a post's ⋯ menu its author edits it (the
// composer holds its text), deletes and redrafts it (a confirmation, then
// the composer holds the deleted post for a new one), and deletes one
// (after a confirmation). With JavaScript on and off; SQLite only, as
// the web package's tests cover the use cases on both databases.
func TestEditDeleteRedraft(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) {
			inst := testrig.Start(t, testrig.SQLite)
			dana := inst.NewUser(t, "dana")
			first := post(t, inst, dana, map[string]any{"status": "Frist post", "visibility": "unlisted"})
			inHome(t, inst, dana, first)
			b := signedInTab(t, inst, dana, js)

			// Edit.
			b.menu(first, "/statuses/"+first+"/edit")
			text := composeForm + ` textarea[name=status]`
			if got := run(b, "read the text", chromedp.Value(chromedp.CSS(text))); got != "Frist post" {
				t.Fatalf("the edit form holds %q", got)
			}
			b.Type(text, "First post")
			b.Act(composeButton, withText("First post"))
			var edited struct {
				Content    string
				Visibility string
				EditedAt   *string `json:"edited_at"`
			}
			inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+first, dana.Token, nil).JSON(t, &edited)
			if !strings.Contains(edited.Content, "First post") || edited.EditedAt == nil || edited.Visibility != "unlisted" {
				t.Fatalf("after the edit: %+v", edited)
			}

			// Delete and redraft: the composer gets the post back, and
			// publishing makes a new one.
			b.Visit("/home")
			b.menu(first, "/statuses/"+first+"/delete?redraft=1")
			b.Submit(`.confirm-forms form[action="/statuses/` + first + `/redraft"] button`)
			if got := run(b, "read the text", chromedp.Value(chromedp.CSS(text))); got != "First post" {
				t.Fatalf("the redraft composer holds %q", got)
			}
			if got := run(b, "read the visibility", chromedp.Value(chromedp.CSS(composeForm+` select[name=visibility]`))); got != "unlisted" {
				t.Errorf("the redraft composer's visibility is %q, want unlisted", got)
			}
			inst.Expect(t, http.StatusNotFound, http.MethodGet, "/api/v1/statuses/"+first, dana.Token, nil)
			b.Act(composeButton, withText("First post"))
			redrafted := latest(t, inst, dana.Token, dana)
			if redrafted.ID == first || !strings.Contains(redrafted.Content, "First post") {
				t.Fatalf("the redraft is %+v", redrafted)
			}

			// Delete.
			b.Visit("/home")
			b.menu(redrafted.ID, "/statuses/"+redrafted.ID+"/delete")
			b.Submit(`.confirm-forms form[action="/statuses/` + redrafted.ID + `/delete"] button`)
			inst.Expect(t, http.StatusNotFound, http.MethodGet, "/api/v1/statuses/"+redrafted.ID, dana.Token, nil)
			b.Visit("/home")
			if b.Count(statusSel(redrafted.ID)) != 0 {
				t.Fatalf("the deleted post is still in home")
			}
		})
	}
}
