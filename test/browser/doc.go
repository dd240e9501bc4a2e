// Package browser holds Herd's end-to-end tests: they start real
// instances (internal/testrig) and drive Debian's headless Chromium
// against them through the DevTools protocol, signing up, posting,
// following and the rest as a person would, with JavaScript on and off,
// and save screenshots of the pages at phone and desktop widths in light
// and dark schemes.
//
// The tests skip, saying why, when Chromium is not installed; with
// HERD_BROWSER_TESTS=1 (as in CI) they fail instead. HERD_CHROMIUM names
// the browser binary (default: chromium on the PATH); HERD_SCREENSHOTS the
// directory for the screenshots (default: herd-screenshots in the
// system's temporary directory).
package browser
