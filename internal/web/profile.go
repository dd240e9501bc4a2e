package web

import (
	"net/http"
	"strings"

	"herd/internal/core"
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
	Self     bool
}

// statusPageData fills status.html: the status and its thread.
type statusPageData struct {
	Ancestors   []statusItem
	Status      statusItem
	Descendants []statusItem
	Page        *page
	Compose     *composeData // the reply form, for a signed-in viewer
}

func (d *statusPageData) composer() *composeData { return d.Compose }

// ServeProfilePath serves a browser's GET of /@NAME, /@NAME@HOST, their
// tabs (/with_replies, /media) and statuses (/@NAME/ID): the pages people
// share. The server routes ActivityPub clients' requests for the same
// URLs to the actor and Note documents instead.
func (h *Handler) ServeProfilePath(w http.ResponseWriter, r *http.Request) {
	acct, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/@"), "/")
	if acct == "" || strings.Contains(rest, "/") {
		h.fail(w, r, core.ErrRecordNotFound)
		return
	}
	v := h.viewer(r)
	a, err := h.core.LookupAccount(r.Context(), acct)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if a.Suspended() {
		h.fail(w, r, core.ErrAccountGone)
		return
	}
	switch rest {
	case "", "with_replies", "media":
		h.profile(w, r, v, a, rest)
	default:
		id, ok := ids.Parse(rest)
		if !ok {
			h.fail(w, r, core.ErrRecordNotFound)
			return
		}
		h.statusPage(w, r, v, a, id)
	}
}

// profile shows an account's page: its profile, pinned posts on the first
// page of its posts, and its posts as the viewer may see them.
func (h *Handler) profile(w http.ResponseWriter, r *http.Request, v *core.Viewer, a *model.Account, tab string) {
	ctx := r.Context()
	f := core.AccountStatusFilter{ExcludeReplies: tab == "", OnlyMedia: tab == "media"}
	sp, err := h.core.AccountStatuses(ctx, v, a.ID, f, maxIDPage(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if tab == "" {
		tab = "posts"
	}
	d := &profileData{Account: h.accountItem(a), Tab: tab}
	if tab == "posts" && r.URL.Query().Get("max_id") == "" {
		pinned, err := h.core.AccountStatuses(ctx, v, a.ID, core.AccountStatusFilter{Pinned: true}, maxIDPage(r))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Pinned = h.statusItems(v, pinned.Statuses)
	}
	if v != nil {
		d.Self = v.AccountID() == a.ID
		if !d.Self {
			rels, err := h.core.Relationships(ctx, v, []int64{a.ID}, false)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if len(rels) == 1 {
				d.Relation = rels[0]
			}
		}
	}
	p := h.newPage(r, d.Account.PlainName+" ("+d.Account.Handle+")", v, d)
	if d.Self {
		p.Nav = "profile"
	}
	p.Meta = &pageMeta{Description: plainText(a.Note, 300), Image: d.Account.Avatar, URL: d.Account.OriginURL,
		Type: "profile", NoIndex: !a.Local() || !a.Indexable}
	if a.Local() {
		p.Meta.ActivityURL = a.URI
	}
	d.List = statusList{Items: h.statusItems(v, sp.Statuses), Page: p, Empty: "No posts here yet."}
	if len(sp.Statuses) > 0 {
		d.List.Older = olderLink(r, sp)
	}
	h.render(w, r, http.StatusOK, "profile", p)
}

// statusPage shows a status with its thread. A status shown under another
// account's name is sent to its own address.
func (h *Handler) statusPage(w http.ResponseWriter, r *http.Request, v *core.Viewer, a *model.Account, id int64) {
	ctx := r.Context()
	sv, err := h.core.Status(ctx, v, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if sv.Status.AccountID != a.ID {
		h.fail(w, r, core.ErrRecordNotFound)
		return
	}
	if sv.Reblog != nil { // a boost's page is the boosted status's
		http.Redirect(w, r, h.statusItem(v, sv.Reblog).Page, http.StatusFound)
		return
	}
	thread, err := h.core.Context(ctx, v, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &statusPageData{Status: h.statusItem(v, sv), Ancestors: h.statusItems(v, thread.Ancestors),
		Descendants: h.statusItems(v, thread.Descendants)}
	d.Status.Focus = true
	if v != nil {
		c := h.newCompose(v)
		c.InReplyToID = d.Status.ID
		c.Button = "Reply"
		if sv.Status.Visibility == model.Direct || sv.Status.Visibility == model.Private {
			c.Visibility = string(sv.Status.Visibility)
		}
		c.Text = replyMentions(v, sv)
		d.Compose = c
	}
	p := h.newPage(r, d.Status.Account.PlainName+": "+plainText(sv.Status.SpoilerText+" "+sv.Status.Content, 60), v, d)
	d.Page = p
	p.Meta = &pageMeta{Description: plainText(sv.Status.Content, 300), URL: d.Status.OriginURL, Type: "article",
		NoIndex: !a.Local() || !a.Indexable}
	if sv.Status.SpoilerText != "" {
		p.Meta.Description = "Content warning: " + sv.Status.SpoilerText
	} else if len(d.Status.Media) > 0 && d.Status.Media[0].Type == "image" && !sv.Status.Sensitive {
		p.Meta.Image = d.Status.Media[0].URL
	}
	if p.Meta.Image == "" {
		p.Meta.Image = d.Status.Account.Avatar
	}
	if sv.Status.Local {
		p.Meta.ActivityURL = sv.Status.URI
	}
	h.render(w, r, http.StatusOK, "status", p)
}

// replyMentions starts a reply with the author's and the other mentioned
// accounts' addresses, as Mastodon's composer does, leaving out the
// viewer.
func replyMentions(v *core.Viewer, sv *core.StatusView) string {
	var b strings.Builder
	seen := map[int64]bool{v.AccountID(): true}
	for _, a := range append([]*model.Account{sv.Account}, sv.Mentions...) {
		if seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		b.WriteString("@" + a.Acct() + " ")
	}
	return b.String()
}

// statusRedirect handles GET /statuses/{id}: the status's page.
func (h *Handler) statusRedirect(w http.ResponseWriter, r *http.Request) {
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		h.fail(w, r, core.ErrRecordNotFound)
		return
	}
	v := h.viewer(r)
	sv, err := h.core.Status(r.Context(), v, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, h.statusItem(v, sv).Page, http.StatusFound)
}
