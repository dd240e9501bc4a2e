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
	Original *mediaSize  `json:"original,omitempty"`
	Small    *mediaSize  `json:"small,omitempty"`
	Focus    *mediaFocus `json:"focus,omitempty"`
}

// mediaSize is one file's meta: dimensions for images and video, frame
// rate, duration and bitrate for video and audio, as Mastodon reports
// them (an audio file has no dimensions, so none are given).
type mediaSize struct {
	Width     int     `json:"width,omitempty"`
	Height    int     `json:"height,omitempty"`
	Size      string  `json:"size,omitempty"`
	Aspect    float64 `json:"aspect,omitempty"`
	FrameRate string  `json:"frame_rate,omitempty"`
	Duration  float64 `json:"duration,omitempty"`
	Bitrate   int64   `json:"bitrate,omitempty"`
}

type mediaFocus struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// sizeOf renders a file's meta; nil when nothing is known of it (a
// preview audio does not have, an upload still being processed).
func sizeOf(s model.MediaSize) *mediaSize {
	if s == (model.MediaSize{}) {
		return nil
	}
	out := &mediaSize{Width: s.Width, Height: s.Height, FrameRate: s.FrameRate, Duration: s.Duration, Bitrate: s.Bitrate}
	if s.Width > 0 && s.Height > 0 {
		out.Size, out.Aspect = strconv.Itoa(s.Width)+"x"+strconv.Itoa(s.Height), float64(s.Width)/float64(s.Height)
	}
	return out
}

// mediaEntity renders an attachment; files.Service.AttachmentURLs picks where it
// is shown (url and preview_url, always on this instance; remote_url is
// the origin's address, as in Mastodon).
func (a *API) mediaEntity(m *model.MediaAttachment) MediaAttachment {
	file, preview := a.core.Files.AttachmentURLs(m)
	e := MediaAttachment{
		ID: ids.Format(m.ID), Type: m.Type, URL: optString(file), PreviewURL: optString(preview),
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
