package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"

	"herd/internal/core/timelines"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/session"
)

// pageSize is how many statuses a timeline page shows.
const pageSize = 20

// statusList is a page of statuses as the "statuses" template shows it:
// Older is the link to the next page ("" at the end).
type statusList struct {
	Items []statusItem
	Page  *page
	Empty string
	Older string
}

// statusArgs is what the "status" template sees.
type statusArgs struct {
	S    statusItem
	Me   *accountItem
	CSRF string
}

func makeStatusArgs(s statusItem, p *page) statusArgs {
	return statusArgs{S: s, Me: p.Me, CSRF: p.CSRF}
}

// timelineData fills timeline.html.
type timelineData struct {
	Heading string
	List    statusList
	Compose bool   // show the composer above the list
	Poll    string // where poll.js asks for newer statuses ("" for none)
	Stream  string // the stream that tells poll.js when to ask (stream.go)
	Newest  string // the newest entry's id, where polling starts
}

// maxNewer is how many newer statuses one poll brings; with more, the
// script offers to reload the timeline instead.
const maxNewer = 40

// maxIDPage reads ?max_id= (older pages); a malformed one is ignored.
func maxIDPage(r *http.Request) model.Page {
	p := model.Page{Limit: pageSize}
	if id, ok := ids.Parse(r.URL.Query().Get("max_id")); ok {
		p.MaxID = id
	}
	return p
}

// olderLink is the link to the page after a full one: a page that read
// fewer rows than it asked for was the last.
func olderLink(r *http.Request, sp *timelines.StatusPage) string {
	if sp == nil || sp.Rows < pageSize {
		return ""
	}
	return olderPage(r, sp.OldestID)
}

// olderPage is this page's link to the entries older than cursor oldest
// ("" for none).
func olderPage(r *http.Request, oldest int64) string {
	if oldest == 0 {
		return ""
	}
	q := url.Values{}
	for k, v := range r.URL.Query() {
		if k != "max_id" {
			q[k] = v
		}
	}
	q.Set("max_id", ids.Format(oldest))
	return r.URL.Path + "?" + q.Encode()
}

// timelineStreams is the stream of each timeline page, by its nav name.
var timelineStreams = map[string]string{"home": streamQuery("user", ""), "local": streamQuery("public:local", ""),
	"federated": streamQuery("public", "")}

// showTimeline renders a timeline page read by load.
func (h *Handler) showTimeline(w http.ResponseWriter, r *http.Request, v *model.Viewer, nav, title, empty string, compose bool,
	load func(ctx context.Context, p model.Page) (*timelines.StatusPage, error)) error {
	if isFetch(r) && r.URL.Query().Has("since_id") {
		return h.newerStatuses(w, r, v, load)
	}
	pg := maxIDPage(r)
	sp, err := load(r.Context(), pg)
	if err != nil {
		return err
	}
	d := &timelineData{Heading: title, Compose: compose && v != nil}
	if v != nil && pg.MaxID == 0 {
		d.Poll, d.Newest = r.URL.Path, ids.Format(sp.NewestID)
		d.Stream = timelineStreams[nav]
	}
	p := h.newPage(r, title, v, d)
	p.Nav = nav
	d.List = statusList{Items: h.statusItems(v, sp.Statuses), Page: p, Empty: empty}
	if len(sp.Statuses) > 0 {
		d.List.Older = olderLink(r, sp)
	}
	h.render(w, r, http.StatusOK, "timeline", p)
	return nil
}

// newerStatuses answers poll.js: the statuses newer than ?since_id=, as
// HTML to insert above the timeline (the same "status" template), the
// newest id in X-Newest-ID, X-More when there were more than one poll
// brings; 204 when there is nothing new.
func (h *Handler) newerStatuses(w http.ResponseWriter, r *http.Request, v *model.Viewer,
	load func(ctx context.Context, p model.Page) (*timelines.StatusPage, error)) error {
	since, _ := ids.Parse(r.URL.Query().Get("since_id"))
	sp, err := load(r.Context(), model.Page{SinceID: since, Limit: maxNewer})
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Add("Vary", "Cookie, Accept-Encoding")
	if len(sp.Statuses) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	p := h.newPage(r, "", v, nil)
	p.CSRF = session.CSRFToken(w, r, h.secure())
	var buf bytes.Buffer
	list := statusList{Items: h.statusItems(v, sp.Statuses), Page: p}
	if err := h.pages["timeline"].ExecuteTemplate(&buf, "status-items", list); err != nil {
		h.log.Error("render new statuses", "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return nil
	}
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("X-Newest-ID", ids.Format(sp.NewestID))
	if len(sp.Statuses) == maxNewer {
		hd.Set("X-More", "1")
	}
	writeCompressed(w, r, http.StatusOK, buf.Bytes())
	return nil
}

// home handles GET /home: the signed-in user's home timeline.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	return h.showTimeline(w, r, v, "home", "Home", "Your home timeline is empty. Follow people to see their posts here.", true,
		func(ctx context.Context, p model.Page) (*timelines.StatusPage, error) {
			return h.core.Timelines.HomeTimeline(ctx, v, p)
		})
}

// localTimeline handles GET /public/local: public posts of this instance,
// readable by visitors too.
func (h *Handler) localTimeline(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	return h.showTimeline(w, r, v, "local", "Local timeline", "Nobody here has posted in public yet.", false,
		func(ctx context.Context, p model.Page) (*timelines.StatusPage, error) {
			return h.core.Timelines.PublicTimeline(ctx, v, timelines.PublicFilter{Local: true}, p)
		})
}

// federatedTimeline handles GET /public: public posts this instance knows
// of, from here and elsewhere.
func (h *Handler) federatedTimeline(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	return h.showTimeline(w, r, v, "federated", "Federated timeline", "No public posts are known here yet.", false,
		func(ctx context.Context, p model.Page) (*timelines.StatusPage, error) {
			return h.core.Timelines.PublicTimeline(ctx, v, timelines.PublicFilter{}, p)
		})
}
