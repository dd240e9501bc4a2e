package core

import (
	"unsafe"

	"herd/internal/model"
	"herd/internal/store"
)

// The entity caches are bounded by bytes, not entries: a status with four
// attachments and a long text holds ten times what a one-line post does,
// and a count of entries says nothing about memory. Each cache's size
// function estimates what one entry keeps alive on the heap, once, when it
// is put: the row's struct and strings, what hangs off it, and for
// statuses and accounts the JSON fragment the API renders on first use
// (api.appendPrefix) and keeps beside it. The fragment repeats the
// entry's strings (HTML-escaped content grows by about a quarter) between
// a fixed set of field names. On the bench's instance (10,000 accounts,
// 1M statuses, posts of 6–36 words) a status entry is ~1.5 KB and an
// account ~1.6 KB. Checked against the heap: 2,000 such statuses read
// twice through the API (so their fragments exist) with their 100 authors
// were estimated at 3.44 MB and freed 3.51 MB when dropped.

// DefaultCacheBytes is the memory budget when Config.CacheBytes is zero:
// 64 MB, of which the entity caches take 60: statuses 28 MB (~18,000
// bench statuses, more than the 2,000 bench users' first home pages, the
// public timeline and the bench's threads touch together), accounts 14 MB
// (~8,000), viewers' states 9 MB (~4,000 viewers following ~100 accounts
// each), live counters 8 MB and apps 1 MB. Over the bench's load (reads,
// then 30,000 posts), with 32 MB for statuses, these missed as often as
// the former bounds by entries did (statuses 4.0% of lookups against
// 3.8%, accounts 0.7% both; at 32 MB accounts missed 4.9%). The other
// 4 MB, taken from statuses when streaming came, bound what the queues of
// open streams may hold together (core/streams).
const DefaultCacheBytes = 64 << 20

// cacheShares is how Config.CacheBytes is split, in 64ths.
var cacheShares = struct{ statuses, accounts, viewers, statusCounts, accountLive, apps, streams int }{
	streams: 4, statuses: 28, accounts: 14, viewers: 9, statusCounts: 5, accountLive: 3, apps: 1,
}

// cacheSlotBytes is a map entry's share of its table: key, value and
// control byte at Go's 7/8 load factor, in tables that grow by doubling
// and keep the room of evicted entries. After the bench's load the status
// counters' table (32-byte slots) held ~130 bytes per entry.
const cacheSlotBytes = 96

// Fixed parts of the estimates: struct sizes rounded up to the allocator's
// size classes, and the JSON field names and fixed-width values (ids,
// dates) of a rendered fragment.
const (
	statusJSONFixed  = 420 // {"id":…,"created_at":…,"in_reply_to_id":…, …"application":{…}
	accountJSONFixed = 520 // {"id":…,"username":…, …"roles":[] and the avatar/header URLs' hosts and paths
	mentionBytes     = 8 + 140
	tagBytes         = 24 + 90
	mediaBytes       = int(unsafe.Sizeof(model.MediaAttachment{})) + 600
	cardBytes        = int(unsafe.Sizeof(model.PreviewCard{})) + 400
	fragmentBytes    = int(unsafe.Sizeof(model.Fragment{})) + 24 // the Fragment and its slice header
)

// statusEntrySize estimates a cached status: the entry and its row, the
// row's strings, mentions, tags, attachments and card, and its rendered
// static part. The app is shared with the apps cache and counted there.
func statusEntrySize(e *statusEntry) int {
	st := e.Status
	n := int(unsafe.Sizeof(statusEntry{})+unsafe.Sizeof(model.Status{})) + fragmentBytes + statusJSONFixed
	n += len(st.Text) + 2*(len(st.URI)+len(st.URL)+len(st.SpoilerText)+len(st.Language)) + len(st.Content)*9/4
	n += len(e.Mentions) * mentionBytes
	for _, t := range e.Tags {
		n += tagBytes + 3*len(t.Name)
	}
	for _, m := range e.Media {
		n += mediaBytes + 2*(len(m.Description)+len(m.Blurhash)+len(m.RemoteURL)) + len(m.FileKey) + len(m.PreviewKey) +
			len(m.Type) + len(m.ContentType) + len(m.Focus)
	}
	if c := e.Card; c != nil {
		n += cardBytes + 2*(len(c.URL)+len(c.Title)+len(c.Description)+len(c.AuthorName)+len(c.AuthorURL)+
			len(c.ProviderName)+len(c.ProviderURL)+len(c.HTML)+len(c.ImageURL)+len(c.EmbedURL)+len(c.Blurhash))
	}
	if e.App != nil {
		n += 2 * (len(e.App.Name) + len(e.App.Website)) // only in the fragment
	}
	return n
}

// accountSize estimates a cached profile (keys already dropped, see
// loadAccounts): the row, its strings, and its rendered static part, which
// repeats most of them (the username twice, in username and acct).
func accountSize(a *model.Account) int {
	n := int(unsafe.Sizeof(model.Account{})) + fragmentBytes + accountJSONFixed
	n += 3*len(a.Username) + 2*(len(a.Domain)+len(a.DisplayName)+len(a.URI)+len(a.URL)) + len(a.Note)*9/4 + len(a.NoteSource)
	n += len(a.AvatarURL) + len(a.HeaderURL) + len(a.AvatarKey) + len(a.HeaderKey) + len(a.InboxURL) + len(a.SharedInboxURL)
	n += len(a.PublicKey) + len(a.PrivateKey)
	for _, f := range a.Fields {
		n += int(unsafe.Sizeof(f)) + 40 + 2*len(f.Name) + 3*len(f.Value) // a local value is rendered as HTML too
	}
	return n
}

// viewerStateSize estimates a viewer's state: its sorted id lists and the
// mutes map.
func viewerStateSize(v *store.ViewerState) int {
	ids := cap(v.Following) + cap(v.Blocking) + cap(v.BlockedBy) + cap(v.MutedConversations) + cap(v.Pinned) +
		cap(v.Favourited) + cap(v.Reblogged) + cap(v.Bookmark)
	return int(unsafe.Sizeof(store.ViewerState{})) + 8*ids + 48 + 32*len(v.Muting)
}

// accountLiveSize: the counters sit in the map slot; the times are
// allocated apart.
func accountLiveSize(l store.AccountLive) int {
	n := int(unsafe.Sizeof(l))
	if l.LastStatusAt != nil {
		n += 32
	}
	if l.SuspendedAt != nil {
		n += 32
	}
	return n
}

// statusCountsSize: three counters in the map slot.
func statusCountsSize(store.StatusCounts) int { return int(unsafe.Sizeof(store.StatusCounts{})) }

// appSize estimates an application row.
func appSize(a *model.App) int {
	n := int(unsafe.Sizeof(model.App{})) + len(a.Name) + len(a.Website) + len(a.ClientID) + len(a.ClientSecret)
	for _, s := range a.RedirectURIs {
		n += 16 + len(s)
	}
	for _, s := range a.Scopes {
		n += 16 + len(s)
	}
	return n
}
