package accounts

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// NewAccount is what registration (API, sign-up page, admin CLI) provides.
type NewAccount struct {
	Username string
	Email    string
	Password string
	Reason   string
	Locale   string
	Role     string // default user
	Approved bool   // false leaves the account pending approval
	// Then, when set, runs in the creating transaction after the account
	// and user rows are written, so what it adds (a token) lands with them
	// or not at all.
	Then func(ctx context.Context, tx *store.Store, acct *model.Account) error
}

// reservedUsernames cannot be registered, because they name paths or
// well-known roles on the instance.
var reservedUsernames = map[string]bool{
	"root": true, "webmaster": true, "postmaster": true, "hostmaster": true,
	"abuse": true, "security": true, "support": true, "instance": true, "actor": true,
}

// CreateAccount validates and creates a local account with its user, in one
// transaction. Validation failures are 422 with Mastodon's messages.
func (s *Service) CreateAccount(ctx context.Context, n NewAccount) (*model.Account, *model.User, error) {
	username := strings.TrimSpace(n.Username)
	email := strings.TrimSpace(n.Email)
	switch {
	case !text.ValidUsername(username):
		return nil, nil, fault.Unprocessable("Validation failed: Username must contain only letters, numbers and underscores (at most 30)")
	case reservedUsernames[strings.ToLower(username)]:
		return nil, nil, fault.Unprocessable("Validation failed: Username is reserved")
	case !validEmail(email):
		return nil, nil, fault.Unprocessable("Validation failed: Email is invalid")
	case len(n.Password) < 8:
		return nil, nil, fault.Unprocessable("Validation failed: Password is too short (minimum is 8 characters)")
	case len(n.Password) > 72:
		// bcrypt ignores bytes past 72; refuse rather than silently truncate.
		return nil, nil, fault.Unprocessable("Validation failed: Password is too long (maximum is 72 characters)")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, nil, err
	}
	privPEM, pubPEM, err := NewKeyPair()
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	acct := &model.Account{
		ID: ids.New(), Username: username, Discoverable: true, Indexable: true,
		URI: s.site.AccountURI(username), URL: s.site.AccountURL(username),
		InboxURL: s.site.AccountURI(username) + "/inbox", SharedInboxURL: s.site.BaseURL() + "/inbox",
		PublicKey: pubPEM, PrivateKey: privPEM, CreatedAt: now, UpdatedAt: now,
	}
	role := n.Role
	if role == "" {
		role = model.RoleUser
	}
	locale := n.Locale
	if locale == "" {
		locale = "en"
	}
	u := &model.User{
		AccountID: acct.ID, Email: email, PasswordHash: string(hash), Role: role, Approved: n.Approved,
		Confirmed: true, Reason: n.Reason, Locale: locale, DefaultPrivacy: model.Public, CreatedAt: now,
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.AccountByUsername(ctx, username, ""); err == nil {
			return fault.Unprocessable("Validation failed: Username has already been taken")
		}
		if _, err := tx.UserByEmail(ctx, email); err == nil {
			return fault.Unprocessable("Validation failed: Email has already been taken")
		}
		if err := tx.InsertAccount(ctx, acct); err != nil {
			return err
		}
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		if n.Then != nil {
			return n.Then(ctx, tx, acct)
		}
		return nil
	})
	if errors.Is(err, store.ErrDuplicate) {
		return nil, nil, fault.Unprocessable("Validation failed: Username or email has already been taken")
	}
	if err != nil {
		return nil, nil, err
	}
	return acct, u, nil
}

func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

// NewKeyPair makes the RSA key pair (PEM) an actor signs its federation
// requests with: each new local account's, and the instance actor's.
func NewKeyPair() (privPEM, pubPEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	priv := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(key)})
	return string(priv), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})), nil
}

func mustPKCS8(key *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err) // cannot fail for an RSA key
	}
	return b
}

// CheckPassword signs a user in by email and password. It answers the same
// error for an unknown email and a wrong password.
func (s *Service) CheckPassword(ctx context.Context, email, password string) (*model.Account, *model.User, error) {
	bad := fault.Unauthorized("Invalid email or password")
	u, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, model.ErrNotFound) {
		// Spend the same time as a real check so timing does not reveal emails.
		bcrypt.CompareHashAndPassword([]byte("$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3FpY0DpZ1P7uRfFEjw5PmG."), []byte(password))
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, nil, bad
	}
	acct, err := s.store.AccountByID(ctx, u.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if acct.Suspended() {
		return nil, nil, fault.Forbidden("Your login is currently disabled")
	}
	return acct, u, nil
}

// SuspendAccount suspends (or lifts the suspension of) a local or remote
// account; its tokens are revoked and every node drops them at once.
func (s *Service) SuspendAccount(ctx context.Context, accountID int64, suspend bool) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.AccountByID(ctx, accountID); err != nil {
			return fault.NotFoundOr(err)
		}
		var at *time.Time
		if suspend {
			now := time.Now()
			at = &now
			if err := tx.RevokeAccountTokens(ctx, accountID); err != nil {
				return err
			}
		}
		if err := tx.SetAccountSuspended(ctx, accountID, at); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountSuspended, accountID, accountID, "")
	})
}

// ApproveAccount approves a pending registration.
func (s *Service) ApproveAccount(ctx context.Context, accountID int64) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetUserApproved(ctx, accountID, true); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, accountID, accountID, "")
	})
}

// SetRole changes a user's role.
func (s *Service) SetRole(ctx context.Context, accountID int64, role string) error {
	switch role {
	case model.RoleUser, model.RoleModerator, model.RoleAdmin:
	default:
		return fault.Unprocessable("role must be user, moderator or admin")
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetUserRole(ctx, accountID, role); err != nil {
			return fault.NotFoundOr(err)
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, accountID, accountID, "")
	})
}
