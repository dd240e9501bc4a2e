package model

// StatusView is a status with everything needed to render it for one
// viewer, loaded in batches for a whole page.
type StatusView struct {
	Status   *Status
	Account  *Account
	Reblog   *StatusView // the boosted status, for a boost
	Mentions []*Account
	Tags     []Tag
	App      *App
	Media    []*MediaAttachment
	Card     *PreviewCard // the preview card of its first link, nil if none

	// What the viewer has done to this status.
	Favourited, Reblogged, Bookmarked, Pinned, Muted bool

	// JSON is the cached rendering of the status's static part (see
	// Fragment); nil when the status did not come from the cache.
	JSON *Fragment
}
