package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/text"
)

// accountItem is an account as the templates show it. Name and Note are
// HTML: the display name escaped, the bio Herd's rendering or remote HTML
// sanitized when it was received, custom emoji as images in both.
type accountItem struct {
	ID          string
	Acct        string // "name" or "name@host"
	Handle      string // "@name@host", always with the host
	Name        template.HTML
	PlainName   string // the display name as text (titles, alt text), the username when empty
	Note        template.HTML
	Fields      []fieldItem
	Page        string // this site's page of the account
	OriginURL   string // the account's page on its own server
	Avatar      string
	Header      string
	HasHeader   bool
	Locked, Bot bool
	Local       bool
	Statuses    int64
	Followers   int64
	Following   int64
	HideCounts  bool
	Suspended   bool
	JoinedISO   string
	Joined      string
}

// fieldItem is a profile field; Value is HTML, VerifiedAt set once the
// linked page linked back with rel=me.
type fieldItem struct {
	Name     template.HTML
	Value    template.HTML
	Verified bool
}

// statusItem is a status as the templates show it. For a boost, the item
// is the boosted status with BoostedBy set.
type statusItem struct {
	ID          string
	Page        string // this site's page of the status
	OriginURL   string // its page on its own server
	Account     accountItem
	BoostedBy   *accountItem
	Content     template.HTML
	SpoilerText template.HTML
	Sensitive   bool
	Visibility  string
	Language    string
	CreatedISO  string
	Created     string // a short date for people
	Edited      bool
	ReplyToID   string
	ReplyToPage string
	ReplyToAcct string // whom it answers, when known: "name" or "name@host"
	Media       []mediaItem
	Card        *cardItem
	Mentions    []accountItem
	Replies     int64
	Reblogs     int64
	Favourites  int64
	Favourited  bool
	Reblogged   bool
	Bookmarked  bool
	Pinned      bool
	Own         bool   // the viewer wrote it
	CanBoost    bool   // public or unlisted, or the viewer's own private post
	Focus       bool   // the status a thread page is about
	InPinned    bool   // shown among a profile's pinned posts
	When        string // the full date and time, under a thread's focused status
}

// mediaItem is an attachment.
type mediaItem struct {
	Type        string // image, gifv, video, audio
	URL         string
	Preview     string
	Description string
	Width       int
	Height      int
	Processing  bool
}

// cardItem is a link's preview card; its text is plain text (escaped by
// the template) and its image the copy in media storage.
type cardItem struct {
	URL, Title, Description, Provider, Image string
}

func (h *Handler) accountItem(a *model.Account) accountItem {
	texts := []string{a.DisplayName, a.Note}
	for _, f := range a.Fields {
		texts = append(texts, f.Name, f.Value)
	}
	urls := h.core.Files.EmojiURLs(a.Domain, texts...)
	plain := a.DisplayName
	if plain == "" {
		plain = a.Username
	}
	host := a.Domain
	if host == "" {
		host = h.core.Config.Domain
	}
	avatar, _ := h.core.Files.AccountAvatar(a)
	header, own := h.core.Files.AccountHeader(a)
	item := accountItem{
		ID: ids.Format(a.ID), Acct: a.Acct(), Handle: "@" + a.Username + "@" + host,
		Name: template.HTML(text.EmojifyText(plain, urls)), PlainName: plain,
		Note: template.HTML(text.EmojifyHTML(a.Note, urls)),
		Page: "/@" + a.Acct(), OriginURL: a.URL, Avatar: avatar, Header: header, HasHeader: own,
		Locked: a.Locked, Bot: a.Bot, Local: a.Local(),
		Statuses: a.StatusesCount, Followers: a.FollowersCount, Following: a.FollowingCount, HideCounts: a.HideCollections,
		Suspended: a.Suspended(), JoinedISO: a.CreatedAt.UTC().Format(time.RFC3339), Joined: a.CreatedAt.UTC().Format("2 Jan 2006"),
	}
	if item.OriginURL == "" {
		item.OriginURL = a.URI
	}
	if a.Local() {
		item.OriginURL = h.core.BaseURL() + item.Page
	}
	for _, f := range a.Fields {
		item.Fields = append(item.Fields, fieldItem{
			Name:     template.HTML(text.EmojifyText(f.Name, urls)),
			Value:    template.HTML(text.EmojifyHTML(fieldValueHTML(a, f.Value), urls)),
			Verified: f.VerifiedAt != nil,
		})
	}
	if item.Suspended {
		item.Name, item.Note, item.Fields = template.HTML(template.HTMLEscapeString(a.Username)), "", nil
		item.Statuses, item.Followers, item.Following = 0, 0, 0
	}
	return item
}

// fieldValueHTML is a field's value as HTML: a local field is stored as
// typed and rendered here, a remote one was sanitized when received.
func fieldValueHTML(a *model.Account, value string) string {
	if a.Local() {
		return core.FieldHTML(value)
	}
	return value
}

