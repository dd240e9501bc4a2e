package oauth

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/model"
)

//go:embed templates
var templateFS embed.FS

// Handler serves the OAuth endpoints and the sign-in, sign-up and
// sign-out pages.
type Handler struct {
	core     *core.Core
	log      *slog.Logger
	throttle SignInThrottle
	pages    map[string]*template.Template
	// asset names the web interface's static files (its stylesheet and
	// script, under content-hashed names), so these pages look like the
	// rest of the site; nil leaves them unstyled.
	asset func(name string) string
}

// SignInThrottle limits password attempts. The sign-in form and the
// password grant both try a password, so both count with it: otherwise
// the grant would be a way round the form's limits.
type SignInThrottle interface {
	// AllowSignIn counts one attempt to sign in as login (the email
	// address as submitted, "" when none was) by r's client. It may set
	// X-RateLimit-* headers on w; false means the attempt is over a limit.
	AllowSignIn(w http.ResponseWriter, r *http.Request, login string) bool
}

// New builds the handler and registers its routes on mux; throttle counts
// sign-in attempts.
func New(c *core.Core, log *slog.Logger, mux *http.ServeMux, throttle SignInThrottle) *Handler {
	h := &Handler{core: c, log: log, throttle: throttle, pages: map[string]*template.Template{}}
	for _, name := range []string{"sign_in", "sign_up", "signed_in", "pending", "authorize", "code",
		"form_post", "error", "password_new", "password_sent", "password_edit", "password_changed"} {
		h.pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	h.routes(mux)
	return h
}

// UseAssets gives the pages the web interface's stylesheet and script:
// asset maps a file name ("herd.css") to its URL. The web package serves
// them and imports this one, so it is handed over when the server is
// wired rather than imported.
func (h *Handler) UseAssets(asset func(name string) string) { h.asset = asset }

func (h *Handler) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /oauth/authorize", h.authorizeForm)
	mux.HandleFunc("POST /oauth/authorize", h.authorizeDecision)
	mux.HandleFunc("GET /oauth/authorize/native", h.showCode)
	mux.HandleFunc("POST /oauth/token", h.token)
	mux.HandleFunc("POST /oauth/revoke", h.revoke)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", h.metadata)
	mux.HandleFunc("GET /auth/sign_in", h.signInForm)
	mux.HandleFunc("POST /auth/sign_in", h.signIn)
	mux.HandleFunc("GET /auth/sign_up", h.signUpForm)
	mux.HandleFunc("POST /auth/sign_up", h.signUp)
	mux.HandleFunc("POST /auth/sign_out", h.signOut)
	mux.HandleFunc("GET /auth/password/new", h.passwordForm)
	mux.HandleFunc("POST /auth/password", h.requestPasswordReset)
	mux.HandleFunc("GET /auth/password/edit", h.newPasswordForm)
	mux.HandleFunc("POST /auth/password/edit", h.resetPassword)
}

// page is what every template sees; Data holds the page's own fields.
type page struct {
	Title      string
	Instance   string // the instance's name, as the web interface's header shows it
	Stylesheet string // "" when no stylesheet was given (UseAssets)
	Script     string
	Me         *model.Account // the signed-in account, nil for visitors
	SignUp     bool           // registrations are open (or by approval): the header offers "Sign up"
	CSRF       string
	Error      string
	Data       any
}

// contentSecurityPolicy is the web interface's, less form-action: only
// this site's own scripts and styles (no inline code), images from here,
// no framing. No form-action: browsers apply it to the redirect that
// follows the consent POST, which may go to an app's custom scheme, and
// form_post answers post to the app's own site.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:" +
	"; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// render writes a page with status. Pages are never cached and never
// framed (the consent page must not be clickjacked).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title, errMsg string, data any) {
	p := page{Title: title, Instance: h.instanceName(), SignUp: h.core.RegistrationsOpen(), CSRF: h.csrfToken(w, r), Error: errMsg, Data: data}
	if h.asset != nil {
		p.Stylesheet, p.Script = h.asset("herd.css"), h.asset("herd.js")
	}
	if acct, err := h.SessionAccount(r); err == nil {
		p.Me = acct
	}
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
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *Handler) instanceName() string {
	if t := h.core.Config.InstanceTitle; t != "" {
		return t
	}
	return h.core.Config.Domain
}

// errorPage shows an error that must not go back to the client app (an
// unknown client, an unregistered redirect URI) or a failed request.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	h.render(w, r, status, "error", title, msg, nil)
}

// serverError logs an unexpected failure and shows a bare error page.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := fault.As(err); ok {
		h.errorPage(w, r, e.Status, "Error", e.Message)
		return
	}
	h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	h.errorPage(w, r, http.StatusInternalServerError, "Error", "Something went wrong on our side. Please try again.")
}
