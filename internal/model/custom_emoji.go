package model

import "time"

// CustomEmoji is an image that stands for ":shortcode:" in statuses and
// profiles (Mastodon's CustomEmoji). Local emoji have Domain ""; a remote
// one is known by its shortcode on its sender's domain.
type CustomEmoji struct {
	ID              int64
	Shortcode       string
	Domain          string
	ImageKey        string // the stored static PNG, "" while a remote emoji is not cached
	ImageRemoteURL  string // a remote emoji's image on its origin
	URI             string // a remote emoji's ActivityPub id
	VisibleInPicker bool
	Disabled        bool
	Category        string
	CachedAt        time.Time // when a remote emoji's image was stored; zero for local ones and while not cached
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Local reports whether the emoji is this instance's own.
func (e *CustomEmoji) Local() bool { return e.Domain == "" }
