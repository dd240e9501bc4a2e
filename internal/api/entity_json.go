package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"herd/internal/model"
)

// Pages of statuses are the API's hottest output. Rather than building
// Status values and encoding them by reflection on every request, each
// status and account keeps the JSON of its static part (StatusStatic,
// AccountProfile) in its cache entry's model.Fragment, and a page appends
// those bytes and writes the few live fields by hand (DESIGN.md principle
// 6). The result is byte for byte what encoding/json makes of
// statusEntity and accountEntity (TestAppendStatusMatchesEncoding), since
// the live fields are written in struct order with the same rules.

// appendStatus appends v's Status entity for viewerID to dst.
func (a *API) appendStatus(dst []byte, v *model.StatusView, viewerID int64) []byte {
	dst = appendPrefix(dst, v.JSON, func() any { return a.statusStatic(v) })
	st := v.Status
	sensitive := st.Sensitive
	if v.Reblog != nil {
		sensitive = v.Reblog.Status.Sensitive
	}
	dst = append(dst, `,"sensitive":`...)
	dst = strconv.AppendBool(dst, sensitive)
	dst = append(dst, `,"replies_count":`...)
	dst = strconv.AppendInt(dst, st.RepliesCount, 10)
	dst = append(dst, `,"reblogs_count":`...)
	dst = strconv.AppendInt(dst, st.ReblogsCount, 10)
	dst = append(dst, `,"favourites_count":`...)
	dst = strconv.AppendInt(dst, st.FavouritesCount, 10)
	dst = append(dst, `,"emojis":`...)
	dst = appendEmojis(dst, a.statusEmojis(v))
	if viewerID != 0 {
		dst = append(dst, `,"favourited":`...)
		dst = strconv.AppendBool(dst, v.Favourited)
		dst = append(dst, `,"reblogged":`...)
		dst = strconv.AppendBool(dst, v.Reblogged)
		dst = append(dst, `,"muted":`...)
		dst = strconv.AppendBool(dst, v.Muted)
		dst = append(dst, `,"bookmarked":`...)
		dst = strconv.AppendBool(dst, v.Bookmarked)
		if showsPinned(v, viewerID) {
			dst = append(dst, `,"pinned":`...)
			dst = strconv.AppendBool(dst, v.Pinned)
		}
	}
	dst = append(dst, `,"reblog":`...)
	if v.Reblog != nil {
		dst = a.appendStatus(dst, v.Reblog, viewerID)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"account":`...)
	dst = a.appendAccount(dst, v.Account)
	return append(dst, '}')
}

// appendAccount appends acct's Account entity to dst.
func (a *API) appendAccount(dst []byte, acct *model.Account) []byte {
	if acct.Suspended() {
		// Rendered with its profile emptied: not the cached prefix.
		b, _ := json.Marshal(a.accountEntity(acct))
		return append(dst, b...)
	}
	dst = appendPrefix(dst, acct.JSON, func() any { return a.accountProfile(acct) })
	dst = append(dst, `,"followers_count":`...)
	dst = strconv.AppendInt(dst, acct.FollowersCount, 10)
	dst = append(dst, `,"following_count":`...)
	dst = strconv.AppendInt(dst, acct.FollowingCount, 10)
	dst = append(dst, `,"statuses_count":`...)
	dst = strconv.AppendInt(dst, acct.StatusesCount, 10)
	dst = append(dst, `,"last_status_at":`...)
	if d := lastStatusDay(acct.LastStatusAt); d != nil {
		dst = append(dst, '"')
		dst = append(dst, *d...) // digits and dashes: nothing to escape
		dst = append(dst, '"')
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"emojis":`...)
	dst = appendEmojis(dst, a.accountEmojis(acct))
	return append(dst, '}')
}

// appendEmojis appends an emojis array as encoding/json encodes it.
func appendEmojis(dst []byte, list []CustomEmoji) []byte {
	if len(list) == 0 { // most texts name none: no encoder
		return append(dst, "[]"...)
	}
	b, err := json.Marshal(list)
	if err != nil {
		// Only plain strings, numbers and slices of them: cannot fail.
		panic("api: encoding an entity part: " + err.Error())
	}
	return append(dst, b...)
}

// appendPrefix appends the JSON object of static without its closing
// brace, from frag when it holds it, else encoding it (and keeping it in
// frag for the next page).
func appendPrefix(dst []byte, frag *model.Fragment, static func() any) []byte {
	if b := frag.Get(); b != nil {
		return append(dst, b...)
	}
	b, err := json.Marshal(static())
	if err != nil {
		// Only plain strings, numbers and slices of them: cannot fail.
		panic("api: encoding a static entity part: " + err.Error())
	}
	b = b[:len(b)-1]
	frag.Set(b)
	return append(dst, b...)
}

// statusEntities renders statuses for documents that hold them among other
// fields (a thread's context, search results, grouped notifications).
func (a *API) statusEntities(vs []*model.StatusView, viewerID int64) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(vs))
	for _, v := range vs {
		out = append(out, a.appendStatus(nil, v, viewerID))
	}
	return out
}

// writeStatus writes one status, as writeJSON would.
func (a *API) writeStatus(w http.ResponseWriter, v *model.StatusView, viewerID int64) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(append(a.appendStatus(make([]byte, 0, 4096), v, viewerID), '\n'))
	return err
}

// pageBuffers recycles the buffers of rendered pages (a home timeline page
// is about 40 KB).
var pageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// writeStatuses writes a JSON array of statuses, as writeJSON would.
func (a *API) writeStatuses(w http.ResponseWriter, vs []*model.StatusView, viewerID int64) error {
	bp := pageBuffers.Get().(*[]byte)
	buf := append((*bp)[:0], '[')
	for i, v := range vs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = a.appendStatus(buf, v, viewerID)
	}
	buf = append(buf, ']', '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(buf)
	if cap(buf) <= 1<<20 { // don't keep the odd huge page alive
		*bp = buf
		pageBuffers.Put(bp)
	}
	return err
}
