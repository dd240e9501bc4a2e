package api

import (
	"time"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/model"
)

// Account is Mastodon's Account entity: the profile, which only changes
// when its owner edits it (cached pre-serialized, see appendAccount), then
// the counters, which change with everyone's actions.
type Account struct {
	AccountProfile
	FollowersCount int64   `json:"followers_count"`
	FollowingCount int64   `json:"following_count"`
	StatusesCount  int64   `json:"statuses_count"`
	LastStatusAt   *string `json:"last_status_at"`
	// Emojis are found when rendering, not cached with the profile
	// (files.Service.AccountEmojis).
	Emojis    []CustomEmoji `json:"emojis"`
	Suspended bool          `json:"suspended,omitempty"`
}

// AccountProfile is the part of an Account that only its owner changes.
type AccountProfile struct {
	ID              string        `json:"id"`
	Username        string        `json:"username"`
	Acct            string        `json:"acct"`
	DisplayName     string        `json:"display_name"`
	Locked          bool          `json:"locked"`
	Bot             bool          `json:"bot"`
	Discoverable    bool          `json:"discoverable"`
	Indexable       bool          `json:"indexable"`
	Group           bool          `json:"group"`
	HideCollections bool          `json:"hide_collections"`
	Noindex         bool          `json:"noindex"`
	CreatedAt       string        `json:"created_at"`
	Note            string        `json:"note"`
	URL             string        `json:"url"`
	URI             string        `json:"uri"`
	Avatar          string        `json:"avatar"`
	AvatarStatic    string        `json:"avatar_static"`
	Header          string        `json:"header"`
	HeaderStatic    string        `json:"header_static"`
	Fields          []model.Field `json:"fields"`
	Roles           []any         `json:"roles"`
}

// CredentialAccount is the Account a user sees of themselves.
type CredentialAccount struct {
	Account
	Source Source `json:"source"`
	Role   Role   `json:"role"`
}

// Source is the editable form of a user's profile and posting defaults.
type Source struct {
	Privacy             string        `json:"privacy"`
	Sensitive           bool          `json:"sensitive"`
	Language            string        `json:"language"`
	Note                string        `json:"note"`
	Fields              []model.Field `json:"fields"`
	FollowRequestsCount int64         `json:"follow_requests_count"`
	Indexable           bool          `json:"indexable"`
	Discoverable        bool          `json:"discoverable"`
	HideCollections     bool          `json:"hide_collections"`
}

// Role is a user's role as Mastodon renders it (permissions is a bitmask
// string: 1 = administrator).
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Permissions string `json:"permissions"`
	Highlighted bool   `json:"highlighted"`
}

// timestamp formats a time as Mastodon does: UTC, milliseconds, Z.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (a *API) accountEntity(acct *model.Account) Account {
	e := Account{AccountProfile: a.accountProfile(acct),
		FollowersCount: acct.FollowersCount, FollowingCount: acct.FollowingCount, StatusesCount: acct.StatusesCount,
		LastStatusAt: lastStatusDay(acct.LastStatusAt), Emojis: a.accountEmojis(acct),
	}
	if acct.Suspended() {
		// Mastodon 3.3+: a suspended account renders with suspended: true and
		// its profile emptied.
		e.Suspended = true
		e.DisplayName, e.Note, e.Fields, e.Emojis = "", "", []model.Field{}, []CustomEmoji{}
		e.FollowersCount, e.FollowingCount, e.StatusesCount = 0, 0, 0
	}
	return e
}

// lastStatusDay is last_status_at as Mastodon shows it: the day only.
func lastStatusDay(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.UTC().Format("2006-01-02")
	return &d
}

func (a *API) accountProfile(acct *model.Account) AccountProfile {
	// Images are stored static, so *_static is the same file.
	avatar, _ := a.core.Files.AccountAvatar(acct)
	header, _ := a.core.Files.AccountHeader(acct)
	fields := make([]model.Field, 0, len(acct.Fields))
	for _, f := range acct.Fields {
		if acct.Local() {
			// Local fields are stored as typed (source.fields shows them so);
			// the entity carries HTML, as Mastodon's account_field_value_format.
			f.Value = core.FieldHTML(f.Value)
		}
		fields = append(fields, f)
	}
	p := AccountProfile{
		ID: ids.Format(acct.ID), Username: acct.Username, Acct: acct.Acct(), DisplayName: acct.DisplayName,
		Locked: acct.Locked, Bot: acct.Bot, Discoverable: acct.Discoverable, Indexable: acct.Indexable,
		HideCollections: acct.HideCollections, Noindex: !acct.Indexable,
		// Mastodon shows only the day an account was created, at midnight UTC.
		CreatedAt: timestamp(acct.CreatedAt.UTC().Truncate(24 * time.Hour)),
		Note:      acct.Note, URL: acct.URL, URI: acct.URI,
		Avatar: avatar, AvatarStatic: avatar, Header: header, HeaderStatic: header,
		Fields: fields, Roles: []any{},
	}
	if acct.Local() {
		if p.URL == "" {
			p.URL = a.core.AccountURL(acct.Username)
		}
		if p.URI == "" {
			p.URI = a.core.AccountURI(acct.Username)
		}
	}
	return p
}

func (a *API) accountEntities(list []*model.Account) []Account {
	out := make([]Account, 0, len(list))
	for _, acct := range list {
		out = append(out, a.accountEntity(acct))
	}
	return out
}

func roleEntity(role string) Role {
	switch role {
	case model.RoleAdmin:
		return Role{ID: "3", Name: "Admin", Color: "", Permissions: "1", Highlighted: true}
	case model.RoleModerator:
		// Moderation bits: manage reports, users and taxonomies, as a Mastodon moderator holds.
		return Role{ID: "2", Name: "Moderator", Color: "", Permissions: "1308", Highlighted: true}
	}
	return Role{ID: "-99", Name: "", Color: "", Permissions: "65536", Highlighted: false}
}

// credentialAccount renders the viewer's own account with its source.
func (a *API) credentialAccount(v *model.Viewer, followRequests int64) CredentialAccount {
	acct, u := v.Account, v.User
	fields := acct.Fields
	if fields == nil {
		fields = []model.Field{}
	}
	source := make([]model.Field, len(fields))
	copy(source, fields)
	return CredentialAccount{
		Account: a.accountEntity(acct),
		Source: Source{
			Privacy: string(u.DefaultPrivacy), Sensitive: u.DefaultSensitive, Language: u.DefaultLanguage,
			Note: acct.NoteSource, Fields: source, FollowRequestsCount: followRequests,
			Indexable: acct.Indexable, Discoverable: acct.Discoverable, HideCollections: acct.HideCollections,
		},
		Role: roleEntity(u.Role),
	}
}

// accountEmojis is the emojis array of an account: the emoji of its
// domain named in its display name, note and fields.
func (a *API) accountEmojis(acct *model.Account) []CustomEmoji {
	if acct.Suspended() {
		return []CustomEmoji{}
	}
	return a.emojiEntities(a.core.Files.AccountEmojis(acct))
}
