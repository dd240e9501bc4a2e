package model

// Page is Mastodon's cursor pagination over ids: results are newer than
// SinceID or MinID and older than MaxID. With MinID set the page is the one
// immediately after MinID (read oldest-first, returned newest-first).
type Page struct {
	MaxID   int64
	SinceID int64
	MinID   int64
	Limit   int
}
