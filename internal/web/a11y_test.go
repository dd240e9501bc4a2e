package web_test

import (
	"math"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/testrig"
)

// cssColours reads the custom properties of base.css's light scheme
// (:root) and dark scheme (:root inside prefers-color-scheme:dark): the
// dark one starts from the light one, as the browser sees it.
func cssColours(t *testing.T) (light, dark map[string]string) {
	t.Helper()
	css, err := os.ReadFile("static/css/base.css")
	if err != nil {
		t.Fatal(err)
	}
	src := string(css)
	vars := func(block string) map[string]string {
		m := map[string]string{}
		for _, v := range regexp.MustCompile(`(--[a-z-]+)\s*:\s*([^;}]+)`).FindAllStringSubmatch(block, -1) {
			m[v[1]] = strings.TrimSpace(v[2])
		}
		return m
	}
	root := regexp.MustCompile(`(?m)^:root\{([^}]*)\}`).FindStringSubmatch(src)
	darkRoot := regexp.MustCompile(`@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{([^}]*)\}`).FindStringSubmatch(src)
	if root == nil || darkRoot == nil {
		t.Fatalf("base.css lacks a :root block or a dark :root block")
	}
	light = vars(root[1])
	dark = map[string]string{}
	for k, v := range light {
		dark[k] = v
	}
	for k, v := range vars(darkRoot[1]) {
		dark[k] = v
	}
	return light, dark
}

// luminance is WCAG 2's relative luminance of a colour written #rgb or
// #rrggbb.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 6 || err != nil {
		t.Fatalf("colour %q is not #rgb or #rrggbb", hex)
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(n>>16&255) + 0.7152*channel(n>>8&255) + 0.0722*channel(n&255)
}

// contrast is the WCAG contrast ratio of two colours, from 1 to 21.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestColourContrast: in both schemes, text, muted text and links are
// readable on the page and on panels, and text on an accent-coloured
// button is readable: WCAG AA's 4.5:1 for normal-size text.
func TestColourContrast(t *testing.T) {
	light, dark := cssColours(t)
	pairs := [][2]string{
		{"--text", "--bg"}, {"--text", "--panel"},
		{"--muted", "--bg"}, {"--muted", "--panel"},
		{"--accent", "--panel"}, {"--accent", "--bg"},
		{"--accent-text", "--accent"},
		{"--error", "--panel"}, {"--notice", "--panel"},
		{"--fav", "--panel"}, {"--on", "--panel"}, // an active favourite or boost
	}
	for scheme, vars := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, p := range pairs {
			fg, bg := vars[p[0]], vars[p[1]]
			if fg == "" || bg == "" {
				t.Errorf("%s: %s or %s is not set", scheme, p[0], p[1])
				continue
			}
			if c := contrast(t, fg, bg); c < 4.5 {
				t.Errorf("%s: %s (%s) on %s (%s) has a contrast of %.2f:1, want at least 4.5:1", scheme, p[0], fg, p[1], bg, c)
			}
		}
	}
	// The focus ring must stand out from what it surrounds: WCAG's 3:1
	// for parts of the interface.
	for scheme, vars := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, bg := range []string{"--bg", "--panel"} {
			if c := contrast(t, vars["--focus"], vars[bg]); c < 3 {
				t.Errorf("%s: the focus ring (%s) on %s (%s) has a contrast of %.2f:1, want at least 3:1", scheme, vars["--focus"], bg, vars[bg], c)
			}
		}
	}
}

// TestHeaderSignUp: the header offers "Sign up" to visitors only while
// the instance takes new accounts (openly or by approval), on the web
// interface's pages and on the sign-in pages alike.
func TestHeaderSignUp(t *testing.T) {
	for _, mode := range []string{"open", "approval", "closed"} {
		t.Run(mode, func(t *testing.T) {
			inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.Registrations = mode })
			br := newBrowser(t, inst)
			for _, path := range []string{"/about", "/public/local", "/auth/sign_in"} {
				p := br.do(http.MethodGet, path, nil)
				if p.Status != http.StatusOK {
					t.Fatalf("GET %s: %d", path, p.Status)
				}
				header, _, _ := strings.Cut(p.Body, "</header>")
				if got := strings.Contains(header, `href="/auth/sign_up"`); got != (mode != "closed") {
					t.Errorf("%s: the header offers sign-up: %v", path, got)
				}
			}
		})
	}
}
