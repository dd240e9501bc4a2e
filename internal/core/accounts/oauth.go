package accounts

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/scope"
	"herd/internal/store"
)

// OOBRedirectURI is the "out of band" redirect URI: the code is shown to
// the user to paste into the app instead of being sent to a URL.
const OOBRedirectURI = "urn:ietf:wg:oauth:2.0:oob"

// AuthCodeLifetime is how long an authorization code can be exchanged
// (Doorkeeper's default, which Mastodon keeps).
const AuthCodeLifetime = 10 * time.Minute

// OAuthError is an OAuth 2 protocol error (RFC 6749 §4.1.2.1, §5.2) with
// Doorkeeper's descriptions, which Mastodon clients display. Redirectable
// says whether the authorize endpoint may send it back to the client's
// redirect URI; errors about the client or the URI itself never are.
type OAuthError struct {
	Status       int
	Code         string
	Description  string
	Redirectable bool
}

func (e *OAuthError) Error() string { return e.Code + ": " + e.Description }

// Doorkeeper's English descriptions (config/locales/doorkeeper.en.yml).
var oauthDescriptions = map[string]string{
	"invalid_request":           "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
	"invalid_redirect_uri":      "The requested redirect uri is malformed or doesn't match client redirect URI.",
	"unauthorized_client":       "The client is not authorized to perform this request using this method.",
	"access_denied":             "The resource owner or authorization server denied the request.",
	"invalid_scope":             "The requested scope is invalid, unknown, or malformed.",
	"invalid_client":            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
	"invalid_grant":             "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
	"unsupported_grant_type":    "The authorization grant type is not supported by the authorization server.",
	"unsupported_response_type": "The authorization server does not support this response type.",
	"invalid_code_challenge":    "Code challenge is required.",
}

// NewOAuthError builds the error code with Doorkeeper's description and
// status: 401 for a failed client authentication, 400 otherwise.
func NewOAuthError(code string) *OAuthError {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
	}
	return &OAuthError{Status: status, Code: code, Description: oauthDescriptions[code]}
}

func missingParam(name string) *OAuthError {
	e := NewOAuthError("invalid_request")
	e.Description = "Missing required parameter: " + name + "."
	return e
}

func redirectable(e *OAuthError) *OAuthError { e.Redirectable = true; return e }

// RegisterApp validates and registers an OAuth application (POST
// /api/v1/apps). Invalid input is 422 with Rails' "Validation failed: …"
// message, attribute names as Mastodon's locale spells them.
func (s *Service) RegisterApp(ctx context.Context, name, website string, redirectURIs []string, scopes string) (*model.App, error) {
	name = strings.TrimSpace(name)
	website = strings.TrimSpace(website)
	var problems []string
	switch {
	case name == "":
		problems = append(problems, "Application name can't be blank")
	case utf8.RuneCountInString(name) > 60:
		problems = append(problems, "Application name is too long (maximum is 60 characters)")
	}
	if website != "" && (len(website) > 2000 || !isWebURL(website)) {
		problems = append(problems, "Application website is invalid")
	}
	var uris []string
	for _, u := range redirectURIs {
		uris = append(uris, strings.Fields(u)...)
	}
	if len(uris) == 0 {
		problems = append(problems, "Redirect URI can't be blank")
	}
	for _, u := range uris {
		if msg := redirectURIProblem(u); msg != "" {
			problems = append(problems, "Redirect URI "+msg)
			break
		}
	}
	granted := scope.Parse(scopes)
	for _, name := range granted {
		if !scope.Valid(name) {
			problems = append(problems, "Scopes doesn't match configured on the server.")
			break
		}
	}
	if len(problems) > 0 {
		return nil, fault.Unprocessable("Validation failed: " + strings.Join(problems, ", "))
	}
	return s.CreateApp(ctx, name, website, uris, dedupe(granted))
}

// redirectURIProblem applies Doorkeeper's redirect URI validator (with
// Mastodon's forbidden schemes); "" means the URI is acceptable.
func redirectURIProblem(raw string) string {
	if raw == OOBRedirectURI {
		return ""
	}
	if len(raw) > 2000 {
		return "is too long (maximum is 2000 characters)"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "must be a valid URI."
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "cannot contain a fragment."
	case u.Scheme == "" || (u.Host == "" && u.Opaque == "" && u.Path == ""):
		return "must be an absolute URI."
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript":
		return "is forbidden by the server."
	}
	return ""
}

func isWebURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// AuthorizationRequest is what a client sends to GET /oauth/authorize.
type AuthorizationRequest struct {
	ResponseType        string
	ClientID            string
	RedirectURI         string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// Authorization is a checked authorization request, ready for the consent
// page: the app, the exact redirect URI, and the scopes to grant.
type Authorization struct {
	Request     AuthorizationRequest
	App         *model.App
	RedirectURI string
	Scopes      []string
}

// CheckAuthorization validates an authorization request in Doorkeeper's
// order: the client and the redirect URI first (failures are shown on a
// page, never sent to an unverified URI), then the response type, scopes
// and PKCE method (failures are Redirectable to the verified URI).
func (s *Service) CheckAuthorization(ctx context.Context, req AuthorizationRequest) (*Authorization, error) {
	if req.ClientID == "" {
		return nil, missingParam("client_id")
	}
	app, err := s.store.AppByClientID(ctx, req.ClientID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, NewOAuthError("invalid_client")
	}
	if err != nil {
		return nil, err
	}
	redirect := req.RedirectURI
	if redirect == "" && len(app.RedirectURIs) == 1 {
		// Doorkeeper falls back to the only registered URI.
		redirect = app.RedirectURIs[0]
	}
	if !registered(app, redirect) {
		return nil, NewOAuthError("invalid_redirect_uri")
	}
	a := &Authorization{Request: req, App: app, RedirectURI: redirect}
	if req.ResponseType == "" {
		return a, redirectable(missingParam("response_type"))
	}
	if req.ResponseType != "code" {
		return a, redirectable(NewOAuthError("unsupported_response_type"))
	}
	scopes, oerr := grantScopes(req.Scope, app)
	if oerr != nil {
		return a, redirectable(oerr)
	}
	a.Scopes = scopes
	if req.CodeChallengeMethod != "" && req.CodeChallenge == "" {
		return a, redirectable(NewOAuthError("invalid_code_challenge"))
	}
	if req.CodeChallenge != "" && req.CodeChallengeMethod != "S256" {
		// Mastodon configures Doorkeeper for S256 only: "plain" would let
		// anyone who sees the authorize URL redeem the code.
		e := NewOAuthError("invalid_request")
		e.Description = "The code_challenge_method must be S256."
		return a, redirectable(e)
	}
	return a, nil
}

func registered(app *model.App, uri string) bool {
	if uri == "" {
		return false
	}
	for _, r := range app.RedirectURIs {
		if r == uri {
			return true
		}
	}
	return false
}

// grantScopes resolves the scopes a request asks for: every one must be
// known and covered by the app's registered scopes. None asked means
// Doorkeeper's default, "read", if the app has it.
func grantScopes(requested string, app *model.App) ([]string, *OAuthError) {
	want := scope.Parse(requested)
	for _, s := range want {
		if !scope.Valid(s) {
			return nil, NewOAuthError("invalid_scope")
		}
	}
	if !scope.Subset(want, app.Scopes) {
		return nil, NewOAuthError("invalid_scope")
	}
	return dedupe(want), nil
}

// GrantAuthorization records the signed-in user's consent and returns the
// authorization code to send back to the client (valid 10 minutes, once).
func (s *Service) GrantAuthorization(ctx context.Context, a *Authorization, accountID int64) (string, error) {
	code := NewSecret()
	ac := &store.AuthCode{
		AppID: a.App.ID, AccountID: accountID, RedirectURI: a.RedirectURI, Scopes: a.Scopes,
		CodeChallenge: a.Request.CodeChallenge, ChallengeMethod: a.Request.CodeChallengeMethod,
		ExpiresAt: time.Now().Add(AuthCodeLifetime),
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteExpiredAuthCodes(ctx, time.Now()); err != nil {
			return err
		}
		return tx.InsertAuthCode(ctx, HashSecret(code), ac)
	})
	if err != nil {
		return "", err
	}
	return code, nil
}

// AppForToken returns the application a token was issued to
// (GET /api/v1/apps/verify_credentials).
func (s *Service) AppForToken(ctx context.Context, v *model.Viewer) (*model.App, error) {
	app, err := s.store.AppByID(ctx, v.Token.AppID)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	return app, nil
}
