package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// NewSecret returns a random URL-safe secret (256 bits) for tokens, codes,
// client secrets and sessions.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateApp registers an OAuth application.
func (s *Service) CreateApp(ctx context.Context, name, website string, redirectURIs, scopes []string) (*model.App, error) {
	app := &model.App{
		ID: ids.New(), Name: name, Website: website, RedirectURIs: redirectURIs, Scopes: scopes,
		ClientID: NewSecret(), ClientSecret: NewSecret(), CreatedAt: time.Now(),
	}
	if err := s.store.InTx(ctx, func(tx *store.Store) error { return tx.InsertApp(ctx, app) }); err != nil {
		return nil, err
	}
	return app, nil
}

// IssuedToken is a freshly minted token with its secrets, which are shown
// once and stored only as hashes.
type IssuedToken struct {
	Token        *model.Token
	AccessToken  string
	RefreshToken string // "" when none was issued
}

// IssueToken mints an access token for app, on behalf of accountID (0 for
// an app-only token); withRefresh also mints a refresh token.
func (s *Service) IssueToken(ctx context.Context, appID, accountID int64, scopes []string, withRefresh bool) (*IssuedToken, error) {
	var it *IssuedToken
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		it, err = mintToken(ctx, tx, appID, accountID, scopes, withRefresh, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// RevokeToken revokes a token; every node drops it from its cache.
func (s *Service) RevokeToken(ctx context.Context, tokenID int64) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.RevokeToken(ctx, tokenID); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventTokenRevoked, tokenID, 0, "")
	})
}
