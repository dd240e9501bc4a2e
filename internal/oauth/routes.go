package oauth

import "net/http"

// routes registers every OAuth route on mux. The authorize flow's pages
// answer failures with an error page, the token and revocation endpoints
// with RFC 6749's JSON; the metadata cannot fail. Anyone may call them:
// the authorize flow asks a signed-in browser itself (sending visitors to
// the web interface's sign-in page), the token endpoints authenticate the
// client.
func (h *Handler) routes(mux *http.ServeMux) {
	page, token := h.pages.Handler, h.tokens.Handler

	// Authorization (authorize.go): the consent page, the decision, and the
	// out-of-band code shown for apps without a redirect URI.
	mux.Handle("GET /oauth/authorize", page(h.authorizeForm))
	mux.Handle("POST /oauth/authorize", page(h.authorizeDecision))
	mux.Handle("GET /oauth/authorize/native", page(h.showCode))

	// Tokens (token.go).
	mux.Handle("POST /oauth/token", token(h.token))
	mux.Handle("POST /oauth/revoke", token(h.revoke))
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", h.metadata)
}
