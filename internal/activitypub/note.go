package activitypub

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herd/internal/core/federation"
	"herd/internal/ids"
	"herd/internal/model"
)

// asContext is the plain ActivityStreams context.
const asContext = "https://www.w3.org/ns/activitystreams"

// noteContext is the @context Mastodon sends with a Note and the
// activities and collections that carry Notes.
var noteContext = json.RawMessage(`["https://www.w3.org/ns/activitystreams",` +
	`{"ostatus":"http://ostatus.org#","atomUri":"ostatus:atomUri","inReplyToAtomUri":"ostatus:inReplyToAtomUri",` +
	`"conversation":"ostatus:conversation","sensitive":"as:sensitive","toot":"http://joinmastodon.org/ns#",` +
	`"votersCount":"toot:votersCount","blurhash":"toot:blurhash",` +
	`"focalPoint":{"@container":"@list","@id":"toot:focalPoint"},"Hashtag":"as:Hashtag","Emoji":"toot:Emoji"}]`)

// Note is a status as an ActivityPub object. Summary, InReplyTo and
// InReplyToAtomURI are null when unset, as Mastodon sends them.
type Note struct {
	Context          json.RawMessage   `json:"@context,omitempty"`
	ID               string            `json:"id"`
	Type             string            `json:"type"`
	Summary          *string           `json:"summary"`
	InReplyTo        *string           `json:"inReplyTo"`
	Published        string            `json:"published"`
	Updated          string            `json:"updated,omitempty"`
	URL              string            `json:"url"`
	AttributedTo     string            `json:"attributedTo"`
	To               []string          `json:"to"`
	Cc               []string          `json:"cc"`
	Sensitive        bool              `json:"sensitive"`
	AtomURI          string            `json:"atomUri"`
	InReplyToAtomURI *string           `json:"inReplyToAtomUri"`
	Conversation     string            `json:"conversation"`
	Content          string            `json:"content"`
	ContentMap       map[string]string `json:"contentMap,omitempty"`
	Attachment       []any             `json:"attachment"`
	Tag              []Tag             `json:"tag"`
	Replies          *Collection       `json:"replies"`
	Likes            *Collection       `json:"likes"`
	Shares           *Collection       `json:"shares"`
}

// Tag is a Mention, a Hashtag or an Emoji in a Note's or an actor's tag
// list (an Emoji has an id, no href, and its image as icon).
type Tag struct {
	ID      string `json:"id,omitempty"`
	Type    string `json:"type"`
	Href    string `json:"href,omitempty"`
	Name    string `json:"name"`
	Updated string `json:"updated,omitempty"`
	Icon    *Image `json:"icon,omitempty"`
}

// Activity is a Create (with its Note) or an Announce (with the boosted
// status's id).
type Activity struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Published string   `json:"published"`
	To        []string `json:"to"`
	Cc        []string `json:"cc"`
	Object    any      `json:"object"`
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// statusURI is a local status's id; for a boost, the id of its Announce.
func (h *Handler) statusURI(a *model.Account, st *model.Status) string {
	if st.URI != "" {
		return st.URI
	}
	return h.core.StatusURI(a.Username, st.ID)
}

// noteURI is the id of a local status's Note (a boost's URI names its
// activity, so it is cut back to the status).
func (h *Handler) noteURI(a *model.Account, st *model.Status) string {
	return strings.TrimSuffix(h.statusURI(a, st), "/activity")
}

// addressing returns a status's to and cc as Mastodon addresses them
// (ActivityPub::TagManager#to and #cc): public goes to everyone with the
// followers in cc; unlisted to the followers with everyone in cc; private
// to the followers only; direct to the mentioned accounts only. Mentioned
// accounts are cc'd on all but direct; a boost also cc's the boosted
// status's author.
func addressing(st *model.Status, author *model.Account, mentioned []*model.Account, boosted *model.Account) (to, cc []string) {
	followers := author.URI + "/followers"
	to, cc = []string{}, []string{}
	if boosted != nil {
		cc = append(cc, boosted.URI)
	}
	switch st.Visibility {
	case model.Public:
		to = append(to, Public)
		cc = append(cc, followers)
	case model.Unlisted:
		to = append(to, followers)
		cc = append(cc, Public)
	case model.Private:
		to = append(to, followers)
	case model.Direct:
		for _, m := range mentioned {
			to = append(to, m.URI)
		}
		return to, cc
	}
	for _, m := range mentioned {
		cc = append(cc, m.URI)
	}
	return to, cc
}

// mentionedAccounts lists the accounts a status mentions, in mention order.
func mentionedAccounts(b *federation.StatusBundle, st *model.Status) []*model.Account {
	var out []*model.Account
	for _, id := range b.Mentions[st.ID] {
		if a := b.Accounts[id]; a != nil {
			out = append(out, a)
		}
	}
	return out
}

