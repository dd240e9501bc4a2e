// Package web serves Herd's server-rendered pages for signed-in browsers
// (the sign-in pages themselves live with OAuth). For now it holds the
// page other servers send their users to when they want to act on
// something from here: /authorize_interaction.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"

	"herd/internal/core"
	"herd/internal/oauth"
)

//go:embed templates
var templateFS embed.FS

// Handler serves the pages.
type Handler struct {
	core  *core.Core
	log   *slog.Logger
	pages map[string]*template.Template
}

// New builds the handler and registers its routes on mux.
func New(c *core.Core, log *slog.Logger, mux *http.ServeMux) *Handler {
	h := &Handler{core: c, log: log, pages: map[string]*template.Template{}}
	for _, name := range []string{"interaction", "error"} {
		h.pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	mux.HandleFunc("GET /authorize_interaction", h.showInteraction)
	mux.HandleFunc("POST /authorize_interaction", h.interact)
	return h
}

// page is what every template sees; Data holds the page's own fields.
type page struct {
	Title string
	CSRF  string
	Error string
	Data  any
}

// render writes a page with status. Pages act on the signed-in user's
// behalf, so they are never cached and never framed (a framed Follow
// button could be clickjacked).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title, errMsg string, data any) {
	p := page{Title: title, CSRF: oauth.CSRFToken(w, r, h.core.Config.Protocol == "https"), Error: errMsg, Data: data}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.Error("render page", "page", name, "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Security-Policy", "frame-ancestors 'none'; form-action 'self'")
	hd.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows an error: core errors with their status and message, others
// logged and shown as a bare 500.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := core.AsError(err); ok && e.Status < 500 {
		h.render(w, r, e.Status, "error", "Error", e.Message, nil)
		return
	}
	h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	h.render(w, r, http.StatusInternalServerError, "error", "Error", "Something went wrong on our side. Please try again.", nil)
}
