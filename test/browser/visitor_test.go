package browser

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"herd/internal/testrig"
)

// Visible reports whether the first element sel is rendered and not
// hidden (Element.checkVisibility: not display:none, not inside a closed
// <details>, not visibility:hidden). Evaluated through DevTools, so it
// works with the page's scripts off.
func (b *Tab) Visible(sel string) bool {
	b.t.Helper()
	q, _ := json.Marshal(sel)
	return run(b, "see whether "+sel+" shows", chromedp.Evaluate[bool](
		`(function(e){return !!e && e.checkVisibility({visibilityProperty: true})})(document.querySelector(`+string(q)+`))`))
}

// TestVisitorPages: a visitor without JavaScript reads a profile: public
// posts show, followers-only and direct ones never do; a hashtag leads to
// its page; a content warning and sensitive media stay folded until
// clicked (plain <details>); the keyboard's first stop is a visible "skip
// to content" link.
func TestVisitorPages(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		hello := post(t, inst, alice, map[string]any{"status": "Hello from alice #herd"})
		cw := post(t, inst, alice, map[string]any{"status": "The ending", "spoiler_text": "Film spoilers"})
		nsfw := post(t, inst, alice, map[string]any{"status": "Look at this", "sensitive": true,
			"media_ids": []string{upload(t, inst, alice, "A startling picture")}})
		post(t, inst, alice, map[string]any{"status": "for followers only", "visibility": "private"})
		post(t, inst, alice, map[string]any{"status": "@alice a note to self", "visibility": "direct"})

		b := newTabNoJS(t, inst)
		b.Visit("/@alice")
		b.WantText("main", "Hello from alice", "Film spoilers", "Look at this")
		page := b.Text("body")
		for _, hidden := range []string{"for followers only", "a note to self"} {
			if strings.Contains(page, hidden) {
				t.Errorf("a visitor sees %q", hidden)
			}
		}

		// The first Tab on a freshly loaded page lands on the skip link,
		// which then shows on screen.
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
		focused := run(b, "read the focus", chromedp.Evaluate[map[string]any](
			`(function(e){var r=e.getBoundingClientRect();return {text:e.textContent.trim(),href:e.getAttribute("href")||"",left:r.left,top:r.top}})(document.activeElement)`))
		if focused["href"] != "#main" || focused["left"].(float64) < 0 {
			t.Fatalf("the first Tab stop is %v, want the visible skip link to #main", focused)
		}

		// A hashtag in a post leads to the tag's page, which lists the post.
		b.Submit(statusSel(hello) + ` a.hashtag`)
		b.WantPath("/tags/herd")
		b.WantText(statusSel(hello), "Hello from alice")
		b.Visit("/@alice")

		body := statusSel(cw) + ` .e-content`
		if b.Visible(body) {
			t.Fatalf("the text behind a content warning shows before it is opened")
		}
		b.Check(statusSel(cw) + ` details.cw > summary`)
		if !b.Visible(body) {
			t.Fatalf("opening the content warning does not show the text")
		}

		pic := statusSel(nsfw) + ` img[alt="A startling picture"]`
		if b.Count(pic) != 1 {
			t.Fatalf("the sensitive post's image is missing")
		}
		if b.Visible(pic) {
			t.Fatalf("a sensitive image shows before it is opened")
		}
		b.Check(statusSel(nsfw) + ` details.sensitive > summary`)
		if !b.Visible(pic) {
			t.Fatalf("opening sensitive media does not show the image")
		}

	})
}
