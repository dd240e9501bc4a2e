// Package model holds Herd's plain domain types, shared by store, core and
// the adapters. They carry data only; rules live in core.
package model

import "time"

// Visibility is who may see a status, as Mastodon names it.
type Visibility string

// The four visibilities, from widest to narrowest.
const (
	Public   Visibility = "public"
	Unlisted Visibility = "unlisted"
	Private  Visibility = "private" // followers only
	Direct   Visibility = "direct"  // mentioned accounts only
)

// Valid reports whether v is one of the four visibilities.
func (v Visibility) Valid() bool {
	switch v {
	case Public, Unlisted, Private, Direct:
		return true
	}
	return false
}

// Rank orders visibilities from widest (0) to narrowest (3), so a reply or
// boost can be kept no wider than what it answers.
func (v Visibility) Rank() int {
	switch v {
	case Public:
		return 0
	case Unlisted:
		return 1
	case Private:
		return 2
	}
	return 3
}

// Field is one name/value pair of a profile's metadata table.
type Field struct {
	Name       string     `json:"name"`
	Value      string     `json:"value"`
	VerifiedAt *time.Time `json:"verified_at"`
}

// Account is a local or remote actor.
type Account struct {
	ID              int64
	Username        string
	Domain          string // "" for local accounts
	DisplayName     string
	Note            string // HTML
	NoteSource      string
	Fields          []Field
	Locked          bool
	Bot             bool
	Discoverable    bool
	Indexable       bool
	HideCollections bool
	AvatarURL       string // remote accounts: the origin server's image
	HeaderURL       string
	AvatarKey       string // media storage key of the processed image, "" for none
	HeaderKey       string
	URI             string
	URL             string
	InboxURL        string
	SharedInboxURL  string
	PublicKey       string
	PrivateKey      string
	StatusesCount   int64
	FollowersCount  int64
	FollowingCount  int64
	LastStatusAt    *time.Time
	SuspendedAt     *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// JSON is the rendered profile, shared by copies of a cached row (see
	// Fragment); nil for rows not from the account cache.
	JSON *Fragment
}

// Local reports whether the account lives on this instance.
func (a *Account) Local() bool { return a.Domain == "" }

// Acct is the account's address as Mastodon shows it: "name" for local
// accounts and "name@domain" for remote ones.
func (a *Account) Acct() string {
	if a.Domain == "" {
		return a.Username
	}
	return a.Username + "@" + a.Domain
}

// Suspended reports whether the account is suspended.
func (a *Account) Suspended() bool { return a.SuspendedAt != nil }

// Roles a local user can hold.
const (
	RoleUser      = "user"
	RoleModerator = "moderator"
	RoleAdmin     = "admin"
)

// User is the local person behind a local account.
type User struct {
	AccountID        int64
	Email            string
	PasswordHash     string
	Role             string
	Approved         bool
	Confirmed        bool
	Reason           string
	Locale           string
	DefaultPrivacy   Visibility
	DefaultSensitive bool
	DefaultLanguage  string
	LastActiveAt     time.Time
	CreatedAt        time.Time
}

// LocalUser pairs a local user with its account, for listings.
type LocalUser struct {
	Account *Account
	User    *User
}

// App is a registered OAuth client application.
type App struct {
	ID           int64
	Name         string
	Website      string
	RedirectURIs []string
	Scopes       []string
	ClientID     string
	ClientSecret string
	CreatedAt    time.Time
}

// Token is an OAuth access token. AccountID is 0 for an app-only token
// (client_credentials grant).
type Token struct {
	ID        int64
	AppID     int64
	AccountID int64
	Scopes    []string
	CreatedAt time.Time
	RevokedAt *time.Time
}
