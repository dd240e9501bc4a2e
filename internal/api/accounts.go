package api

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"strings"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/core/files"
	"herd/internal/core/timelines"
	"herd/internal/media"
)

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
	p, err := parseParamsWithin(r, maxProfileDataURIBytes, maxProfileBytes)
	if err != nil {
		return err
	}
	u := core.ProfileUpdate{
		DisplayName: strParam(p, "display_name"), Note: strParam(p, "note"),
		Locked: boolParam(p, "locked"), Bot: boolParam(p, "bot"), Discoverable: boolParam(p, "discoverable"),
		Indexable: boolParam(p, "indexable"), HideCollections: boolParam(p, "hide_collections"),
		Fields:  profileFieldsParam(p),
		Privacy: strParam(p, "source[privacy]"), Sensitive: boolParam(p, "source[sensitive]"),
		Language: strParam(p, "source[language]"),
	}
	for key, dst := range map[string]*io.Reader{"avatar": &u.Avatar, "header": &u.Header} {
		f, err := sentFile(r, p, key)
		if err != nil {
			return err
		}
		if f != nil {
			defer f.Close()
			*dst = f
		}
	}
	v, err := a.core.UpdateCredentials(r.Context(), viewerOf(r), u)
	if err != nil {
		return err
	}
	n, err := a.core.Social.CountFollowRequests(r.Context(), v)
	if err != nil {
		return err
	}
	return writeJSON(w, a.credentialAccount(v, n))
}

// deleteProfileImage handles DELETE /api/v1/profile/avatar and
// /api/v1/profile/header, answering the CredentialAccount.
func (a *API) deleteProfileImage(which files.ProfileImage) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := a.core.Files.DeleteProfileImage(r.Context(), viewerOf(r), which)
		if err != nil {
			return err
		}
		n, err := a.core.Social.CountFollowRequests(r.Context(), v)
		if err != nil {
			return err
		}
		return writeJSON(w, a.credentialAccount(v, n))
	}
}

// maxProfileBytes bounds a multipart update_credentials body: an avatar
// and a header each at the image limit, and the other fields. Images sent
// as data: URIs in a form or JSON body (held in memory, a third bigger
// than the file) are bounded lower, by maxProfileDataURIBytes.
const (
	maxProfileBytes        = 2*media.MaxImageBytes + 1<<20
	maxProfileDataURIBytes = 12 << 20
)

// sentFile is the image sent as key: a multipart file, or (as Paperclip
// accepts, and some clients send) a base64 data: URI in a plain field;
// nil when none was sent. Any other text there is not an image: 422.
func sentFile(r *http.Request, p params, key string) (io.ReadCloser, error) {
	if r.MultipartForm != nil && len(r.MultipartForm.File[key]) > 0 {
		return r.MultipartForm.File[key][0].Open()
	}
	s := p.str(key)
	if s == "" {
		return nil, nil
	}
	if head, data, ok := strings.Cut(s, ","); ok && strings.HasPrefix(head, "data:") && strings.HasSuffix(head, ";base64") {
		if b, err := base64.StdEncoding.DecodeString(data); err == nil {
			return io.NopCloser(bytes.NewReader(b)), nil
		}
	}
	field := strings.ToUpper(key[:1]) + key[1:]
	return nil, fault.Unprocessable("Validation failed: " + field + " content type is invalid")
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
	list, err := a.core.AccountsByIDs(r.Context(), idList(p))
	if err != nil {
		return err
	}
	return writeJSON(w, a.accountEntities(list))
}

// lookupAccount handles GET /api/v1/accounts/lookup?acct=; for a
// signed-in viewer, a remote address unknown or stale is resolved through
// WebFinger.
func (a *API) lookupAccount(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	acct, err := a.core.ResolveAccount(r.Context(), viewerOf(r), p.str("acct"))
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
	list, err := a.core.Social.Followers(r.Context(), viewerOf(r), id, pg)
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
	list, err := a.core.Social.Following(r.Context(), viewerOf(r), id, pg)
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
	f := timelines.AccountStatusFilter{
		Pinned: p.boolean("pinned", false), OnlyMedia: p.boolean("only_media", false),
		ExcludeReplies: p.boolean("exclude_replies", false), ExcludeReblogs: p.boolean("exclude_reblogs", false),
		Tagged: p.str("tagged"),
	}
	v := viewerOf(r)
	page, err := a.core.Timelines.AccountStatuses(r.Context(), v, id, f, pg)
	if err != nil {
		return err
	}
	if !f.Pinned {
		// Pins come in pin order, all at once: their ids make no cursor.
		a.setLinkHeader(w, r, page.NewestID, page.OldestID)
	}
	return a.writeStatuses(w, page.Statuses, v.AccountID())
}
