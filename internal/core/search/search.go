package search

import (
	"context"
	"net/url"
	"strings"

	"herd/internal/core/timelines"
	"herd/internal/ids"
	"herd/internal/model"
)

// Search kinds, as Mastodon's type parameter names them.
const (
	TypeAccounts = "accounts"
	TypeHashtags = "hashtags"
	TypeStatuses = "statuses"
)

// Query is GET /api/v2/search.
type Query struct {
	Q         string
	Type      string // "" for all kinds
	Resolve   bool   // look URLs and remote addresses up on other servers (signed-in viewers)
	Following bool   // accounts: only those the viewer follows
	AccountID int64  // statuses: only this author's
	MaxID     int64  // statuses
	MinID     int64  // statuses
	Limit     int
	Offset    int
}

// Results is Mastodon's Search entity before rendering.
type Results struct {
	Accounts []*model.Account
	Hashtags []*timelines.TagView
	Statuses []*model.StatusView
}

// Search runs a search as Mastodon's SearchService does: a URL (with
// resolve) is looked up rather than searched, on other servers too; a
// remote address finds that account, known or (with resolve) looked up; a query starting with "#",
// or holding "@" and a space, searches no accounts; one holding "@"
// searches no hashtags; statuses are searched only for a signed-in viewer.
// Offset applies only when a type is given.
func (s *Service) Search(ctx context.Context, v *model.Viewer, q Query) (*Results, error) {
	res := &Results{Accounts: []*model.Account{}, Hashtags: []*timelines.TagView{}, Statuses: []*model.StatusView{}}
	query := strings.TrimSpace(q.Q)
	if query == "" || q.Limit <= 0 {
		return res, nil
	}
	if q.Type == "" {
		q.Offset = 0
	}
	want := func(kind string) bool { return q.Type == "" || q.Type == kind }
	if q.Resolve && (strings.HasPrefix(query, "https://") || strings.HasPrefix(query, "http://")) {
		if q.Offset > 0 {
			return res, nil
		}
		if u, err := url.Parse(query); err == nil && !s.isLocalHost(u) {
			return res, s.resolveRemoteURL(ctx, v, query, want, res)
		}
		return res, s.resolveLocalURL(ctx, v, query, want, res)
	}
	var err error
	if want(TypeAccounts) && !strings.HasPrefix(query, "#") && !(strings.Contains(query, "@") && strings.Contains(query, " ")) {
		aq := q
		aq.Q = query
		res.Accounts, err = s.searchAccounts(ctx, v, aq)
		if err != nil {
			return nil, err
		}
	}
	if want(TypeHashtags) && !strings.Contains(query, "@") {
		if res.Hashtags, err = s.searchTags(ctx, query, q.Limit, q.Offset); err != nil {
			return nil, err
		}
	}
	if want(TypeStatuses) && v.AccountID() != 0 {
		if res.Statuses, err = s.searchStatuses(ctx, v, query, q); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// resolveLocalURL answers a URL query with the account or status it names
// on this instance (profile and status pages, and their ActivityPub ids).
// Other hosts need federation and find nothing yet.
func (s *Service) resolveLocalURL(ctx context.Context, v *model.Viewer, raw string, want func(string) bool, res *Results) error {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Host, s.site.Domain) {
		return nil
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	var name, statusID string
	switch {
	case len(parts) == 1 && strings.HasPrefix(parts[0], "@"):
		name = parts[0][1:]
	case len(parts) == 2 && strings.HasPrefix(parts[0], "@"):
		name, statusID = parts[0][1:], parts[1]
	case len(parts) == 2 && parts[0] == "users":
		name = parts[1]
	case len(parts) == 4 && parts[0] == "users" && parts[2] == "statuses":
		name, statusID = parts[1], parts[3]
	default:
		return nil
	}
	acct, err := s.lookupAccount(ctx, name)
	if err != nil || acct.Suspended() {
		return nil // an unknown address is simply not found
	}
	if statusID == "" {
		if want(TypeAccounts) {
			res.Accounts = []*model.Account{acct}
		}
		return nil
	}
	id, ok := ids.Parse(statusID)
	if !ok || !want(TypeStatuses) {
		return nil
	}
	st, err := s.visibleStatus(ctx, v.AccountID(), id)
	if err != nil || st.AccountID != acct.ID || st.ReblogOfID != 0 {
		return nil
	}
	sv, err := s.statusView(ctx, v.AccountID(), st)
	if err != nil {
		return nil
	}
	res.Statuses = []*model.StatusView{sv}
	return nil
}

// resolveRemoteURL answers a URL query on another server for a signed-in
// viewer: the account or status it names, fetched (and stored) through
// core's Resolver (Deps.ResolveURL) when unknown, within the resolve
// timeout (core's RemoteResolveTimeout). A status is shown
// only when the viewer may see it.
func (s *Service) resolveRemoteURL(ctx context.Context, v *model.Viewer, raw string, want func(string) bool, res *Results) error {
	if v.AccountID() == 0 {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, s.resolveTimeout)
	defer cancel()
	a, st, err := s.resolveURL(rctx, raw)
	if err != nil {
		s.log.Info("resolving a URL failed", "url", raw, "err", err)
		return nil // what cannot be resolved is simply not found
	}
	switch {
	case a != nil && want(TypeAccounts) && !a.Suspended():
		res.Accounts = []*model.Account{a}
	case st != nil && want(TypeStatuses):
		visible, err := s.visibleStatus(ctx, v.AccountID(), st.ID)
		if err != nil || visible.ReblogOfID != 0 {
			return nil
		}
		sv, err := s.statusView(ctx, v.AccountID(), visible)
		if err != nil {
			return err
		}
		res.Statuses = []*model.StatusView{sv}
	}
	return nil
}
