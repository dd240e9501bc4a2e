package api

import (
	"net/http"

	"herd/internal/core"
)

// Scopes and access as docs.joinmastodon.org/methods/accounts lists them.
func (a *API) accountRoutes() {
	a.handle("GET /api/v1/accounts/verify_credentials", user("profile", "read:accounts"), a.verifyCredentials)
	// Rails routes both PATCH and PUT to credentials#update.
	a.handle("PATCH /api/v1/accounts/update_credentials", user("write:accounts"), a.updateCredentials)
	a.handle("PUT /api/v1/accounts/update_credentials", user("write:accounts"), a.updateCredentials)
	a.handle("GET /api/v1/accounts", public, a.getAccounts)
	a.handle("GET /api/v1/accounts/{id}", public, a.getAccount)
	a.handle("GET /api/v1/accounts/lookup", public, a.lookupAccount)
	a.handle("GET /api/v1/accounts/search", user("read:accounts"), a.searchAccounts)
	a.handle("GET /api/v1/accounts/{id}/statuses", public, a.accountStatuses)
	a.handle("GET /api/v1/accounts/{id}/followers", public, a.followers)
	a.handle("GET /api/v1/accounts/{id}/following", public, a.following)
}

// verifyCredentials handles GET /api/v1/accounts/verify_credentials.
func (a *API) verifyCredentials(w http.ResponseWriter, r *http.Request) error {
	v, n, err := a.core.Credentials(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, a.credentialAccount(v, n))
}

// updateCredentials handles PATCH /api/v1/accounts/update_credentials.
func (a *API) updateCredentials(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	if sentFile(r, p, "avatar") || sentFile(r, p, "header") {
		return core.ErrUnprocessable("media uploads are not supported yet")
	}
	u := core.ProfileUpdate{
		DisplayName: strParam(p, "display_name"), Note: strParam(p, "note"),
		Locked: boolParam(p, "locked"), Bot: boolParam(p, "bot"), Discoverable: boolParam(p, "discoverable"),
		Indexable: boolParam(p, "indexable"), HideCollections: boolParam(p, "hide_collections"),
		Fields:  profileFieldsParam(p),
		Privacy: strParam(p, "source[privacy]"), Sensitive: boolParam(p, "source[sensitive]"),
		Language: strParam(p, "source[language]"),
	}
	v, err := a.core.UpdateCredentials(r.Context(), viewerOf(r), u)
	if err != nil {
		return err
	}
	n, err := a.core.CountFollowRequests(r.Context(), v)
	if err != nil {
		return err
	}
	return writeJSON(w, a.credentialAccount(v, n))
}

// sentFile reports whether an image was sent as key, as a multipart file
// or (as some clients do) an encoded string.
func sentFile(r *http.Request, p params, key string) bool {
	if r.MultipartForm != nil && len(r.MultipartForm.File[key]) > 0 {
		return true
	}
	return p.str(key) != ""
}

// strParam reads an optional string: nil when the parameter is absent.
func strParam(p params, key string) *string {
	if !p.has(key) {
		return nil
	}
	s := p.str(key)
	return &s
}

// getAccount handles GET /api/v1/accounts/{id}.
func (a *API) getAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	acct, err := a.core.Account(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, a.accountEntity(acct))
}

// getAccounts handles GET /api/v1/accounts?id[]=…: the accounts that
// exist, in the order asked.
func (a *API) getAccounts(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	list, err := a.core.Accounts(r.Context(), idList(p))
	if err != nil {
		return err
	}
	return writeJSON(w, a.accountEntities(list))
}

// lookupAccount handles GET /api/v1/accounts/lookup?acct=; a remote
// address unknown or stale is resolved through WebFinger.
func (a *API) lookupAccount(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	acct, err := a.core.ResolveAccount(r.Context(), p.str("acct"))
	if err != nil {
		return err
	}
	return writeJSON(w, a.accountEntity(acct))
}

// searchAccounts handles GET /api/v1/accounts/search; with resolve, a
// remote address not known yet is looked up through WebFinger.
func (a *API) searchAccounts(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	limit, err := p.integer("limit", 40)
	if err != nil {
		return err
	}
	offset, err := p.integer("offset", 0)
	if err != nil {
		return err
	}
	limit = min(max(limit, 1), 80)
	list, err := a.core.SearchAccounts(r.Context(), viewerOf(r), core.AccountSearch{
		Query: p.str("q"), Limit: limit, Offset: max(offset, 0), Following: p.boolean("following", false),
		Resolve: p.boolean("resolve", false)})
	if err != nil {
		return err
	}
	return writeJSON(w, a.accountEntities(list))
}

// followers handles GET /api/v1/accounts/{id}/followers.
func (a *API) followers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := accountListPage(r)
	if err != nil {
		return err
	}
	list, err := a.core.Followers(r.Context(), viewerOf(r), id, pg)
	return a.writeAccountList(w, r, list, err)
}

// following handles GET /api/v1/accounts/{id}/following.
func (a *API) following(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := accountListPage(r)
	if err != nil {
		return err
	}
	list, err := a.core.Following(r.Context(), viewerOf(r), id, pg)
	return a.writeAccountList(w, r, list, err)
}

// accountStatuses handles GET /api/v1/accounts/{id}/statuses: 20 by
// default, at most 40, with pinned, only_media, exclude_replies,
// exclude_reblogs and tagged as Mastodon filters them.
func (a *API) accountStatuses(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	pg, err := pageParams(p, 20, 40)
	if err != nil {
		return err
	}
	f := core.AccountStatusFilter{
		Pinned: p.boolean("pinned", false), OnlyMedia: p.boolean("only_media", false),
		ExcludeReplies: p.boolean("exclude_replies", false), ExcludeReblogs: p.boolean("exclude_reblogs", false),
		Tagged: p.str("tagged"),
	}
	v := viewerOf(r)
	page, err := a.core.AccountStatuses(r.Context(), v, id, f, pg)
	if err != nil {
		return err
	}
	if !f.Pinned {
		// Pins come in pin order, all at once: their ids make no cursor.
		a.setLinkHeader(w, r, page.NewestID, page.OldestID)
	}
	return a.writeStatuses(w, page.Statuses, v.AccountID())
}
