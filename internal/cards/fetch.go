package cards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"herd/internal/model"
	"herd/internal/safehttp"
)

// Limits of one card fetch. A page's metadata sits in its head, so only
// its first megabyte is read; an oEmbed document is small.
const (
	maxPage      = 1 << 20
	maxOEmbed    = 64 << 10
	fetchTimeout = 15 * time.Second
)

// ErrNotHTML: the link is not a web page (an image, a PDF…); it gets no card.
var ErrNotHTML = errors.New("cards: not an HTML page")

// Fetcher fetches cards through the one outbound client, so its private
// address guard, redirect limit and timeouts apply to every link.
type Fetcher struct {
	client *safehttp.Client
}

// NewFetcher builds a Fetcher on the server's outbound client.
func NewFetcher(client *safehttp.Client) *Fetcher { return &Fetcher{client: client} }

// FetchCard fetches the page at rawURL and returns its card, URL set to
// rawURL. Pages that are not HTML, or answer other than 200, are errors.
func (f *Fetcher) FetchCard(ctx context.Context, rawURL string) (*model.PreviewCard, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	base, doc, err := f.fetchPage(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	card, oembed := Parse(base, doc)
	card.URL = rawURL
	if oembed != "" {
		// A page whose oEmbed fails still has its own metadata.
		if o, err := f.fetchOEmbed(ctx, oembed); err == nil {
			o.apply(card, base)
		}
	}
	return card, nil
}

// fetchPage GETs the web page at rawURL and returns the first megabyte of
// its HTML with the URL it came from after redirects (for relative
// links). Other than an http(s) link to an HTML page answering 200 is an
// error.
func (f *Fetcher) fetchPage(ctx context.Context, rawURL string) (*url.URL, []byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, nil, fmt.Errorf("cards: not a web link: %q", rawURL)
	}
	resp, err := f.client.Get(ctx, rawURL, "text/html, application/xhtml+xml;q=0.9")
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("cards: %s answered %d", rawURL, resp.StatusCode)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/html" && mt != "application/xhtml+xml" {
		return nil, nil, ErrNotHTML
	}
	doc, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	if err != nil {
		return nil, nil, err
	}
	return resp.Request.URL, doc, nil
}

// oEmbed is the part of an oEmbed response (https://oembed.com/) a card uses.
type oEmbed struct {
	Type         string          `json:"type"`
	Title        string          `json:"title"`
	AuthorName   string          `json:"author_name"`
	AuthorURL    string          `json:"author_url"`
	ProviderName string          `json:"provider_name"`
	ProviderURL  string          `json:"provider_url"`
	URL          string          `json:"url"` // a photo's image
	HTML         string          `json:"html"`
	Width        json.RawMessage `json:"width"` // a number, or a string from some providers
	Height       json.RawMessage `json:"height"`
	ThumbnailURL string          `json:"thumbnail_url"`
}

func (f *Fetcher) fetchOEmbed(ctx context.Context, rawURL string) (*oEmbed, error) {
	resp, err := f.client.Get(ctx, rawURL, "application/json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("cards: oEmbed %s answered %d", rawURL, resp.StatusCode)
	}
	body, err := safehttp.ReadLimited(resp, maxOEmbed)
	if err != nil {
		return nil, err
	}
	var o oEmbed
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// apply lays the oEmbed answer over the page's own metadata, as Mastodon
// prefers it: photos become photo cards, players video or rich cards
// whose HTML is reduced to one sandboxed https iframe (or, if it has
// none, the card stays a link).
func (o *oEmbed) apply(c *model.PreviewCard, base *url.URL) {
	if t := plain(o.Title, maxTitle); t != "" {
		c.Title = t
	}
	if n := plain(o.AuthorName, maxName); n != "" {
		c.AuthorName = n
	}
	if u := absURL(base, o.AuthorURL); u != "" {
		c.AuthorURL = u
	}
	if n := plain(o.ProviderName, maxName); n != "" {
		c.ProviderName = n
	}
	if u := absURL(base, o.ProviderURL); u != "" {
		c.ProviderURL = u
	}
	if u := absURL(base, o.ThumbnailURL); u != "" && c.ImageURL == "" {
		c.ImageURL = u
	}
	width, height := dimension(trimQuotes(o.Width)), dimension(trimQuotes(o.Height))
	switch o.Type {
	case "photo":
		if u := absURL(base, o.URL); u != "" {
			c.Type, c.EmbedURL, c.Width, c.Height = "photo", u, width, height
			if c.ImageURL == "" {
				c.ImageURL = u
			}
		}
	case "video", "rich":
		if player := sanitizeEmbed(o.HTML, width, height); player != "" {
			c.Type, c.HTML, c.Width, c.Height = o.Type, player, width, height
		}
	}
}

func trimQuotes(raw json.RawMessage) string {
	s := string(raw)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
