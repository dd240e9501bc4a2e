package web

import (
	"net/http"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/core/links"
	"herd/internal/core/timelines"
	"herd/internal/ids"
	"herd/internal/model"
)

// profileData fills profile.html.
type profileData struct {
	Account  accountItem
	Tab      string // "posts", "with_replies" or "media"
	Pinned   []statusItem
	List     statusList
	Relation *model.Relationship // the viewer's relationship, nil for visitors and oneself
	Lists    []listItem          // the viewer's lists, for an account it follows or asked to
	Self     bool
	// MeLinks are the links of a local account's fields, given as
	// <link rel="me"> so that the pages they name can verify the account
	// (Mastodon does the same on its profile pages).
	MeLinks []string
	// Hidden says why the posts are not shown: the account blocks the
	// viewer ("blocked_by") or the viewer blocks it ("blocking").
	Hidden  string
	RSS     string // the account's feeds, local accounts only
	Atom    string
	Handle  string // the username, for profile:username
	Summary string // the bio as text
}

// ServeProfilePath serves a browser's GET of /@NAME, /@NAME@HOST, their
// tabs (/with_replies, /media), statuses (/@NAME/ID) and the feeds of a
// local account (/@NAME.rss, /@NAME.atom, and each tab's): the pages
// people share. The server routes ActivityPub clients' requests for the
// same URLs to the actor and Note documents instead.
func (h *Handler) ServeProfilePath(w http.ResponseWriter, r *http.Request) {
	h.profilePaths.ServeHTTP(w, r)
}

// profilePath is ServeProfilePath's handler, for anyone (routes.go).
func (h *Handler) profilePath(w http.ResponseWriter, r *http.Request) error {
	acct, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/@"), "/")
	var feed string
	if rest == "" {
		acct, feed = cutFeedFormat(acct)
	} else {
		rest, feed = cutFeedFormat(rest)
	}
	if acct == "" || strings.Contains(rest, "/") {
		return fault.ErrRecordNotFound
	}
	a, err := h.core.LookupAccount(r.Context(), acct)
	if err != nil {
		return err
	}
	if a.Suspended() {
		h.gone(w, r, a)
		return nil
	}
	switch {
	case feed != "" && (rest == "" || rest == "with_replies" || rest == "media"):
		return h.accountFeed(w, r, a, rest, feed)
	case feed != "":
		return fault.ErrRecordNotFound
	case rest == "" || rest == "with_replies" || rest == "media":
		return h.profile(w, r, h.viewer(r), a, rest)
	default:
		id, ok := ids.Parse(rest)
		if !ok {
			return fault.ErrRecordNotFound
		}
		return h.statusPage(w, r, h.viewer(r), a, id)
	}
}

// gone answers for a suspended account's pages: 410, as Mastodon, with a
// word for the person who followed a link there.
func (h *Handler) gone(w http.ResponseWriter, r *http.Request, a *model.Account) {
	p := h.newPage(r, "Account suspended", h.viewer(r), nil)
	p.Error = "@" + h.accountItem(a).Handle[1:] + " has been suspended, and its posts are no longer shown here."
	p.Meta = &pageMeta{NoIndex: true}
	h.render(w, r, http.StatusGone, "error", p)
}

// profile shows an account's page: its profile, pinned posts on the first
// page of its posts, and its posts as the viewer may see them.
func (h *Handler) profile(w http.ResponseWriter, r *http.Request, v *model.Viewer, a *model.Account, tab string) error {
	ctx := r.Context()
	d := &profileData{Account: h.accountItem(a), Tab: tab, Handle: a.Username, Summary: plainText(a.Note, 300)}
	if d.Tab == "" {
		d.Tab = "posts"
	}
	if v != nil {
		d.Self = v.AccountID() == a.ID
		if !d.Self {
			rels, err := h.core.Social.Relationships(ctx, v, []int64{a.ID}, false)
			if err != nil {
				return err
			}
			if len(rels) == 1 {
				d.Relation = rels[0]
			}
			if rel := d.Relation; rel != nil && (rel.Following || rel.Requested) {
				if d.Lists, err = h.profileLists(ctx, v, a.ID); err != nil {
					return err
				}
			}
		}
	}
	if rel := d.Relation; rel != nil && rel.BlockedBy {
		d.Hidden = "blocked_by"
	} else if rel != nil && rel.Blocking {
		d.Hidden = "blocking"
	}
	p := h.newPage(r, d.Account.PlainName+" ("+d.Account.Handle+")", v, d)
	if d.Self {
		p.Nav = "profile"
	}
	p.Meta = &pageMeta{Description: d.Summary, Image: d.Account.Avatar, URL: d.Account.OriginURL,
		Type: "profile", Card: "summary", NoIndex: !a.Local() || !a.Indexable}
	if a.Local() {
		p.Meta.ActivityURL = a.URI
		feeds := d.Account.OriginURL // the absolute address, as feed readers keep it
		if tab != "" {
			feeds += "/" + tab
		}
		d.RSS, d.Atom = feeds+".rss", feeds+".atom"
		p.Meta.FeedURL = d.RSS
		d.MeLinks = meLinks(a)
	}
	d.List = statusList{Page: p, Empty: "No posts here yet."}
	if d.Hidden != "" {
		h.render(w, r, http.StatusOK, "profile", p)
		return nil
	}
	f := timelines.AccountStatusFilter{ExcludeReplies: tab == "", OnlyMedia: tab == "media"}
	sp, err := h.core.Timelines.AccountStatuses(ctx, v, a.ID, f, peekPage(r))
	if err != nil {
		return err
	}
	d.List.Older = olderThanPage(r, sp)
	if d.Tab == "posts" && r.URL.Query().Get("max_id") == "" {
		pinned, err := h.core.Timelines.AccountStatuses(ctx, v, a.ID, timelines.AccountStatusFilter{Pinned: true}, maxIDPage(r))
		if err != nil {
			return err
		}
		d.Pinned = h.statusItems(v, pinned.Statuses)
		for i := range d.Pinned {
			d.Pinned[i].InPinned = true
		}
	}
	d.List.Items = h.statusItems(v, sp.Statuses)
	h.render(w, r, http.StatusOK, "profile", p)
	return nil
}

// meLinks lists the web addresses of a local account's fields: the links
// Mastodon offers for rel="me" verification.
func meLinks(a *model.Account) []string {
	var out []string
	for _, f := range a.Fields {
		if u, ok := links.VerifiableURL(a, f.Value); ok {
			out = append(out, u)
		}
	}
	return out
}

// peekPage is maxIDPage asking for one status more than a page shows, so
// that olderThanPage knows whether an older page has anything on it.
func peekPage(r *http.Request) model.Page {
	p := maxIDPage(r)
	p.Limit++
	return p
}

// olderThanPage trims a page read with peekPage to the page's size and
// returns the link to the older page, "" when nothing is older.
func olderThanPage(r *http.Request, sp *timelines.StatusPage) string {
	if len(sp.Statuses) <= pageSize {
		return ""
	}
	sp.Statuses = sp.Statuses[:pageSize]
	return olderPage(r, sp.Statuses[pageSize-1].Status.ID)
}
