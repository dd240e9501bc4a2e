package browser

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"herd/internal/testrig"
)

// actionTimeout bounds one step (a navigation, a click, a read), so a
// page that never loads fails its test instead of hanging the suite.
const actionTimeout = 30 * time.Second

// waitTimeout bounds the wait for what an action should show (Act): a
// form's answer or herd.js's change comes within a second or two, so
// longer means it is not coming.
const waitTimeout = 10 * time.Second

// Tab is one browser tab pointed at an instance, in a browser context of
// its own: a person at their own computer.
type Tab struct {
	t    testing.TB
	ctx  context.Context
	base string // the instance's URL, http://127.0.0.1:PORT
	noJS bool
}

// newTab opens a tab on inst at desktop size. The instance's domain is
// its listener's address (testrig.Start), so the browser reaches it as
// the instance names itself and its cookies and CSRF origin check hold.
func newTab(t testing.TB, inst *testrig.Instance) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(needChromium(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	b := &Tab{t: t, ctx: ctx, base: inst.URL}
	b.do("set the viewport", desktop.emulate())
	return b
}

// newTabNoJS is newTab with JavaScript turned off for the tab's pages, as
// for a visitor who disabled it: forms, links and <details> must do
// everything.
func newTabNoJS(t testing.TB, inst *testrig.Instance) *Tab {
	t.Helper()
	b := newTab(t, inst)
	b.do("disable JavaScript", call(emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true}))
	b.noJS = true
	// Make sure: a page's script must not run.
	b.do("load a page with a script", chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`))
	if title := run(b, "read the title", chromedp.Title()); title != "off" {
		t.Fatalf("JavaScript still runs with script execution disabled (title %q)", title)
	}
	return b
}

// call turns a DevTools command into an action.
func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

// do runs actions within actionTimeout, failing the test (with where the
// tab is) when one fails.
func (b *Tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.URL(), err)
	}
}

// run is do for an action with a value.
func run[T any](b *Tab, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.URL(), err)
	}
	return v
}

// navigate runs actions that load a page and returns the page's HTTP
// status (after redirects).
func (b *Tab) navigate(what string, actions ...chromedp.Action[chromedp.Void]) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.URL(), err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Open loads path on the instance and returns the HTTP status.
func (b *Tab) Open(path string) int {
	b.t.Helper()
	return b.navigate("open "+path, chromedp.Navigate(b.base+path))
}

// Visit loads path and fails unless it answers 200.
func (b *Tab) Visit(path string) {
	b.t.Helper()
	if st := b.Open(path); st != 200 {
		b.t.Fatalf("GET %s = %d (now at %s): %s", path, st, b.URL(), b.Text("body"))
	}
}

// Click clicks the element sel (a button or link) and waits for the page
// it leads to, returning its HTTP status.
func (b *Tab) Click(sel string) int {
	b.t.Helper()
	return b.navigate("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Submit clicks sel and fails unless the page it leads to answers 200.
func (b *Tab) Submit(sel string) {
	b.t.Helper()
	if st := b.Click(sel); st != 200 {
		b.t.Fatalf("click %s: status %d (now at %s): %s", sel, st, b.URL(), b.Text("body"))
	}
}

// Act clicks sel and waits until until (a CSS selector, or an XPath
// starting with "/") matches on the page, whether the click loaded a new
// page (forms without JavaScript) or changed this one in place (herd.js).
// until must not match before the click.
func (b *Tab) Act(sel, until string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	b.WaitFor(until)
}

// ActInPlace is Act for what herd.js does without loading a page (a
// favourite, a follow): it fails if the page was loaded again, which is
// how actions.js falls back when its request fails.
func (b *Tab) ActInPlace(sel, until string) {
	b.t.Helper()
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.herdTestMark = true`))
	b.Act(sel, until)
	if !run(b, "read the mark", chromedp.Evaluate[bool](`window.herdTestMark === true`)) {
		b.t.Fatalf("click %s: the page was loaded again instead of changing in place", sel)
	}
}

