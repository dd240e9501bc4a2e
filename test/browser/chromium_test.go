package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The environment the tests read.
const (
	requiredEnv    = "HERD_BROWSER_TESTS" // "1": Chromium must start (CI)
	chromiumEnv    = "HERD_CHROMIUM"      // the browser binary
	screenshotsEnv = "HERD_SCREENSHOTS"   // where screenshots go
)

// chromium is the browser process the package's tests share: it starts
// once (a second or two), and every tab gets a browser context of its own
// (cookies, storage and cache apart, like a private window), so tests
// cannot see each other's sessions.
var chromium struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.stop != nil {
		chromium.stop()
	}
	os.Exit(code)
}

// needChromium returns the shared browser, starting it the first time. A
// test is skipped, saying why, when Chromium is missing or cannot start,
// unless HERD_BROWSER_TESTS=1 asks for a failure instead.
func needChromium(t testing.TB) context.Context {
	t.Helper()
	chromium.once.Do(func() { chromium.ctx, chromium.stop, chromium.err = startChromium() })
	if chromium.err != nil {
		if os.Getenv(requiredEnv) == "1" {
			t.Fatalf("%s=1 but the browser cannot start: %v", requiredEnv, chromium.err)
		}
		t.Skipf("browser test skipped: %v (install Debian's chromium package; %s=1 turns this skip into a failure)",
			chromium.err, requiredEnv)
	}
	return chromium.ctx
}

// chromiumPath finds the browser: HERD_CHROMIUM, or chromium on the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv(chromiumEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", chromiumEnv, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium is not on the PATH")
}

// startChromium starts headless Chromium with a fresh profile. The
// machines the tests run on may have no network beyond loopback, so
// everything Chromium would fetch on its own (updates, sync, QUIC probes,
// component downloads) is turned off: without that it stalls there.
func startChromium() (context.Context, func(), error) {
	path, err := chromiumPath()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "herd-chromium-")
	if err != nil {
		return nil, nil, err
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.WindowSize(int(desktop.width), int(desktop.height)),
	)
	bctx, bcancel := chromedp.NewContext(actx)
	stop := func() {
		bcancel()
		acancel()
		os.RemoveAll(dir)
	}
	// The first run starts the browser and binds it to bctx, so it cannot
	// carry a timeout itself: wait for it here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err = <-started:
	case <-time.After(time.Minute):
		err = errors.New("no answer after a minute")
	}
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("start %s: %w", path, err)
	}
	return bctx, stop, nil
}
