package browser

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// viewport is a screen the pages are looked at on.
type viewport struct {
	name          string
	width, height int64
	phone         bool
}

var (
	desktop = viewport{name: "desktop", width: 1280, height: 800}
	phone   = viewport{name: "phone", width: 390, height: 844, phone: true} // an iPhone 12–14
)

// emulate sets the tab's screen to v: a phone gets mobile emulation (the
// page's viewport meta applies, touch is on) at a device pixel ratio of
// 1, so screenshots stay small.
func (v viewport) emulate() chromedp.Action[chromedp.Void] {
	if v.phone {
		return chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(v.width, v.height)
}

// colorScheme emulates the visitor's prefers-color-scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
}

// screenshotDir is where screenshots go: HERD_SCREENSHOTS, or
// herd-screenshots in the temporary directory. It is logged once.
var screenshotDir = sync.OnceValues(func() (string, error) {
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "herd-screenshots")
	}
	return dir, os.MkdirAll(dir, 0o755)
})

// Screenshots loads path on a phone and a desktop, in light and dark, and
// saves a full-page PNG of each as TEST-NAME-SCREEN-SCHEME.png; the tab
// is left on path at desktop size in the light scheme. It fails the test
// when a page scrolls sideways (its content wider than the screen) or
// looks the same in both schemes.
func (b *Tab) Screenshots(name, path string) {
	b.t.Helper()
	dir, err := screenshotDir()
	if err != nil {
		b.t.Fatalf("screenshots: %v", err)
	}
	prefix := strings.NewReplacer("/", "-", " ", "_").Replace(b.t.Name()) + "-" + name
	for _, v := range []viewport{phone, desktop} {
		background := map[string]string{}
		for _, scheme := range []string{"dark", "light"} {
			b.do("emulate "+v.name+" "+scheme, v.emulate(), colorScheme(scheme))
			b.Visit(path)
			if w := run(b, "measure the page", chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); w > v.width {
				b.t.Errorf("%s on a %s: the page is %d px wide, wider than the screen's %d (it scrolls sideways)", path, v.name, w, v.width)
			}
			background[scheme] = run(b, "read the background", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
			png := run(b, "screenshot", chromedp.FullScreenshot(100))
			file := filepath.Join(dir, prefix+"-"+v.name+"-"+scheme+".png")
			if err := os.WriteFile(file, png, 0o644); err != nil {
				b.t.Fatalf("screenshots: %v", err)
			}
		}
		if background["dark"] == background["light"] {
			b.t.Errorf("%s on a %s: the same background (%s) in the dark and light schemes", path, v.name, background["dark"])
		}
	}
	b.t.Logf("screenshots of %s (%s) in %s/%s-*.png", name, path, dir, prefix)
}
