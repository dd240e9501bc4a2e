package model

import "time"

// Report categories, as Mastodon names them.
const (
	ReportSpam      = "spam"
	ReportLegal     = "legal"     // illegal content
	ReportViolation = "violation" // breaks some of the instance's rules
	ReportOther     = "other"
)

// Report is a user's report of an account (and some of its statuses) to
// the instance's moderators (Mastodon's Report).
type Report struct {
	ID              int64
	AccountID       int64 // who reported
	TargetAccountID int64
	StatusIDs       []int64
	RuleIDs         []int64
	Comment         string
	Category        string
	Forward         bool      // the reporter asked that a remote account's server be told too
	ActionTakenAt   time.Time // zero while unresolved
	CreatedAt       time.Time
	UpdatedAt       time.Time
}
