package oauth

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"herd/internal/core/accounts"
	"herd/internal/scope"
	"herd/internal/session"
	"herd/internal/text"
)

// tokenJSON is Mastodon's Token entity; refresh_token is added when one
// was issued.
type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	CreatedAt    int64  `json:"created_at"` // unix seconds, a number
	RefreshToken string `json:"refresh_token,omitempty"`
}

// TokenEntity renders a freshly issued token (also used by registration
// in the client API).
func TokenEntity(it *accounts.IssuedToken) any {
	return tokenJSON{
		AccessToken: it.AccessToken, TokenType: "Bearer", Scope: strings.Join(it.Token.Scopes, " "),
		CreatedAt: it.Token.CreatedAt.Unix(), RefreshToken: it.RefreshToken,
	}
}

// token handles POST /oauth/token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) error {
	v, err := requestValues(r)
	if err != nil {
		return oauthFailure(err)
	}
	// A password grant tries a password as the sign-in form does, so it
	// counts with it, before the client is even checked (anyone can
	// register one). Other grants prove a code, a refresh token or only
	// the client, and do not count.
	if v.Get("grant_type") == "password" && !h.throttle.AllowSignIn(w, r, v.Get("username")) {
		session.Throttled(w)
		return nil
	}
	id, secret := clientCredentials(r, v)
	it, err := h.core.Accounts.Token(r.Context(), accounts.TokenRequest{
		GrantType: v.Get("grant_type"), ClientID: id, ClientSecret: secret, Scope: v.Get("scope"),
		Code: v.Get("code"), RedirectURI: v.Get("redirect_uri"), CodeVerifier: v.Get("code_verifier"),
		Username: v.Get("username"), Password: v.Get("password"), RefreshToken: v.Get("refresh_token"),
	})
	if err != nil {
		return oauthFailure(err)
	}
	writeOAuthJSON(w, http.StatusOK, TokenEntity(it))
	return nil
}

// revoke handles POST /oauth/revoke (RFC 7009): 200 {} on success and for
// tokens that do not exist.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) error {
	v, err := requestValues(r)
	if err != nil {
		return oauthFailure(err)
	}
	id, secret := clientCredentials(r, v)
	err = h.core.Accounts.Revoke(r.Context(), accounts.RevokeRequest{ClientID: id, ClientSecret: secret, Token: v.Get("token")})
	if err != nil {
		return oauthFailure(err)
	}
	writeOAuthJSON(w, http.StatusOK, struct{}{})
	return nil
}

// clientCredentials reads the client from HTTP Basic (form-encoded, RFC
// 6749 §2.3.1) or, failing that, from the body.
func clientCredentials(r *http.Request, v url.Values) (id, secret string) {
	if u, p, ok := r.BasicAuth(); ok {
		id, err1 := url.QueryUnescape(u)
		secret, err2 := url.QueryUnescape(p)
		if err1 != nil || err2 != nil {
			id, secret = u, p
		}
		// Base64 and escapes may carry any byte: read them as the body's.
		return text.Storable(id), text.Storable(secret)
	}
	return v.Get("client_id"), v.Get("client_secret")
}

// requestValues reads the token endpoints' parameters from a form body
// (the standard), a JSON body (which Doorkeeper accepts too, and some
// clients send), or the query string; their values are text.Storable.
func requestValues(r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, accounts.NewOAuthError("invalid_request")
		}
		v := r.URL.Query()
		for k, x := range body {
			switch t := x.(type) {
			case string:
				v.Set(k, t)
			case nil:
			default:
				v.Set(k, fmt.Sprint(t))
			}
		}
		text.StorableValues(v)
		return v, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 10); err != nil {
			return nil, accounts.NewOAuthError("invalid_request")
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, accounts.NewOAuthError("invalid_request")
		}
	}
	session.StorableForm(r)
	return r.Form, nil
}

// writeOAuthJSON writes a token endpoint answer, never cached (RFC 6749 §5.1).
func writeOAuthJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// metadata handles GET /.well-known/oauth-authorization-server (RFC 8414)
// with the fields Mastodon 4.3 serves (OAuthMetadataPresenter).
func (h *Handler) metadata(w http.ResponseWriter, r *http.Request) {
	base := h.core.BaseURL()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=900")
	json.NewEncoder(w).Encode(map[string]any{
		"issuer":                                base + "/",
		"service_documentation":                 "https://docs.joinmastodon.org/",
		"authorization_endpoint":                base + "/oauth/authorize",
		"token_endpoint":                        base + "/oauth/token",
		"app_registration_endpoint":             base + "/api/v1/apps",
		"revocation_endpoint":                   base + "/oauth/revoke",
		"scopes_supported":                      scope.All,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"grant_types_supported":                 []string{"authorization_code", "password", "client_credentials", "refresh_token"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}
