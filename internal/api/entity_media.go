package api

import (
	"strconv"
	"strings"

	"herd/internal/ids"
	"herd/internal/model"
)

// MediaAttachment is Mastodon's MediaAttachment entity.
type MediaAttachment struct {
	ID               string    `json:"id"`
	Type             string    `json:"type"`
	URL              *string   `json:"url"`
	PreviewURL       *string   `json:"preview_url"`
	RemoteURL        *string   `json:"remote_url"`
	PreviewRemoteURL *string   `json:"preview_remote_url"`
	TextURL          *string   `json:"text_url"`
	Meta             mediaMeta `json:"meta"`
	Description      *string   `json:"description"`
	Blurhash         *string   `json:"blurhash"`
}

type mediaMeta struct {
	Original mediaSize   `json:"original"`
	Small    mediaSize   `json:"small"`
	Focus    *mediaFocus `json:"focus,omitempty"`
}

type mediaSize struct {
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Size   string  `json:"size"`
	Aspect float64 `json:"aspect"`
}

type mediaFocus struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

func sizeOf(s model.MediaSize) mediaSize {
	out := mediaSize{Width: s.Width, Height: s.Height, Size: strconv.Itoa(s.Width) + "x" + strconv.Itoa(s.Height)}
	if s.Height > 0 {
		out.Aspect = float64(s.Width) / float64(s.Height)
	}
	return out
}

// mediaEntity renders an attachment.
func (a *API) mediaEntity(m *model.MediaAttachment) MediaAttachment {
	e := MediaAttachment{
		ID: ids.Format(m.ID), Type: m.Type,
		URL: optString(a.core.MediaURL(m.FileKey)), PreviewURL: optString(a.core.MediaURL(m.PreviewKey)),
		RemoteURL: optString(m.RemoteURL), Description: optString(m.Description), Blurhash: optString(m.Blurhash),
		Meta: mediaMeta{Original: sizeOf(m.Meta.Original), Small: sizeOf(m.Meta.Small)},
	}
	if xs, ys, ok := strings.Cut(m.Focus, ","); ok {
		x, _ := strconv.ParseFloat(xs, 64)
		y, _ := strconv.ParseFloat(ys, 64)
		e.Meta.Focus = &mediaFocus{X: x, Y: y}
	}
	return e
}
