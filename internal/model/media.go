package model

import "time"

// MediaAttachment is an uploaded (or, later, remote) file attached or
// attachable to a status (Mastodon's MediaAttachment).
type MediaAttachment struct {
	ID          int64
	AccountID   int64
	StatusID    int64  // 0 while unattached
	Type        string // "image", "video", "gifv" or "audio"
	FileKey     string // storage key of the processed original
	PreviewKey  string // storage key of the small preview
	ContentType string // of the original
	Description string // alt text
	Focus       string // "x,y" in -1..1, "" when unset
	Blurhash    string
	Meta        MediaMeta
	RemoteURL   string    // where a remote attachment's file lives on its origin
	CachedAt    time.Time // when a remote attachment's files were stored; zero while not cached
	CreatedAt   time.Time
	// Processing is MediaProcessed, or MediaPending while a video, gifv
	// or audio upload waits for its job (FileKey then names the raw
	// upload), or MediaFailed.
	Processing int
}

// MediaAttachment.Processing states.
const (
	MediaProcessed = 0
	MediaPending   = 1
	MediaFailed    = 2
)

// Cached reports whether the attachment's files are stored here (always,
// for an upload; for a remote attachment, between fetch and prune).
func (m *MediaAttachment) Cached() bool { return m.FileKey != "" }

// MediaMeta is what the API's meta field reports about the files.
type MediaMeta struct {
	Original MediaSize `json:"original"`
	Small    MediaSize `json:"small"`
}

// MediaSize is one file's dimensions, and for video and audio its frame
// rate ("30/1"), duration (seconds) and bitrate (bits per second).
type MediaSize struct {
	Width     int     `json:"width"`
	Height    int     `json:"height"`
	FrameRate string  `json:"frame_rate,omitempty"`
	Duration  float64 `json:"duration,omitempty"`
	Bitrate   int64   `json:"bitrate,omitempty"`
}
