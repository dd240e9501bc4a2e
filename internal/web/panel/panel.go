// Package panel renders the pages a browser passes through on its way in:
// signing in and up, resetting a password (the web interface's) and an
// app's consent page (OAuth's). Each is a panel under the site's header,
// with the site's stylesheet and script, never cached nor framed. The
// doors give the panels' content; layout.html and the error page are here,
// so that both doors' pages look the same.
package panel

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"herd/internal/model"
	"herd/internal/web/static"
)

//go:embed layout.html error.html
var layoutFS embed.FS

// Page is what every panel's template sees; Data holds the page's own
// fields.
type Page struct {
	Title      string
	Instance   string // the instance's name, as the web interface's header shows it
	Stylesheet string // the site's, under its hashed name
	Script     string
	Me         *model.Account // the signed-in account, nil for visitors
	SignUp     bool           // registrations are open (or by approval): the header offers "Sign up"
	CSRF       string
	Error      string
	Data       any
}

// Pages are one door's panels, by name.
type Pages struct {
	log    *slog.Logger
	pages  map[string]*template.Template
	assets *static.Assets
}

// Parse reads the panels names from fsys, each dir/NAME.html defining
// "content", set in the shared layout; "error" (a title and a message) is
// always there.
func Parse(log *slog.Logger, fsys fs.FS, dir string, names ...string) *Pages {
	p := &Pages{log: log, pages: map[string]*template.Template{}, assets: static.Files()}
	p.pages["error"] = template.Must(template.ParseFS(layoutFS, "layout.html", "error.html"))
	for _, name := range names {
		t := template.Must(template.ParseFS(layoutFS, "layout.html"))
		p.pages[name] = template.Must(t.ParseFS(fsys, dir+"/"+name+".html"))
	}
	return p
}

// contentSecurityPolicy is the web interface's, less form-action: only
// this site's own scripts and styles (no inline code), images from here,
// no framing. No form-action: browsers apply it to the redirect that
// follows the consent POST, which may go to an app's custom scheme, and
// form_post answers post to the app's own site.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:" +
	"; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// Render writes the panel name with status. Panels are never cached and
// never framed (the consent page must not be clickjacked).
func (p *Pages) Render(w http.ResponseWriter, status int, name string, page Page) {
	page.Stylesheet, page.Script = p.assets.Path("herd.css"), p.assets.Path("herd.js")
	var buf bytes.Buffer
	if err := p.pages[name].ExecuteTemplate(&buf, "layout", page); err != nil {
		p.log.Error("render page", "page", name, "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
