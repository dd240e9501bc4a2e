package api

import (
	"net/http"

	"herd/internal/model"
)

// CustomEmoji is Mastodon's CustomEmoji entity. Emoji are stored static,
// so url and static_url name the same file.
type CustomEmoji struct {
	Shortcode       string  `json:"shortcode"`
	URL             string  `json:"url"`
	StaticURL       string  `json:"static_url"`
	VisibleInPicker bool    `json:"visible_in_picker"`
	Category        *string `json:"category"`
}

// getCustomEmojis handles GET /api/v1/custom_emojis: the local emoji
// apps offer in their pickers.
func (a *API) getCustomEmojis(w http.ResponseWriter, r *http.Request) error {
	list, err := a.core.Files.ListedCustomEmojis(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, a.emojiEntities(list))
}

func (a *API) emojiEntities(list []*model.CustomEmoji) []CustomEmoji {
	out := make([]CustomEmoji, 0, len(list))
	for _, e := range list {
		url := a.core.Files.CustomEmojiURL(e)
		out = append(out, CustomEmoji{Shortcode: e.Shortcode, URL: url, StaticURL: url,
			VisibleInPicker: e.VisibleInPicker, Category: optString(e.Category)})
	}
	return out
}
