package api

import (
	"net/http"

	"herd/internal/core/social"
	"herd/internal/ids"
	"herd/internal/model"
)

// Relationship is Mastodon's Relationship entity.
type Relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"` // per-follow language filters are not kept: always null
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	MutingExpiresAt     *string  `json:"muting_expires_at"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

func relationshipEntity(r *model.Relationship) Relationship {
	e := Relationship{
		ID: ids.Format(r.ID), Following: r.Following, ShowingReblogs: r.ShowingReblogs, Notifying: r.Notifying,
		FollowedBy: r.FollowedBy, Blocking: r.Blocking, BlockedBy: r.BlockedBy, Muting: r.Muting,
		MutingNotifications: r.MutingNotifications, Requested: r.Requested, RequestedBy: r.RequestedBy,
		DomainBlocking: r.DomainBlocking, Endorsed: r.Endorsed, Note: r.Note,
	}
	if r.MutingExpiresAt != nil {
		s := timestamp(*r.MutingExpiresAt)
		e.MutingExpiresAt = &s
	}
	return e
}

// writeRelationship answers a relationship change with the new state.
func writeRelationship(w http.ResponseWriter, r *model.Relationship, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, relationshipEntity(r))
}

// FamiliarFollowers is Mastodon's FamiliarFollowers entity.
type FamiliarFollowers struct {
	ID       string    `json:"id"`
	Accounts []Account `json:"accounts"`
}

// MutedAccount is an Account in the viewer's mute list, with when the mute
// ends (null for a mute without end).
type MutedAccount struct {
	Account
	MuteExpiresAt *string `json:"mute_expires_at"`
}

// writeAccountList renders a page of listed accounts with Mastodon's Link
// header over the cursors of the rows that listed them.
func (a *API) writeAccountList(w http.ResponseWriter, r *http.Request, list []social.ListedAccount, err error) error {
	if err != nil {
		return err
	}
	if len(list) > 0 {
		a.setLinkHeader(w, r, list[0].Cursor, list[len(list)-1].Cursor)
	}
	out := make([]Account, 0, len(list))
	for _, l := range list {
		out = append(out, a.accountEntity(l.Account))
	}
	return writeJSON(w, out)
}

// writeMuteList is writeAccountList for the mute list, whose entries say
// when each mute ends.
func (a *API) writeMuteList(w http.ResponseWriter, r *http.Request, list []social.ListedAccount, err error) error {
	if err != nil {
		return err
	}
	if len(list) > 0 {
		a.setLinkHeader(w, r, list[0].Cursor, list[len(list)-1].Cursor)
	}
	out := make([]MutedAccount, 0, len(list))
	for _, l := range list {
		m := MutedAccount{Account: a.accountEntity(l.Account)}
		if l.MuteExpiresAt != nil {
			s := timestamp(*l.MuteExpiresAt)
			m.MuteExpiresAt = &s
		}
		out = append(out, m)
	}
	return writeJSON(w, out)
}

// maxIDList bounds how many ids one request may ask about, so a query
// never carries more parameters than the databases accept.
const maxIDList = 1000

// idList reads id[] (or repeated id) parameters; ids that cannot be ids
// name no account and are skipped, as Mastodon's to_i lookups find nothing.
// Past maxIDList ids the rest are ignored.
func idList(p params) []int64 {
	var out []int64
	for _, s := range p.list("id") {
		if len(out) == maxIDList {
			break
		}
		if id, ok := ids.Parse(s); ok {
			out = append(out, id)
		}
	}
	return out
}
