// Package api is the Mastodon client API: one file per area, thin handlers
// over core, entity renderers, pagination and Mastodon's error JSON.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/door"
	"herd/internal/model"
	"herd/internal/scope"
)

// API serves the Mastodon client API.
type API struct {
	core *core.Core
	log  *slog.Logger
	mux  *http.ServeMux
	// errors answers what handlers return (writeError).
	errors door.Adapter
	// frames shares the rendering of a post among the streams it goes to
	// (streaming.go).
	frames frameMemo
	// Gate, when set, admits every request after authentication and
	// before its handler (rate limits, activity tracking); server sets it.
	Gate Gate
}

// Gate decides whether an authenticated (or anonymous: nil viewer) request
// may proceed; an error is rendered as the answer instead of the handler's.
type Gate interface {
	Admit(w http.ResponseWriter, r *http.Request, viewer *model.Viewer) error
}

// New builds the API and registers its routes (routes.go) on mux.
func New(c *core.Core, log *slog.Logger, mux *http.ServeMux) *API {
	a := &API{core: c, log: log, mux: mux, errors: door.Adapter{Log: log, Write: writeError}}
	a.routes()
	return a
}

// access says who may call a route.
type access struct {
	user   bool     // a user token is required; an app-only token gets 403
	token  bool     // some token (app or user) is required
	scopes []string // any one of these scopes suffices; empty = none needed
}

// public routes accept anonymous callers; a token, if sent, must be valid.
var public = access{}

// user requires a user token holding any one of scopes.
func user(scopes ...string) access { return access{user: true, token: true, scopes: scopes} }

// anyToken requires an app or user token holding any one of scopes.
func anyToken(scopes ...string) access { return access{token: true, scopes: scopes} }

// handle registers pattern (e.g. "GET /api/v1/statuses/{id}") with its
// access rule.
func (a *API) handle(pattern string, acc access, h door.Func) {
	a.mux.Handle(pattern, a.serve(acc, h))
}

// serve authenticates a request by the route's access rule, lets the Gate
// admit it, and runs h with the viewer; what fails is answered by
// writeError.
func (a *API) serve(acc access, h door.Func) http.Handler {
	return a.errors.Handler(func(w http.ResponseWriter, r *http.Request) error {
		viewer, err := a.authenticate(r, acc)
		if a.Gate != nil {
			if gerr := a.Gate.Admit(w, r, viewer); gerr != nil {
				err = gerr
			}
		}
		if err != nil {
			return err
		}
		ctx := context.WithValue(r.Context(), viewerKey{}, viewer)
		return h(w, r.WithContext(ctx))
	})
}

type viewerKey struct{}

// viewerOf returns the request's viewer, nil when anonymous.
func viewerOf(r *http.Request) *model.Viewer {
	v, _ := r.Context().Value(viewerKey{}).(*model.Viewer)
	return v
}

// authenticate reads the bearer token (header, or access_token parameter
// as Mastodon allows) and checks it against the route's access rule.
func (a *API) authenticate(r *http.Request, acc access) (*model.Viewer, error) {
	secret := bearerToken(r)
	if secret == "" {
		if acc.token {
			return nil, fault.Unauthorized("The access token is invalid")
		}
		return nil, nil
	}
	v, err := a.core.Accounts.Authenticate(r.Context(), secret)
	if err != nil {
		return nil, err
	}
	if acc.user && v.Account == nil {
		return nil, fault.Forbidden("This method requires an authenticated user")
	}
	if len(acc.scopes) > 0 && !scope.CoversAny(v.Token.Scopes, acc.scopes...) {
		return nil, fault.Forbidden("This action is outside the authorized scopes")
	}
	return v, nil
}

func bearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	return r.URL.Query().Get("access_token")
}

// writeJSON renders v with status 200 unless another is given.
func writeJSON(w http.ResponseWriter, v any, status ...int) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if len(status) > 0 {
		w.WriteHeader(status[0])
	}
	return json.NewEncoder(w).Encode(v)
}

// writeError renders a failure as Mastodon's {"error": "..."} with its
// status, a 401 with Doorkeeper's challenge, a server error as a bare
// 500.
func writeError(w http.ResponseWriter, r *http.Request, f door.Failure) {
	msg := f.Message
	if f.Internal() {
		msg = "Internal server error"
	}
	if f.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Doorkeeper", error="invalid_token", error_description="`+msg+`"`)
	}
	writeJSON(w, map[string]string{"error": msg}, f.Status)
}
