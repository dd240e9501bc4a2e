package activitypub

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/files"
	"herd/internal/ids"
	"herd/internal/model"
)

// emojiContext is the @context of an Emoji document served alone.
var emojiContext = json.RawMessage(`["https://www.w3.org/ns/activitystreams",` +
	`{"toot":"http://joinmastodon.org/ns#","Emoji":"toot:Emoji"}]`)

// emojiURI is a local emoji's ActivityPub id, at Mastodon's path.
func (h *Handler) emojiURI(e *model.CustomEmoji) string {
	return h.core.BaseURL() + "/emojis/" + ids.Format(e.ID)
}

// emojiTag is a local emoji as the Emoji tag Mastodon puts in a Note's or
// an actor's tag list.
func (h *Handler) emojiTag(e *model.CustomEmoji) Tag {
	u := h.core.Files.CustomEmojiURL(e)
	return Tag{ID: h.emojiURI(e), Type: "Emoji", Name: ":" + e.Shortcode + ":", Updated: timestamp(e.UpdatedAt),
		Icon: &Image{Type: "Image", MediaType: imageType(u), URL: u}}
}

// emojiTags are the Emoji tags of the local emoji texts name.
func (h *Handler) emojiTags(texts ...string) []Tag {
	var out []Tag
	for _, e := range h.core.Files.CustomEmojisIn("", texts...) {
		out = append(out, h.emojiTag(e))
	}
	return out
}

// emoji handles GET /emojis/{id}: a local emoji's Emoji document, so the
// id in its tags can be looked up as Mastodon's can.
func (h *Handler) emoji(w http.ResponseWriter, r *http.Request) error {
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return fault.ErrRecordNotFound
	}
	e, err := h.core.Files.LocalCustomEmoji(r.Context(), id)
	if err != nil {
		return err
	}
	doc := struct {
		Context json.RawMessage `json:"@context"`
		Tag
	}{emojiContext, h.emojiTag(e)}
	return writeDocument(w, doc)
}

// remoteEmojis reads the Emoji tags of a tag list as the sender wrote
// them (core checks and caps them): the name's colons are dropped.
func remoteEmojis(list []tagJSON) []files.RemoteEmoji {
	var out []files.RemoteEmoji
	for _, t := range list {
		if t.Type != "Emoji" {
			continue
		}
		e := files.RemoteEmoji{URI: t.ID, Shortcode: strings.TrimSuffix(strings.TrimPrefix(t.Name, ":"), ":"),
			ImageURL: imageURL(t.Icon)}
		e.Updated, _ = time.Parse(time.RFC3339, t.Updated)
		out = append(out, e)
	}
	return out
}

// dedupeTags drops repeated tags (an emoji named in several profile
// texts), keeping a non-nil list.
func dedupeTags(list []Tag) []Tag {
	out := make([]Tag, 0, len(list))
	seen := map[string]bool{}
	for _, t := range list {
		if k := t.Type + " " + t.ID + " " + t.Href; !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}
