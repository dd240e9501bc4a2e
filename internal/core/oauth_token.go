package core

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// TokenRequest is a POST /oauth/token, whatever its grant type. Client
// credentials come from the body or HTTP Basic; the adapter fills them in.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	Scope        string
	Code         string // authorization_code
	RedirectURI  string // authorization_code
	CodeVerifier string // authorization_code with PKCE
	Username     string // password: the email address, as in Mastodon
	Password     string // password
	RefreshToken string // refresh_token
}

// Token answers the token endpoint: it authenticates the client, then
// runs the grant. Failures are *OAuthError. Refresh tokens are issued for
// the authorization_code, password and refresh_token grants, never for an
// app-only token.
func (c *Core) Token(ctx context.Context, req TokenRequest) (*IssuedToken, error) {
	if req.GrantType == "" {
		return nil, missingParam("grant_type")
	}
	switch req.GrantType {
	case "authorization_code", "client_credentials", "password", "refresh_token":
	default:
		return nil, NewOAuthError("unsupported_grant_type")
	}
	app, err := c.authenticateClient(ctx, req.ClientID, req.ClientSecret)
	if err != nil {
		return nil, err
	}
	switch req.GrantType {
	case "authorization_code":
		return c.exchangeCode(ctx, app, req)
	case "client_credentials":
		scopes, oerr := grantScopes(req.Scope, app)
		if oerr != nil {
			return nil, oerr
		}
		return c.IssueToken(ctx, app.ID, 0, scopes, false)
	case "password":
		return c.passwordGrant(ctx, app, req)
	default:
		return c.refreshGrant(ctx, app, req)
	}
}

// authenticateClient checks a client_id and client_secret, comparing the
// secret in constant time.
func (c *Core) authenticateClient(ctx context.Context, id, secret string) (*model.App, error) {
	if id == "" || secret == "" {
		return nil, NewOAuthError("invalid_client")
	}
	app, err := c.Store.AppByClientID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, NewOAuthError("invalid_client")
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(app.ClientSecret), []byte(secret)) != 1 {
		return nil, NewOAuthError("invalid_client")
	}
	return app, nil
}

