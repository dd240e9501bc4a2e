package model

import "time"

// Status is a post, or a boost of one when ReblogOfID is set.
type Status struct {
	ID                 int64
	AccountID          int64
	URI                string
	URL                string
	Local              bool
	Text               string // source as typed (local statuses)
	Content            string // HTML
	SpoilerText        string
	Visibility         Visibility
	Sensitive          bool
	Language           string
	InReplyToID        int64 // 0 when not a reply
	InReplyToAccountID int64
	ReblogOfID         int64 // 0 when not a boost
	ConversationID     int64 // id of the thread's root status
	ApplicationID      int64
	HasMedia           bool
	RepliesCount       int64
	ReblogsCount       int64
	FavouritesCount    int64
	EditedAt           *time.Time
	CreatedAt          time.Time
}

// StatusEdit is one earlier version of an edited status.
type StatusEdit struct {
	ID          int64
	StatusID    int64
	AccountID   int64
	Text        string
	Content     string
	SpoilerText string
	Sensitive   bool
	MediaIDs    []int64 // the version's attachments, in order
	CreatedAt   time.Time
}

// Tag is a hashtag.
type Tag struct {
	ID   int64
	Name string
}

// Follow is an accepted follow (or, in follow_requests, a pending one).
type Follow struct {
	ID              int64
	AccountID       int64
	TargetAccountID int64
	ShowReblogs     bool
	Notify          bool
	URI             string
	CreatedAt       time.Time
}

// Mute hides an account's posts, and optionally its notifications, from
// the muter; ExpiresAt nil means forever.
type Mute struct {
	ID                int64
	AccountID         int64
	TargetAccountID   int64
	HideNotifications bool
	ExpiresAt         *time.Time
	CreatedAt         time.Time
}

// Notification types, as Mastodon names them.
const (
	NotifyMention       = "mention"
	NotifyStatus        = "status"
	NotifyReblog        = "reblog"
	NotifyFollow        = "follow"
	NotifyFollowRequest = "follow_request"
	NotifyFavourite     = "favourite"
	NotifyUpdate        = "update"
)

// Notification tells an account that another acted on it or its status.
type Notification struct {
	ID            int64
	AccountID     int64 // recipient
	FromAccountID int64
	Type          string
	StatusID      int64 // 0 when the type has no status
	GroupKey      string
	CreatedAt     time.Time
}

// Marker is a saved reading position in a timeline.
type Marker struct {
	Timeline   string
	LastReadID int64
	Version    int64
	UpdatedAt  time.Time
}

// Rule is one of the instance's rules.
type Rule struct {
	ID   int64
	Text string
	Hint string
}

// Relationship is how a viewer stands with another account.
type Relationship struct {
	ID                  int64
	Following           bool
	ShowingReblogs      bool
	Notifying           bool
	FollowedBy          bool
	Blocking            bool
	BlockedBy           bool
	Muting              bool
	MutingNotifications bool
	MutingExpiresAt     *time.Time
	Requested           bool
	RequestedBy         bool
	DomainBlocking      bool
	Endorsed            bool
	Note                string
}
