package browser

import (
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"herd/internal/testrig"
)

// fastTimers makes the tab's pages see time pass quickly: every
// setInterval fires within 300 ms, so a timeline that polls every 20
// seconds polls at once (the page's own code still does the polling).
func (b *Tab) fastTimers() {
	b.t.Helper()
	b.do("speed up timers", call(page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `(function(){var si=window.setInterval;window.setInterval=function(f,ms){return si.call(window,f,Math.min(ms||0,300))}})()`,
	}))
}

// TestNewPostsWithoutReload: on the home timeline a new post from someone
// followed is announced without a reload, inserted only when asked for,
// and the page is never loaded again. JavaScript only.
func TestNewPostsWithoutReload(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		bob := inst.NewUser(t, "bob")
		dana := inst.NewUser(t, "dana")
		follow(t, inst, dana, bob)
		post(t, inst, bob, map[string]any{"status": "An older post"})

		b := newTab(t, inst)
		b.fastTimers()
		b.Visit("/home")
		b.signIn(dana.Email, testrig.Password())
		b.WantPath("/home")
		b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.herdTestMark = true`))

		id := post(t, inst, bob, map[string]any{"status": "Fresh from the oven"})
		button := `button.new-posts:not([hidden])`
		b.WaitFor(button)
		b.WantText(button, "Show 1 new post")
		if b.Count(statusSel(id)) != 0 {
			t.Fatalf("the new post was inserted before it was asked for")
		}
		b.Act(button, `.feed > `+statusSel(id)+`:first-child`)
		b.WantText(statusSel(id), "Fresh from the oven")
		if b.Count(`button.new-posts:not([hidden])`) != 0 {
			t.Errorf("the button stays after showing the new post")
		}
		if !run(b, "read the mark", chromedp.Evaluate[bool](`window.herdTestMark === true`)) {
			t.Fatalf("the page was loaded again")
		}
	})
}

// TestSavedAndSearch: what one bookmarks and favourites is listed on
// /bookmarks and /favourites; the search form finds a person by name and
// leads to their profile. With JavaScript on and off.
func TestSavedAndSearch(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) {
			testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
				inst := testrig.Start(t, db)
				bob := inst.NewUser(t, "bob")
				dana := inst.NewUser(t, "dana")
				follow(t, inst, dana, bob)
				saved := post(t, inst, bob, map[string]any{"status": "A recipe worth keeping"})
				liked := post(t, inst, bob, map[string]any{"status": "A joke worth a star"})
				inHome(t, inst, dana, saved)
				inHome(t, inst, dana, liked)

				b := signedInTab(t, inst, dana, js)
				act := actor(b, js)
				bookmark := statusSel(saved) + ` button[aria-label=Bookmark]`
				act(bookmark, bookmark+`[aria-pressed=true]`)
				fav := statusSel(liked) + ` button[aria-label=Favourite]`
				act(fav, fav+`[aria-pressed=true]`)

				b.Click(`nav a[href="/bookmarks"]`)
				b.WantText(statusSel(saved), "A recipe worth keeping")
				if b.Count(statusSel(liked)) != 0 {
					t.Errorf("/bookmarks lists a post that was only favourited")
				}
				b.Click(`nav a[href="/favourites"]`)
				b.WantText(statusSel(liked), "A joke worth a star")
				if b.Count(statusSel(saved)) != 0 {
					t.Errorf("/favourites lists a post that was only bookmarked")
				}

				b.Click(`nav a[href="/search"]`)
				b.Type(`form[action="/search"] input[name=q]`, "bob")
				b.Submit(`form[action="/search"] button[type=submit]`)
				b.WantPath("/search?q=bob*")
				b.Submit(`.results a[href="/@bob"]`)
				b.WantPath("/@bob")
				b.WantText("main", "A recipe worth keeping")
			})
		})
	}
}

// noTimers stops the tab's pages from polling at all: setInterval never
// fires, so whatever they learn comes through their streams.
func (b *Tab) noTimers() {
	b.t.Helper()
	b.do("stop timers", call(page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.setInterval=function(){return 0}`,
	}))
}

// TestPagesGoLive: with polling stopped, the home timeline, a hashtag
// page and the notifications page still learn of new posts and
// notifications, through their streams, and offer them behind a button.
func TestPagesGoLive(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		bob := inst.NewUser(t, "bob")
		dana := inst.NewUser(t, "dana")
		follow(t, inst, dana, bob)

		b := newTab(t, inst)
		b.noTimers()
		b.Visit("/home")
		b.signIn(dana.Email, testrig.Password())
		b.WantPath("/home")
		testrig.Eventually(t, "the home page's stream open", func() bool { return inst.Core.Streams.Connections() == 1 })
		id := post(t, inst, bob, map[string]any{"status": "Fresh from the stream"})
		button := `button.new-posts:not([hidden])`
		b.WaitFor(button)
		b.WantText(button, "Show 1 new post")
		b.Act(button, `.feed > `+statusSel(id)+`:first-child`)

		b.Visit("/tags/cats")
		testrig.Eventually(t, "the hashtag page's stream open", func() bool { return inst.Core.Streams.Connections() == 1 })
		post(t, inst, bob, map[string]any{"status": "#cats again"})
		b.WaitFor(button)
		b.WantText(button, "Show 1 new post")

		b.Visit("/notifications")
		testrig.Eventually(t, "the notifications page's stream open", func() bool { return inst.Core.Streams.Connections() == 1 })
		post(t, inst, bob, map[string]any{"status": "hey @dana"})
		b.WaitFor(button)
		b.WantText(button, "Show 1 new notification")
	})
}
