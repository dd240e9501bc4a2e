package web

import (
	"net/http"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
)

// statusPageData fills status.html: the status and its thread.
type statusPageData struct {
	Ancestors   []statusItem
	Status      statusItem
	Descendants []statusItem
	Page        *page
	Compose     *composeData // the reply form, for a signed-in viewer
	Published   string       // RFC 3339, for article:published_time
	Modified    string
	Username    string // the author's, for profile:username
}

func (d *statusPageData) composer() *composeData { return d.Compose }

// statusPage shows a status with its thread. A status shown under another
// account's name is not found; a boost's page is the boosted status's.
func (h *Handler) statusPage(w http.ResponseWriter, r *http.Request, v *model.Viewer, a *model.Account, id int64) error {
	ctx := r.Context()
	sv, err := h.core.Status(ctx, v, id)
	if err != nil {
		return err
	}
	if sv.Status.AccountID != a.ID {
		return fault.ErrRecordNotFound
	}
	if sv.Reblog != nil {
		http.Redirect(w, r, h.statusItem(v, sv.Reblog).Page, http.StatusFound)
		return nil
	}
	thread, err := h.core.Context(ctx, v, id)
	if err != nil {
		return err
	}
	st := sv.Status
	d := &statusPageData{Status: h.statusItem(v, sv), Ancestors: h.statusItems(v, thread.Ancestors),
		Descendants: h.statusItems(v, thread.Descendants), Username: sv.Account.Username,
		Published: st.CreatedAt.UTC().Format(time.RFC3339)}
	if st.EditedAt != nil {
		d.Modified = st.EditedAt.UTC().Format(time.RFC3339)
	}
	d.Status.Focus = true
	d.Status.When = st.CreatedAt.UTC().Format("2 January 2006, 15:04 UTC")
	if n := len(d.Ancestors); n > 0 && d.Ancestors[n-1].ID == d.Status.ReplyToID {
		d.Status.ReplyToPage = d.Ancestors[n-1].OriginURL // the parent is known: link it by its own address
	}
	if v != nil {
		c := h.newCompose(v)
		c.InReplyToID = d.Status.ID
		c.Button = "Reply"
		if st.Visibility == model.Direct || st.Visibility == model.Private {
			c.Visibility = string(st.Visibility)
		}
		c.Text = replyMentions(v, sv)
		d.Compose = c
	}
	title := plainText(st.Content, 60) // behind a content warning, only the warning
	if st.SpoilerText != "" {
		title = plainText(st.SpoilerText, 60)
	}
	p := h.newPage(r, d.Status.Account.PlainName+": "+title, v, d)
	d.Page = p
	p.Meta = statusMeta(d.Status, st, a)
	if st.Local {
		p.Meta.ActivityURL = st.URI
	}
	h.render(w, r, http.StatusOK, "status", p)
	return nil
}

// statusMeta is what link previews show of a status, as Mastodon's status
// pages: the post's text, or only its content warning; its first image
// as a large card unless the media is sensitive, else the author's avatar
// as a small one.
func statusMeta(s statusItem, st *model.Status, a *model.Account) *pageMeta {
	m := &pageMeta{Description: plainText(st.Content, 300), URL: s.OriginURL, Type: "article", Card: "summary",
		NoIndex: !a.Local() || !a.Indexable}
	if st.SpoilerText != "" {
		m.Description = "Content warning: " + plainText(st.SpoilerText, 300)
	}
	if len(s.Media) > 0 && !s.Sensitive {
		if first := s.Media[0]; first.Type == "image" && first.URL != "" {
			m.Image, m.ImageAlt, m.Card = first.URL, first.Description, "summary_large_image"
		}
	}
	if n := len(s.Media); n > 0 && st.SpoilerText == "" {
		m.Description = strings.TrimSpace(attachedSummary(s.Media) + " " + m.Description)
	}
	if m.Image == "" {
		m.Image = s.Account.Avatar
	}
	return m
}

// attachedSummary says what a post carries, for link previews that show
// no media: "Attached: 2 images".
func attachedSummary(media []mediaItem) string {
	counts := map[string]int{}
	var order []string
	for _, m := range media {
		kind := m.Type
		if kind == "gifv" {
			kind = "video"
		}
		if counts[kind] == 0 {
			order = append(order, kind)
		}
		counts[kind]++
	}
	parts := make([]string, 0, len(order))
	for _, kind := range order {
		n := counts[kind]
		word := kind
		if n > 1 {
			word += "s"
		}
		parts = append(parts, itoa(n)+" "+word)
	}
	return "Attached: " + strings.Join(parts, ", ") + "."
}

func itoa(n int) string { return compactCount(int64(n)) }

// replyMentions starts a reply with the author's and the other mentioned
// accounts' addresses, as Mastodon's composer does, leaving out the
// viewer.
func replyMentions(v *model.Viewer, sv *model.StatusView) string {
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
func (h *Handler) statusRedirect(w http.ResponseWriter, r *http.Request) error {
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return fault.ErrRecordNotFound
	}
	v := h.viewer(r)
	sv, err := h.core.Status(r.Context(), v, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, h.statusItem(v, sv).Page, http.StatusFound)
	return nil
}
