package api

import "herd/internal/model"

// PreviewCard is Mastodon's PreviewCard entity: the preview of a status's
// first link. Its text is plain text; html is only a sanitized oEmbed
// player (video and rich cards), "" otherwise.
type PreviewCard struct {
	URL              string              `json:"url"`
	Title            string              `json:"title"`
	Description      string              `json:"description"`
	Language         *string             `json:"language"`
	Type             string              `json:"type"`
	AuthorName       string              `json:"author_name"`
	AuthorURL        string              `json:"author_url"`
	ProviderName     string              `json:"provider_name"`
	ProviderURL      string              `json:"provider_url"`
	HTML             string              `json:"html"`
	Width            int                 `json:"width"`
	Height           int                 `json:"height"`
	Image            *string             `json:"image"`
	ImageDescription string              `json:"image_description"`
	EmbedURL         string              `json:"embed_url"`
	Blurhash         *string             `json:"blurhash"`
	PublishedAt      *string             `json:"published_at"`
	Authors          []PreviewCardAuthor `json:"authors"`
}

// PreviewCardAuthor is Mastodon's PreviewCardAuthor entity (4.3): Herd
// does not yet link authors to fediverse accounts, so account is null.
type PreviewCardAuthor struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Account *Account `json:"account"`
}

// cardEntity renders a card; nil renders as JSON null (no card). Its
// image is the copy in media storage, null until there is one: the
// linked site's own image address is never handed to readers.
func (a *API) cardEntity(c *model.PreviewCard) *PreviewCard {
	if c == nil {
		return nil
	}
	e := &PreviewCard{
		URL: c.URL, Title: c.Title, Description: c.Description, Language: optString(c.Language), Type: c.Type,
		AuthorName: c.AuthorName, AuthorURL: c.AuthorURL, ProviderName: c.ProviderName, ProviderURL: c.ProviderURL,
		HTML: c.HTML, Width: c.Width, Height: c.Height, Image: optString(a.core.Files.MediaURL(c.ImageKey)), EmbedURL: c.EmbedURL,
		Blurhash: optString(c.Blurhash), Authors: []PreviewCardAuthor{},
	}
	if c.PublishedAt != nil {
		t := timestamp(*c.PublishedAt)
		e.PublishedAt = &t
	}
	if c.AuthorName != "" || c.AuthorURL != "" {
		e.Authors = append(e.Authors, PreviewCardAuthor{Name: c.AuthorName, URL: c.AuthorURL})
	}
	return e
}