// note renders one status of b (not a boost) as a Note without @context.
func (h *Handler) note(b *federation.StatusBundle, st *model.Status) *Note {
	author := b.Accounts[st.AccountID]
	mentioned := mentionedAccounts(b, st)
	to, cc := addressing(st, author, mentioned, nil)
	id := h.noteURI(author, st)
	n := &Note{
		ID: id, Type: "Note", Published: timestamp(st.CreatedAt), URL: st.URL, AttributedTo: author.URI,
		To: to, Cc: cc, Sensitive: st.Sensitive, AtomURI: id, Conversation: h.conversationURI(st),
		Content: st.Content, Attachment: []any{}, Tag: []Tag{},
	}
	if n.URL == "" {
		n.URL = h.core.StatusURL(author.Username, st.ID)
	}
	if st.SpoilerText != "" {
		n.Summary = &st.SpoilerText
	}
	if parent := b.Parents[st.InReplyToID]; st.InReplyToID != 0 && parent != nil {
		n.InReplyTo, n.InReplyToAtomURI = &parent.URI, &parent.URI
	}
	if st.EditedAt != nil {
		n.Updated = timestamp(*st.EditedAt)
	}
	if st.Language != "" {
		n.ContentMap = map[string]string{st.Language: st.Content}
	}
	for _, m := range b.Media[st.ID] {
		n.Attachment = append(n.Attachment, h.document(m))
	}
	for _, m := range mentioned {
		n.Tag = append(n.Tag, Tag{Type: "Mention", Href: m.URI, Name: "@" + m.Acct()})
	}
	for _, t := range b.Tags[st.ID] {
		n.Tag = append(n.Tag, Tag{Type: "Hashtag", Href: h.core.TagURL(t.Name), Name: "#" + t.Name})
	}
	if author.Local() {
		n.Tag = append(n.Tag, h.emojiTags(st.Content, st.SpoilerText)...)
	}
	n.Replies = h.embeddedReplies(b, id, st)
	n.Likes = &Collection{ID: id + "/likes", Type: "Collection", TotalItems: &st.FavouritesCount}
	n.Shares = &Collection{ID: id + "/shares", Type: "Collection", TotalItems: &st.ReblogsCount}
	return n
}

// embeddedReplies is the replies collection a Note carries: its first
// page holds the author's first self-replies, and points on to the rest
// of them, or to other people's replies when there are none (Mastodon's
// NoteSerializer#replies).
func (h *Handler) embeddedReplies(b *federation.StatusBundle, id string, st *model.Status) *Collection {
	repliesID := id + "/replies"
	self := b.SelfReplies[st.ID]
	items := make([]any, len(self))
	for i, r := range self {
		items[i] = r.URI
	}
	next := repliesID + "?only_other_accounts=true&page=true"
	if len(self) > 0 {
		next = repliesID + "?" + url.Values{"min_id": {ids.Format(self[len(self)-1].ID)}, "page": {"true"}}.Encode()
	}
	return &Collection{ID: repliesID, Type: "Collection", First: &Collection{
		Type: "CollectionPage", Next: next, PartOf: repliesID, Items: items,
	}}
}

// conversationURI names a status's thread as Mastodon does for threads it
// started: an OStatus tag URI with the root's date and id.
func (h *Handler) conversationURI(st *model.Status) string {
	root := st.ConversationID
	if root == 0 {
		root = st.ID
	}
	return "tag:" + h.core.Config.Domain + "," + ids.Time(root).Format("2006-01-02") +
		":objectId=" + ids.Format(root) + ":objectType=Conversation"
}

// activity renders a status of b as the activity that published it: a
// Create of its Note, or for a boost an Announce of the boosted status.
func (h *Handler) activity(b *federation.StatusBundle, st *model.Status) *Activity {
	author := b.Accounts[st.AccountID]
	if st.ReblogOfID != 0 {
		orig := b.Parents[st.ReblogOfID]
		to, cc := addressing(st, author, nil, b.Accounts[orig.AccountID])
		return &Activity{
			ID: h.noteURI(author, st) + "/activity", Type: "Announce", Actor: author.URI,
			Published: timestamp(st.CreatedAt), To: to, Cc: cc, Object: orig.URI,
		}
	}
	n := h.note(b, st)
	return &Activity{
		ID: n.ID + "/activity", Type: "Create", Actor: author.URI, Published: n.Published,
		To: n.To, Cc: n.Cc, Object: n,
	}
}

// MediaDocument is an attachment of a Note, as Mastodon sends it
// (ActivityPub::NoteSerializer::MediaAttachmentSerializer): the alt text
// as name (null when none), blurhash, focal point and size.
type MediaDocument struct {
	Type       string     `json:"type"`
	MediaType  string     `json:"mediaType"`
	URL        string     `json:"url"`
	Name       *string    `json:"name"`
	Blurhash   string     `json:"blurhash,omitempty"`
	FocalPoint [2]float64 `json:"focalPoint"`
	Width      int        `json:"width,omitempty"`
	Height     int        `json:"height,omitempty"`
}

func (h *Handler) document(m *model.MediaAttachment) MediaDocument {
	d := MediaDocument{Type: "Document", MediaType: m.ContentType, URL: h.core.Files.MediaURL(m.FileKey),
		Blurhash: m.Blurhash, Width: m.Meta.Original.Width, Height: m.Meta.Original.Height}
	if m.Description != "" {
		d.Name = &m.Description
	}
	if xs, ys, ok := strings.Cut(m.Focus, ","); ok {
		d.FocalPoint[0], _ = strconv.ParseFloat(xs, 64)
		d.FocalPoint[1], _ = strconv.ParseFloat(ys, 64)
	}
	return d
}
