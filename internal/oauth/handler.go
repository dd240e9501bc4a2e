package oauth

import (
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"herd/internal/core"
	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/door"
	"herd/internal/session"
	"herd/internal/web/panel"
)

//go:embed templates
var templateFS embed.FS

// Handler serves the OAuth endpoints: authorize with its consent page,
// token, revoke and the authorization server metadata.
type Handler struct {
	core     *core.Core
	log      *slog.Logger
	throttle session.SignInThrottle
	panels   *panel.Pages
	// pages answers the authorize flow's failures with an error page,
	// tokens the token and revocation endpoints' with RFC 6749's JSON.
	pages, tokens door.Adapter
}

// New builds the handler and registers its routes (routes.go) on mux;
// throttle counts the password grant's attempts with the sign-in form's.
func New(c *core.Core, log *slog.Logger, mux *http.ServeMux, throttle session.SignInThrottle) *Handler {
	h := &Handler{core: c, log: log, throttle: throttle,
		panels: panel.Parse(log, templateFS, "templates", "authorize", "code", "form_post")}
	h.pages = door.Adapter{Log: log, Write: h.writePageFailure}
	h.tokens = door.Adapter{Log: log, Write: writeTokenFailure}
	h.routes(mux)
	return h
}

// render writes a page of the authorize flow with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title, errMsg string, data any) {
	p := panel.Page{Title: title, Instance: h.instanceName(), SignUp: h.core.Accounts.RegistrationsOpen(),
		CSRF: session.CSRFToken(w, r, h.secure()), Error: errMsg, Data: data}
	if acct, err := session.Account(h.core.Accounts, r); err == nil {
		p.Me = acct
	}
	h.panels.Render(w, status, name, p)
}

func (h *Handler) instanceName() string {
	if t := h.core.Config.InstanceTitle; t != "" {
		return t
	}
	return h.core.Config.Domain
}

func (h *Handler) secure() bool { return h.core.Config.Protocol == "https" }

// pageError is a failure of the authorize flow shown under its own title:
// what must not go back to the client app (an unknown client, an
// unregistered redirect URI) or a request that cannot go on.
type pageError struct {
	title string
	err   error
}

func (e *pageError) Error() string { return e.err.Error() }
func (e *pageError) Unwrap() error { return e.err }

// writePageFailure shows a failure of the authorize flow on the error
// page: a client error with its status, title and message, anything else
// as a bare 500.
func (h *Handler) writePageFailure(w http.ResponseWriter, r *http.Request, f door.Failure) {
	title, msg := "Error", "Something went wrong on our side. Please try again."
	var pe *pageError
	switch {
	case f.Internal():
	case errors.As(f.Err, &pe):
		title, msg = pe.title, f.Message
	case errors.Is(f.Err, session.ErrFormUnreadable):
		title, msg = "Bad request", f.Message
	case errors.Is(f.Err, session.ErrFormExpired):
		title, msg = "Expired form", f.Message
	default:
		msg = f.Message
	}
	h.render(w, r, f.Status, "error", title, msg, nil)
}

// protocolError is an OAuth error as every door's mapping sees it: a
// fault.Error of its status and description; writeTokenFailure answers
// its code too.
type protocolError struct{ *accounts.OAuthError }

func (e protocolError) Unwrap() error {
	return &fault.Error{Status: e.Status, Message: e.Description}
}

// oauthFailure is err as the token endpoints answer it: core's OAuth
// errors with their code, anything else as it is.
func oauthFailure(err error) error {
	var oerr *accounts.OAuthError
	if errors.As(err, &oerr) {
		return protocolError{oerr}
	}
	return err
}

// writeTokenFailure answers {"error": code, "error_description": text}
// with Doorkeeper's status; a failed client authentication adds the
// WWW-Authenticate challenge RFC 6749 §5.2 asks for. A server error is
// server_error.
func writeTokenFailure(w http.ResponseWriter, r *http.Request, f door.Failure) {
	var pe protocolError
	if f.Internal() || !errors.As(f.Err, &pe) {
		pe = protocolError{&accounts.OAuthError{Status: http.StatusInternalServerError, Code: "server_error",
			Description: "The authorization server encountered an unexpected condition which prevented it from fulfilling the request."}}
	}
	if pe.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="Doorkeeper", error=%q, error_description=%q`,
			pe.Code, pe.Description))
	}
	writeOAuthJSON(w, pe.Status, map[string]string{"error": pe.Code, "error_description": pe.Description})
}