// exchangeCode redeems an authorization code. The code is deleted whether
// or not the exchange succeeds, so a guessed PKCE verifier gets one try.
// A code presented again revokes the tokens issued from it.
func (c *Core) exchangeCode(ctx context.Context, app *model.App, req TokenRequest) (*IssuedToken, error) {
	if req.Code == "" {
		return nil, missingParam("code")
	}
	codeHash := HashSecret(req.Code)
	var it *IssuedToken
	var failure *OAuthError
	var revoked []int64
	err := c.Store.InTx(ctx, func(tx *store.Store) error {
		code, err := tx.TakeAuthCode(ctx, codeHash)
		if errors.Is(err, model.ErrNotFound) {
			// Used already (or never issued). A used code presented again
			// has leaked, and whoever exchanged it first may be the thief:
			// RFC 6749 §4.1.2 says to revoke the tokens issued from it.
			failure = NewOAuthError("invalid_grant")
			revoked, err = revokeCodeTokens(ctx, tx, codeHash)
			return err
		}
		if err != nil {
			return err
		}
		// Mastodon's Doorkeeper accepts an exchange that leaves out
		// redirect_uri; one that sends it must send the authorized one.
		if code.AppID != app.ID || time.Now().After(code.ExpiresAt) ||
			(req.RedirectURI != "" && req.RedirectURI != code.RedirectURI) {
			failure = NewOAuthError("invalid_grant")
			return nil
		}
		if code.CodeChallenge != "" {
			if req.CodeVerifier == "" {
				failure = missingParam("code_verifier")
				return nil
			}
			if !pkceMatches(code.CodeChallenge, req.CodeVerifier) {
				failure = NewOAuthError("invalid_grant")
				return nil
			}
		}
		it, err = mintToken(ctx, tx, app.ID, code.AccountID, code.Scopes, true, codeHash)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, id := range revoked {
		c.forgetToken(id)
	}
	if len(revoked) > 0 {
		c.Log.Warn("authorization code replayed: its tokens are revoked", "app", app.ID, "tokens", len(revoked))
	}
	if failure != nil {
		return nil, failure
	}
	return it, nil
}

// revokeCodeTokens revokes the live tokens issued from an authorization
// code (by its hash) and those refreshed from them, appending the event
// that makes every node drop them; it returns their ids.
func revokeCodeTokens(ctx context.Context, tx *store.Store, codeHash string) ([]int64, error) {
	tokens, err := tx.LiveTokensFromCode(ctx, codeHash)
	if err != nil {
		return nil, err
	}
	var revoked []int64
	for _, t := range tokens {
		ok, err := tx.RevokeToken(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // revoked meanwhile, its event written by whoever did
		}
		if err := tx.AppendEvent(ctx, store.EventTokenRevoked, t.ID, t.AccountID, ""); err != nil {
			return nil, err
		}
		revoked = append(revoked, t.ID)
	}
	return revoked, nil
}

// pkceMatches checks an S256 challenge (RFC 7636 §4.6).
func pkceMatches(challenge, verifier string) bool {
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// passwordGrant signs a user in by email and password. A wrong password
// and an unknown email give the same answer in the same time.
func (c *Core) passwordGrant(ctx context.Context, app *model.App, req TokenRequest) (*IssuedToken, error) {
	if req.Username == "" {
		return nil, missingParam("username")
	}
	scopes, oerr := grantScopes(req.Scope, app)
	if oerr != nil {
		return nil, oerr
	}
	acct, _, err := c.CheckPassword(ctx, req.Username, req.Password)
	if err != nil {
		if _, ok := fault.As(err); ok {
			return nil, NewOAuthError("invalid_grant")
		}
		return nil, err
	}
	// A pending user gets a token, as in Mastodon; using it answers 403
	// until the account is approved (see Authenticate).
	return c.IssueToken(ctx, app.ID, acct.ID, scopes, true)
}

// refreshGrant trades a refresh token for a new token pair and revokes
// the old one; scopes may be narrowed, never widened.
func (c *Core) refreshGrant(ctx context.Context, app *model.App, req TokenRequest) (*IssuedToken, error) {
	if req.RefreshToken == "" {
		return nil, missingParam("refresh_token")
	}
	var it *IssuedToken
	var oldID int64
	var failure *OAuthError
	err := c.Store.InTx(ctx, func(tx *store.Store) error {
		old, err := tx.TokenByRefreshHash(ctx, HashSecret(req.RefreshToken))
		if errors.Is(err, model.ErrNotFound) || (err == nil && old.AppID != app.ID) {
			failure = NewOAuthError("invalid_grant")
			return nil
		}
		if err != nil {
			return err
		}
		scopes := old.Scopes
		if req.Scope != "" {
			narrowed, oerr := grantScopes(req.Scope, &model.App{Scopes: old.Scopes})
			if oerr != nil {
				failure = oerr
				return nil
			}
			scopes = narrowed
		}
		// Two concurrent refreshes of one token: only the one whose UPDATE
		// revoked it may mint a successor.
		revoked, err := tx.RevokeToken(ctx, old.ID)
		if err != nil {
			return err
		}
		if !revoked {
			failure = NewOAuthError("invalid_grant")
			return nil
		}
		if err := tx.AppendEvent(ctx, store.EventTokenRevoked, old.ID, old.AccountID, ""); err != nil {
			return err
		}
		oldID = old.ID
		// The successor stems from the same authorization code, if any, so
		// a replay of that code revokes it too.
		codeHash, err := tx.TokenCodeHash(ctx, old.ID)
		if err != nil {
			return err
		}
		it, err = mintToken(ctx, tx, app.ID, old.AccountID, scopes, true, codeHash)
		return err
	})
	if err != nil {
		return nil, err
	}
	if failure != nil {
		return nil, failure
	}
	c.forgetToken(oldID)
	return it, nil
}

// mintToken creates a token inside tx (IssueToken runs its own
// transaction; a code exchange must consume the code and mint in one).
// codeHash is the hash of the authorization code the token stems from, ""
// for the other grants.
func mintToken(ctx context.Context, tx *store.Store, appID, accountID int64, scopes []string, withRefresh bool, codeHash string) (*IssuedToken, error) {
	it := &IssuedToken{
		Token:       &model.Token{ID: ids.New(), AppID: appID, AccountID: accountID, Scopes: scopes, CreatedAt: time.Now()},
		AccessToken: NewSecret(),
	}
	refreshHash := ""
	if withRefresh {
		it.RefreshToken = NewSecret()
		refreshHash = HashSecret(it.RefreshToken)
	}
	if err := tx.InsertToken(ctx, it.Token, HashSecret(it.AccessToken), refreshHash, codeHash); err != nil {
		return nil, err
	}
	return it, nil
}

// RevokeRequest is a POST /oauth/revoke (RFC 7009).
type RevokeRequest struct {
	ClientID     string
	ClientSecret string
	Token        string // an access or a refresh token
}

// Revoke revokes a token of the authenticated client through RevokeToken,
// so every node drops it, and drops it from this node's cache at once. An
// unknown token is not an error (RFC 7009 §2.2); another client's token is
// refused with Doorkeeper's 403.
func (c *Core) Revoke(ctx context.Context, req RevokeRequest) error {
	if req.Token == "" {
		return missingParam("token")
	}
	app, err := c.authenticateClient(ctx, req.ClientID, req.ClientSecret)
	if err != nil {
		return err
	}
	tok, err := c.Store.TokenByAnySecretHash(ctx, HashSecret(req.Token))
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if tok.AppID != app.ID {
		return &OAuthError{Status: http.StatusForbidden, Code: "unauthorized_client",
			Description: "You are not authorized to revoke this token"}
	}
	if err := c.RevokeToken(ctx, tok.ID); err != nil {
		return err
	}
	c.forgetToken(tok.ID)
	return nil
}
