package api

import (
	"herd/internal/ids"
	"herd/internal/model"
)

// Status is Mastodon's Status entity: the part that only changes with an
// edit (cached pre-serialized, see appendStatus), then the counters and
// the viewer's own flags, then the boosted status and the author.
type Status struct {
	StatusStatic
	Sensitive       bool  `json:"sensitive"`
	RepliesCount    int64 `json:"replies_count"`
	ReblogsCount    int64 `json:"reblogs_count"`
	FavouritesCount int64 `json:"favourites_count"`
	// Emojis are found when rendering, not cached with the static part
	// (core.CustomEmojisIn).
	Emojis     []CustomEmoji `json:"emojis"`
	Favourited *bool         `json:"favourited,omitempty"`
	Reblogged  *bool         `json:"reblogged,omitempty"`
	Muted      *bool         `json:"muted,omitempty"`
	Bookmarked *bool         `json:"bookmarked,omitempty"`
	Pinned     *bool         `json:"pinned,omitempty"`
	Text       *string       `json:"text,omitempty"`
	Reblog     *Status       `json:"reblog"`
	Account    Account       `json:"account"`
}

// StatusStatic is the part of a Status that is the same for every viewer
// and changes only when the status is edited.
type StatusStatic struct {
	ID                 string          `json:"id"`
	CreatedAt          string          `json:"created_at"`
	InReplyToID        *string         `json:"in_reply_to_id"`
	InReplyToAccountID *string         `json:"in_reply_to_account_id"`
	SpoilerText        string          `json:"spoiler_text"`
	Visibility         string          `json:"visibility"`
	Language           *string         `json:"language"`
	URI                string          `json:"uri"`
	URL                *string         `json:"url"`
	EditedAt           *string         `json:"edited_at"`
	Content            string          `json:"content"`
	Application        *Application    `json:"application,omitempty"`
	MediaAttachments   []any           `json:"media_attachments"`
	Mentions           []StatusMention `json:"mentions"`
	Tags               []StatusTag     `json:"tags"`
	Card               *PreviewCard    `json:"card"`
	Poll               any             `json:"poll"`
}

// StatusMention is a mentioned account inside a Status.
type StatusMention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// StatusTag is a hashtag inside a Status.
type StatusTag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Application is the app a status was posted with (name and website only
// once public).
type Application struct {
	Name    string  `json:"name"`
	Website *string `json:"website"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optID(id int64) *string {
	if id == 0 {
		return nil
	}
	s := ids.Format(id)
	return &s
}

// statusEntity renders a hydrated status; viewerID decides whether the
// viewer-only fields appear (they are omitted for anonymous callers, as
// Mastodon does). appendStatus writes the same JSON faster for pages.
func (a *API) statusEntity(v *model.StatusView, viewerID int64) Status {
	st := v.Status
	e := Status{
		StatusStatic: a.statusStatic(v),
		Sensitive:    st.Sensitive,
		RepliesCount: st.RepliesCount, ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount,
		Emojis: a.statusEmojis(v), Account: a.accountEntity(v.Account),
	}
	if viewerID != 0 {
		e.Favourited, e.Reblogged, e.Muted, e.Bookmarked = &v.Favourited, &v.Reblogged, &v.Muted, &v.Bookmarked
		if showsPinned(v, viewerID) {
			e.Pinned = &v.Pinned
		}
	}
	if v.Reblog != nil {
		r := a.statusEntity(v.Reblog, viewerID)
		e.Reblog = &r
		// A boost carries its original's sensitive flag (and, in
		// statusStatic, empty content fields), as Mastodon.
		e.Sensitive = r.Sensitive
	}
	return e
}

// showsPinned: only the author sees pinned, and only on their own posts.
func showsPinned(v *model.StatusView, viewerID int64) bool {
	return v.Status.AccountID == viewerID && v.Status.ReblogOfID == 0
}

// statusStatic renders the viewer-independent part of a status.
func (a *API) statusStatic(v *model.StatusView) StatusStatic {
	st := v.Status
	e := StatusStatic{
		ID: ids.Format(st.ID), CreatedAt: timestamp(st.CreatedAt),
		InReplyToID: optID(st.InReplyToID), InReplyToAccountID: optID(st.InReplyToAccountID),
		SpoilerText: st.SpoilerText, Visibility: string(st.Visibility),
		Language: optString(st.Language), URI: st.URI, URL: optString(st.URL),
		Content:          st.Content,
		MediaAttachments: []any{}, Mentions: []StatusMention{}, Tags: []StatusTag{},
		Card: a.cardEntity(v.Card),
	}
	if st.EditedAt != nil {
		t := timestamp(*st.EditedAt)
		e.EditedAt = &t
	}
	for _, m := range v.Mentions {
		url := m.URL
		if url == "" && m.Local() {
			url = a.core.AccountURL(m.Username)
		}
		e.Mentions = append(e.Mentions, StatusMention{ID: ids.Format(m.ID), Username: m.Username, URL: url, Acct: m.Acct()})
	}
	for _, m := range v.Media {
		e.MediaAttachments = append(e.MediaAttachments, a.mediaEntity(m))
	}
	for _, t := range v.Tags {
		e.Tags = append(e.Tags, StatusTag{Name: t.Name, URL: a.core.TagURL(t.Name)})
	}
	if v.App != nil {
		e.Application = &Application{Name: v.App.Name, Website: optString(v.App.Website)}
	}
	if st.ReblogOfID != 0 {
		// A boost carries its original's content fields empty, as Mastodon.
		e.Content, e.SpoilerText, e.Card = "", "", nil
	}
	return e
}

// statusEmojis is the emojis array of a status: the emoji of its author's
// domain named in its content and content warning (none for a boost,
// whose content fields are empty).
func (a *API) statusEmojis(v *model.StatusView) []CustomEmoji {
	st := v.Status
	if st.ReblogOfID != 0 {
		return []CustomEmoji{}
	}
	return a.emojiEntities(a.core.CustomEmojisIn(v.Account.Domain, st.Content, st.SpoilerText))
}