// Poll loads path again until sel matches (for what background jobs
// deliver, such as notifications), failing after testrig.WaitTimeout
// with what the page last said.
func (b *Tab) Poll(path, sel string) {
	b.t.Helper()
	var last string
	defer func() { // also when Eventually gives up (t.Fatal runs defers)
		if b.t.Failed() && last != "" {
			b.t.Logf("%s last said: %s", path, last)
		}
	}()
	testrig.Eventually(b.t, path+" shows "+sel, func() bool {
		b.Visit(path)
		if b.Count(sel) > 0 {
			return true
		}
		last = b.Text("main")
		return false
	})
}

// WaitFor waits until until (CSS, or XPath when it starts with "/")
// matches.
func (b *Tab) WaitFor(until string) {
	b.t.Helper()
	wait := chromedp.WaitReady(chromedp.CSS(until))
	if strings.HasPrefix(until, "/") {
		wait = chromedp.WaitReady(until)
	}
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, wait); err != nil {
		page := b.Text("body")
		if len(page) > 400 {
			page = page[:400] + "…"
		}
		b.t.Fatalf("waited for %s: %v; the page (%s) says: %s", until, err, b.URL(), page)
	}
}

// Check clicks sel, a checkbox, radio button or <summary> (nothing loads).
func (b *Tab) Check(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Type types text into the field sel, key by key, after emptying it.
func (b *Tab) Type(sel, text string) {
	b.t.Helper()
	q, _ := json.Marshal(sel)
	// The DevTools protocol evaluates this even when the page's own
	// scripts are off. (chromedp's SetValue refuses "", and its Clear
	// resets only a textarea's default text, not what was typed.)
	b.do("type into "+sel, chromedp.WaitReady(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+string(q)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), text))
}

// Choose selects the option with value in the <select> sel, as a person
// would with the keyboard or mouse.
func (b *Tab) Choose(sel, value string) {
	b.t.Helper()
	b.do("choose "+value+" in "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// Upload sets the file input sel to files on disk.
func (b *Tab) Upload(sel string, files ...string) {
	b.t.Helper()
	b.do("choose files for "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), files))
}

// Text returns the text of the first element sel, its runs of white
// space made single spaces.
func (b *Tab) Text(sel string) string {
	b.t.Helper()
	return strings.Join(strings.Fields(run(b, "read "+sel, chromedp.TextContent(chromedp.CSS(sel)))), " ")
}

// Attr returns attribute name of the first element sel.
func (b *Tab) Attr(sel, name string) string {
	b.t.Helper()
	return run(b, "read "+name+" of "+sel, chromedp.Attributes(chromedp.CSS(sel)))[name]
}

// Count returns how many elements match sel right now (no waiting: a
// count of 0 is an answer).
func (b *Tab) Count(sel string) int {
	b.t.Helper()
	ids := run(b, "count "+sel, chromedp.QueryNodeIDs(chromedp.CSS(sel), chromedp.AtLeast(0)))
	return len(ids)
}

// URL is the address of the page shown, read from the tab's history (it
// needs no script in the page).
func (b *Tab) URL() string {
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil || int(h.CurrentIndex) >= len(h.Entries) {
		return "(unknown)"
	}
	return h.Entries[h.CurrentIndex].URL
}

// Path is URL's path and query, as the instance saw them.
func (b *Tab) Path() string {
	u, err := url.Parse(b.URL())
	if err != nil {
		return b.URL()
	}
	return u.RequestURI()
}

// WantPath fails unless the tab shows path (prefix, when it ends in "*").
func (b *Tab) WantPath(path string) {
	b.t.Helper()
	got := b.Path()
	if p, ok := strings.CutSuffix(path, "*"); ok && strings.HasPrefix(got, p) || got == path {
		return
	}
	b.t.Fatalf("tab is at %s, want %s", got, path)
}

// WantText fails unless the element sel contains each of texts.
func (b *Tab) WantText(sel string, texts ...string) {
	b.t.Helper()
	got := b.Text(sel)
	for _, want := range texts {
		if !strings.Contains(got, want) {
			b.t.Fatalf("%s at %s lacks %q: %s", sel, b.Path(), want, got)
		}
	}
}
