package activitypub

import (
	"encoding/json"
	"net/url"

	"herd/internal/cards"
	"herd/internal/model"
)

// linkAttachment reads a Note's FEP-8967 link preview: the first `Link` in
// its attachment names the link that gets the status's card (Mastodon 4.7
// uses the first and ignores the rest), and its `preview` (an object with
// name, summary and image), when present, is the card its origin made,
// so Herd need not fetch the page. href is "" when there is no such Link.
func linkAttachment(raw json.RawMessage) (href string, card *model.PreviewCard) {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil {
		return "", nil
	}
	for _, it := range items {
		var link struct {
			Type    string          `json:"type"`
			Href    string          `json:"href"`
			Preview json.RawMessage `json:"preview"`
		}
		if json.Unmarshal(it, &link) != nil || link.Type != "Link" {
			continue
		}
		u, err := url.Parse(link.Href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(link.Href) > 2048 {
			return "", nil
		}
		var preview struct {
			Name    lenientString   `json:"name"`
			Summary lenientString   `json:"summary"`
			Image   json.RawMessage `json:"image"`
		}
		if len(link.Preview) > 0 && json.Unmarshal(link.Preview, &preview) == nil && preview.Name != "" {
			card = cards.FromPreview(link.Href, string(preview.Name), string(preview.Summary), previewImage(preview.Image))
		}
		return link.Href, card
	}
	return "", nil
}

// previewImage is the URL of a preview's image: a link, or an Image object
// with a url (a string or a Link).
func previewImage(raw json.RawMessage) string {
	if s := firstLink(raw); s != "" {
		return s
	}
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil || len(items) == 0 {
		return ""
	}
	var img struct {
		URL json.RawMessage `json:"url"`
	}
	if json.Unmarshal(items[0], &img) != nil {
		return ""
	}
	return firstLink(img.URL)
}
