package activitypub

import (
	"net/http"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/core/timelines"
	"herd/internal/model"
)

// tagPageSize is how many posts a hashtag's collection lists, Mastodon's
// page size.
const tagPageSize = 20

// tagCollection answers an ActivityPub client's GET of /tags/NAME, the
// address hashtags link to (browsers get the web page there): as
// Mastodon, an OrderedCollection of the ids of this server's latest public
// posts with the hashtag.
func (h *Handler) tagCollection(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimPrefix(r.URL.Path, "/tags/")
	if strings.Contains(name, "/") {
		return fault.ErrRecordNotFound
	}
	tag, err := h.core.Timelines.Tag(r.Context(), name)
	if err != nil {
		return err
	}
	sp, err := h.core.Timelines.TagTimeline(r.Context(), nil, timelines.TagQuery{Tag: name}, timelines.PublicFilter{Local: true},
		model.Page{Limit: tagPageSize})
	if err != nil {
		return err
	}
	items := make([]string, 0, len(sp.Statuses))
	for _, sv := range sp.Statuses {
		items = append(items, sv.Status.URI)
	}
	return writeDocument(w, &Collection{Context: asContext, ID: h.core.TagURL(tag.Tag.Name), Type: "OrderedCollection",
		OrderedItems: items})
}
