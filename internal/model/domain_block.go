package model

import "time"

// Severities of a domain block, as Mastodon names them.
const (
	SeveritySilence = "silence" // posts reach only followers; no public timelines
	SeveritySuspend = "suspend" // nothing in or out; its accounts are hidden
	SeverityNoop    = "noop"    // only the media and report flags apply
)

// DomainBlock is an admin's moderation of a remote domain and its
// subdomains (Mastodon's DomainBlock). Comments are "" when unset.
type DomainBlock struct {
	ID             int64
	Domain         string // normalized: lowercase, punycode, no port
	Severity       string
	RejectMedia    bool
	RejectReports  bool
	PrivateComment string
	PublicComment  string
	Obfuscate      bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// DomainAllow names a domain allowed to federate in limited-federation mode.
type DomainAllow struct {
	ID        int64
	Domain    string
	CreatedAt time.Time
}
