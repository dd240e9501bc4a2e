package model

import "time"

// PreviewCard is the metadata of a linked web page, shown under a status
// that links it (Mastodon's PreviewCard). All text is plain text; HTML is
// only the sanitized oEmbed player of a video or rich card.
type PreviewCard struct {
	ID           int64
	URL          string
	Title        string
	Description  string
	Type         string // link | photo | video | rich
	AuthorName   string
	AuthorURL    string
	ProviderName string
	ProviderURL  string
	HTML         string
	Width        int
	Height       int
	ImageURL     string // the linked page's image
	ImageKey     string // the image's copy in media storage, "" when none
	EmbedURL     string
	Blurhash     string
	Language     string
	PublishedAt  *time.Time
	FetchedAt    time.Time
}