// statusItems shows a page of statuses for viewer v (nil for visitors).
func (h *Handler) statusItems(v *model.Viewer, views []*model.StatusView) []statusItem {
	out := make([]statusItem, 0, len(views))
	for _, sv := range views {
		out = append(out, h.statusItem(v, sv))
	}
	return out
}

func (h *Handler) statusItem(v *model.Viewer, sv *model.StatusView) statusItem {
	if sv.Reblog != nil {
		booster := h.accountItem(sv.Account)
		item := h.statusItem(v, sv.Reblog)
		item.BoostedBy = &booster
		return item
	}
	st := sv.Status
	emojis := h.core.Files.EmojiURLs(sv.Account.Domain, st.SpoilerText, st.Content)
	item := statusItem{
		ID: ids.Format(st.ID), Account: h.accountItem(sv.Account),
		Content:     template.HTML(text.EmojifyHTML(st.Content, emojis)),
		SpoilerText: template.HTML(text.EmojifyText(st.SpoilerText, emojis)),
		Sensitive:   st.Sensitive || st.SpoilerText != "", Visibility: string(st.Visibility), Language: st.Language,
		CreatedISO: st.CreatedAt.UTC().Format(time.RFC3339), Created: shortDate(st.CreatedAt),
		Edited: st.EditedAt != nil, OriginURL: st.URL,
		Replies: st.RepliesCount, Reblogs: st.ReblogsCount, Favourites: st.FavouritesCount,
		Favourited: sv.Favourited, Reblogged: sv.Reblogged, Bookmarked: sv.Bookmarked, Pinned: sv.Pinned,
	}
	item.Page = item.Account.Page + "/" + item.ID
	if item.OriginURL == "" {
		item.OriginURL = st.URI
	}
	if st.Local {
		item.OriginURL = h.core.BaseURL() + item.Page
	}
	if st.InReplyToID != 0 {
		item.ReplyToID = ids.Format(st.InReplyToID)
		item.ReplyToPage = "/statuses/" + item.ReplyToID
	}
	if v != nil {
		item.Own = v.AccountID() == st.AccountID
	}
	item.CanBoost = st.Visibility == model.Public || st.Visibility == model.Unlisted ||
		(item.Own && st.Visibility == model.Private)
	for _, m := range sv.Media {
		file, preview := h.core.Files.AttachmentURLs(m)
		if m.Type == "unknown" && m.RemoteURL != "" {
			// Never fetched (its domain rejects media, or it is no image,
			// video or audio): a link to the origin, as Mastodon's web UI
			// shows it; a link is only followed when clicked.
			file, preview = m.RemoteURL, ""
		}
		item.Media = append(item.Media, mediaItem{
			Type: m.Type, URL: file, Preview: preview, Description: m.Description,
			Width: m.Meta.Original.Width, Height: m.Meta.Original.Height, Processing: file == "",
		})
	}
	if c := sv.Card; c != nil && len(sv.Media) == 0 {
		item.Card = &cardItem{URL: c.URL, Title: c.Title, Description: c.Description, Provider: c.ProviderName,
			Image: h.core.Files.MediaURL(c.ImageKey)}
		if item.Card.Provider == "" {
			if u, err := url.Parse(c.URL); err == nil {
				item.Card.Provider = u.Hostname()
			}
		}
	}
	for _, a := range sv.Mentions {
		item.Mentions = append(item.Mentions, h.accountItem(a))
		if st.InReplyToAccountID == a.ID {
			item.ReplyToAcct = a.Acct()
		}
	}
	if st.InReplyToAccountID != 0 && st.InReplyToAccountID == st.AccountID {
		item.ReplyToAcct = sv.Account.Acct()
	}
	return item
}

// shortDate is how a status's time reads: "5 Mar" this year, "5 Mar 2024"
// before; the exact time is in the <time> element's title.
func shortDate(t time.Time) string {
	t = t.UTC()
	if t.Year() == time.Now().UTC().Year() {
		return t.Format("2 Jan")
	}
	return t.Format("2 Jan 2006")
}

func (h *Handler) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset":      h.assets.Path,
		"count":      compactCount,
		"statusArgs": makeStatusArgs,
		"composeOf":  h.composeOf,
		"icon":       h.icon,
	}
}

// compactCount writes a counter as Mastodon's web UI does: 999, 1.2K, 3.4M.
func compactCount(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10)
	case n < 1_000_000:
		return trimZero(strconv.FormatFloat(float64(n)/1000, 'f', 1, 64)) + "K"
	default:
		return trimZero(strconv.FormatFloat(float64(n)/1_000_000, 'f', 1, 64)) + "M"
	}
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// icon is an icon of static/icons.svg; label, when given, is what screen
// readers say (otherwise the icon is decoration beside a label).
func (h *Handler) icon(name, label string) template.HTML {
	a11y := ` aria-hidden="true"`
	if label != "" {
		a11y = ` role="img" aria-label="` + template.HTMLEscapeString(label) + `"`
	}
	return template.HTML(`<svg class="icon"` + a11y + `><use href="` + h.assets.Path("icons.svg") + `#` +
		template.HTMLEscapeString(name) + `"></use></svg>`)
}
