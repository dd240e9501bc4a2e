// Package web serves Herd's web interface from the same binary: the
// public pages (landing, profiles, statuses, tags) anyone may read, and
// the web client a signed-in user works in (timelines, composer, actions,
// settings). Pages are rendered on the server with html/template and work
// without JavaScript; the small script in static/ only enhances them.
//
// Files by area: routes.go (every route, who may use it, its handler),
// web.go (handler, rendering, headers), failures.go (how a failure is
// answered, and a visitor sent to sign in), views.go (statuses and
// accounts as templates see them), profile.go (/@ pages), timelines.go
// (home and the public timelines), signin.go and password.go (signing in,
// up and out; forgotten passwords), interaction.go
// (/authorize_interaction). Templates live in templates/: layout.html and
// partials.html are shared, every other file is one page named after it;
// templates/auth/ holds the sign-in pages, panels set in package panel's
// layout as OAuth's consent page is. The static files (stylesheet, script,
// icons) are package static's, under static/.
package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"

	"herd/internal/core"
	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/door"
	"herd/internal/model"
	"herd/internal/session"
	"herd/internal/web/panel"
	"herd/internal/web/static"
)

//go:embed templates
var templateFS embed.FS

// Handler serves the pages.
type Handler struct {
	core     *core.Core
	log      *slog.Logger
	throttle session.SignInThrottle
	pages    map[string]*template.Template
	panels   *panel.Pages // the sign-in pages (templates/auth/)
	assets   *static.Assets
	// pageErrors answers the interface's failures on its error page (in
	// JSON to the pages' script), panelErrors the sign-in pages' on a
	// panel (failures.go).
	pageErrors, panelErrors door.Adapter
	// profilePaths serves the /@ pages (ServeProfilePath).
	profilePaths http.Handler
}

// New builds the handler and registers its routes (routes.go) on mux;
// throttle counts the sign-in form's password attempts. Pages under /@ are
// not registered (ServeMux patterns cannot start a segment with "@"): the
// server sends browsers' requests for them to ServeProfilePath.
func New(c *core.Core, log *slog.Logger, mux *http.ServeMux, throttle session.SignInThrottle) *Handler {
	h := &Handler{core: c, log: log, throttle: throttle, pages: map[string]*template.Template{}, assets: static.Files(),
		panels: panel.Parse(log, templateFS, "templates/auth", "sign_in", "sign_up", "signed_in", "pending",
			"password_new", "password_sent", "password_edit", "password_changed")}
	h.pageErrors = door.Adapter{Log: log, Write: h.writePageFailure}
	h.panelErrors = door.Adapter{Log: log, Write: h.writePanelFailure}
	h.parseTemplates()
	h.routes(mux)
	return h
}

// parseTemplates parses every page with the shared layout and partials
// (partials.html, and partials-AREA.html files of an area's own pieces).
func (h *Handler) parseTemplates() {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	funcs := h.templateFuncs()
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" || strings.HasPrefix(name, "partials") {
			continue
		}
		h.pages[name] = template.Must(template.New(name).Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/partials*.html", file))
	}
}

// page is what every template sees: the layout's fields, and Data, the
// page's own.
type page struct {
	Title    string // window title, plain text
	Nav      string // the navigation entry to mark current ("home", "local"…)
	Viewer   *model.Viewer
	Me       *accountItem // the signed-in account as shown, nil for visitors
	CSRF     string
	Error    string
	Notice   string
	Instance string // the instance's name
	SignUp   bool   // registrations are open (or by approval): the header offers "Sign up"
	Meta     *pageMeta
	Data     any
}

// pageMeta is what a public page tells link previews, feed readers and
// ActivityPub clients about itself (OpenGraph, Twitter, alternates).
type pageMeta struct {
	Description string
	Image       string
	ImageAlt    string
	Card        string // twitter:card when not the default (summary_large_image with an image)
	URL         string // canonical
	Type        string // og:type
	ActivityURL string // the ActivityPub document of the same thing
	FeedURL     string // RSS of the account or tag
	NoIndex     bool
}

