package core

import (
	"context"
	"net/url"
	"strings"

	"herd/internal/ids"
	"herd/internal/model"
)

// Search kinds, as Mastodon's type parameter names them.
const (
	SearchTypeAccounts = "accounts"
	SearchTypeHashtags = "hashtags"
	SearchTypeStatuses = "statuses"
)

// SearchQuery is GET /api/v2/search.
type SearchQuery struct {
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

// SearchResults is Mastodon's Search entity before rendering.
type SearchResults struct {
	Accounts []*model.Account
	Hashtags []*TagView
	Statuses []*model.StatusView
}

// Search runs a search as Mastodon's SearchService does: a URL (with
// resolve) is looked up rather than searched, on other servers too; a
// remote address finds that account, known or (with resolve) looked up; a query starting with "#",
// or holding "@" and a space, searches no accounts; one holding "@"
// searches no hashtags; statuses are searched only for a signed-in viewer.
// Offset applies only when a type is given.
func (c *Core) Search(ctx context.Context, v *model.Viewer, q SearchQuery) (*SearchResults, error) {
	res := &SearchResults{Accounts: []*model.Account{}, Hashtags: []*TagView{}, Statuses: []*model.StatusView{}}
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
		if u, err := url.Parse(query); err == nil && !c.IsLocalHost(u) {
			return res, c.resolveRemoteURL(ctx, v, query, want, res)
		}
		return res, c.resolveLocalURL(ctx, v, query, want, res)
	}
	var err error
	if want(SearchTypeAccounts) && !strings.HasPrefix(query, "#") && !(strings.Contains(query, "@") && strings.Contains(query, " ")) {
		res.Accounts, err = c.SearchAccounts(ctx, v, AccountSearch{Query: query, Limit: q.Limit, Offset: q.Offset,
			Following: q.Following, Resolve: q.Resolve})
		if err != nil {
			return nil, err
		}
	}
	if want(SearchTypeHashtags) && !strings.Contains(query, "@") {
		if res.Hashtags, err = c.searchTags(ctx, query, q.Limit, q.Offset); err != nil {
			return nil, err
		}
	}
	if want(SearchTypeStatuses) && v.AccountID() != 0 {
		if res.Statuses, err = c.searchStatuses(ctx, v, query, q); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// resolveLocalURL answers a URL query with the account or status it names
// on this instance (profile and status pages, and their ActivityPub ids).
// Other hosts need federation and find nothing yet.
func (c *Core) resolveLocalURL(ctx context.Context, v *model.Viewer, raw string, want func(string) bool, res *SearchResults) error {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Host, c.Config.Domain) {
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
	acct, err := c.LookupAccount(ctx, name)
	if err != nil || acct.Suspended() {
		return nil // an unknown address is simply not found
	}
	if statusID == "" {
		if want(SearchTypeAccounts) {
			res.Accounts = []*model.Account{acct}
		}
		return nil
	}
	id, ok := ids.Parse(statusID)
	if !ok || !want(SearchTypeStatuses) {
		return nil
	}
	st, err := c.VisibleStatus(ctx, v.AccountID(), id)
	if err != nil || st.AccountID != acct.ID || st.ReblogOfID != 0 {
		return nil
	}
	sv, err := c.StatusView(ctx, v.AccountID(), st)
	if err != nil {
		return nil
	}
	res.Statuses = []*model.StatusView{sv}
	return nil
}

// resolveRemoteURL answers a URL query on another server for a signed-in
// viewer: the account or status it names, fetched (and stored) through the
// Resolver when unknown, within RemoteResolveTimeout. A status is shown
// only when the viewer may see it.
func (c *Core) resolveRemoteURL(ctx context.Context, v *model.Viewer, raw string, want func(string) bool, res *SearchResults) error {
	if c.resolver == nil || v.AccountID() == 0 {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, RemoteResolveTimeout)
	defer cancel()
	a, st, err := c.resolver.ResolveURL(rctx, raw)
	if err != nil {
		c.Log.Info("resolving a URL failed", "url", raw, "err", err)
		return nil // what cannot be resolved is simply not found
	}
	switch {
	case a != nil && want(SearchTypeAccounts) && !a.Suspended():
		res.Accounts = []*model.Account{a}
	case st != nil && want(SearchTypeStatuses):
		visible, err := c.VisibleStatus(ctx, v.AccountID(), st.ID)
		if err != nil || visible.ReblogOfID != 0 {
			return nil
		}
		sv, err := c.StatusView(ctx, v.AccountID(), visible)
		if err != nil {
			return err
		}
		res.Statuses = []*model.StatusView{sv}
	}
	return nil
}
