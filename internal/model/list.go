package model

import "time"

// Replies policies of a list (Mastodon's List#replies_policy): which
// replies by members to accounts other than themselves the list shows.
const (
	RepliesFollowed = "followed" // replies to anyone the list's owner follows
	RepliesList     = "list"     // replies to other members of the list (the default)
	RepliesNone     = "none"     // no such replies
)

// List is a user's named subset of the accounts they follow, with a
// timeline of its own (Mastodon's List).
type List struct {
	ID            int64
	AccountID     int64 // whose list
	Title         string
	RepliesPolicy string
	// Exclusive keeps the members' posts out of the owner's home feed.
	Exclusive bool
	CreatedAt time.Time
	UpdatedAt time.Time
}
