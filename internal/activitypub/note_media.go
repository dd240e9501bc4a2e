package activitypub

import (
	"encoding/json"

	"herd/internal/core/files"
)

// mediaObjectTypes are the attachment types stored as media (Mastodon's
// ActivityPub::Activity::Create#process_attachments takes any object
// with a url and a mediaType; these are what servers send).
var mediaObjectTypes = map[string]bool{"Document": true, "Image": true, "Video": true, "Audio": true}

// mediaAttachments reads a Note's media attachments (one object or a
// list): url as a string or Link, mediaType, alt text as name, blurhash,
// focalPoint and size. Malformed items, and Links (FEP-8967 previews),
// are skipped; core checks the rest.
func mediaAttachments(raw json.RawMessage) []files.RemoteMedia {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil {
		return nil
	}
	var out []files.RemoteMedia
	for _, it := range items {
		var d struct {
			Type       string          `json:"type"`
			URL        json.RawMessage `json:"url"`
			MediaType  lenientString   `json:"mediaType"`
			Name       lenientString   `json:"name"`
			Blurhash   lenientString   `json:"blurhash"`
			FocalPoint []float64       `json:"focalPoint"`
			Width      float64         `json:"width"`
			Height     float64         `json:"height"`
		}
		if json.Unmarshal(it, &d) != nil || !mediaObjectTypes[d.Type] {
			// A bad width or focal point fails the whole item: skipped.
			continue
		}
		m := files.RemoteMedia{URL: firstLink(d.URL), MediaType: string(d.MediaType), Description: string(d.Name),
			Blurhash: string(d.Blurhash)}
		if m.URL == "" {
			continue
		}
		if d.Width >= 1 && d.Height >= 1 && d.Width <= 1<<16 && d.Height <= 1<<16 {
			m.Width, m.Height = int(d.Width), int(d.Height)
		}
		if len(d.FocalPoint) == 2 {
			m.FocusX, m.FocusY, m.HasFocus = d.FocalPoint[0], d.FocalPoint[1], true
		}
		out = append(out, m)
	}
	return out
}