// viewer is the signed-in user of this browser, nil for visitors (and
// for a session expired or waiting for approval). On a route for users it
// is the one the access rule found (routes.go).
func (h *Handler) viewer(r *http.Request) *model.Viewer {
	if v, ok := r.Context().Value(viewerKey{}).(*model.Viewer); ok {
		return v
	}
	v, err := session.Viewer(h.core.Accounts, r)
	if err != nil {
		if e, ok := fault.As(err); !ok || e.Status >= 500 {
			if !errors.Is(err, accounts.ErrPendingApproval) {
				h.log.Warn("session", "err", err)
			}
		}
		return nil
	}
	return v
}

// newPage starts a page for this request, with its viewer.
func (h *Handler) newPage(r *http.Request, title string, v *model.Viewer, data any) *page {
	p := &page{Title: title, Viewer: v, Instance: h.instanceName(), SignUp: h.core.Accounts.RegistrationsOpen(), Data: data}
	if v != nil {
		me := h.accountItem(v.Account)
		p.Me = &me
	}
	return p
}

func (h *Handler) instanceName() string {
	if t := h.core.Config.InstanceTitle; t != "" {
		return t
	}
	return h.core.Config.Domain
}

func (h *Handler) secure() bool { return h.core.Config.Protocol == "https" }

// contentSecurityPolicy allows only this site's own scripts and styles
// (no inline code); images and media from this site and from where its
// media files are served (a media host, an S3 bucket's public URL) only,
// as every picture a page shows is there: remote files not cached are
// shown through the media proxy on this site (files.Service.AttachmentURLs,
// AccountAvatar, CustomEmojiURL), so no page makes a browser load what a
// remote server names; forms posting here only; and no framing.
func (h *Handler) contentSecurityPolicy() string {
	files := "'self'"
	if o := h.core.Files.MediaOrigin(); o != "" && o != h.core.BaseURL() {
		files += " " + o
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src " + files + " data: blob:" +
		"; media-src " + files + " blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'" +
		"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// render writes page p with template name and status. Pages are never
// framed (a framed Follow button could be clickjacked); a signed-in
// user's pages are never cached.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	p.CSRF = session.CSRFToken(w, r, h.secure())
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.Error("render page", "page", name, "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", h.contentSecurityPolicy())
	hd.Set("Referrer-Policy", "same-origin")
	hd.Add("Vary", "Accept, Cookie, Accept-Encoding")
	writeCompressed(w, r, status, buf.Bytes())
}

// writeCompressed writes a page gzipped when the browser accepts it and
// the page is big enough to gain from it (a timeline page of 40 KB
// travels as about 7 KB).
func writeCompressed(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	if len(body) < 1024 || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(status)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(w)
	zw.Write(body)
	zw.Close()
	gzipWriters.Put(zw)
}

// gzipWriters are reused: a gzip.Writer allocates about 800 KB.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// signInRedirect sends a visitor to the sign-in page, to come back here.
func signInRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/auth/sign_in?return_to="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// root handles GET /: a signed-in user's home timeline, the landing page
// for visitors.
func (h *Handler) root(w http.ResponseWriter, r *http.Request) error {
	if v := h.viewer(r); v != nil {
		http.Redirect(w, r, "/home", http.StatusFound)
		return nil
	}
	return h.landing(w, r)
}

// show renders a page from a title, an error message and the page's data.
func (h *Handler) show(w http.ResponseWriter, r *http.Request, status int, name, title, errMsg string, data any) {
	p := h.newPage(r, title, h.viewer(r), data)
	p.Error = errMsg
	h.render(w, r, status, name, p)
}

// showPanel renders a sign-in page (templates/auth/) with status, as
// OAuth's consent page is rendered.
func (h *Handler) showPanel(w http.ResponseWriter, r *http.Request, status int, name, title, errMsg string, data any) {
	p := panel.Page{Title: title, Instance: h.instanceName(), SignUp: h.core.Accounts.RegistrationsOpen(),
		CSRF: session.CSRFToken(w, r, h.secure()), Error: errMsg, Data: data}
	if acct, err := session.Account(h.core.Accounts, r); err == nil {
		p.Me = acct
	}
	h.panels.Render(w, status, name, p)
}
