package api

import (
	"net/http"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/text"
)

// postStatus handles POST /api/v1/statuses.
func (a *API) postStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	replyTo, err := p.id("in_reply_to_id")
	if err != nil {
		return fault.ErrRecordNotFound
	}
	n := core.NewStatus{
		Text: p.str("status"), SpoilerText: p.str("spoiler_text"), Visibility: model.Visibility(p.str("visibility")),
		Language: p.str("language"), InReplyToID: replyTo, MediaIDs: nonEmpty(p.list("media_ids")),
		Poll:        p.has("poll[options][]") || p.has("poll[options]") || p.has("poll[expires_in]"),
		ScheduledAt: p.str("scheduled_at"),
		// A header may carry any byte over 0x7F: read it as a body's values are.
		IdempotencyKey: text.Storable(r.Header.Get("Idempotency-Key")),
	}
	if p.has("sensitive") {
		s := p.boolean("sensitive", false)
		n.Sensitive = &s
	}
	v := viewerOf(r)
	view, err := a.core.PostStatusView(r.Context(), v, n)
	if err != nil {
		return err
	}
	return a.writeStatus(w, view, v.AccountID())
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// renderStatus renders a status the viewer just wrote or acted on.
func (a *API) renderStatus(w http.ResponseWriter, r *http.Request, st *model.Status) error {
	v := viewerOf(r)
	view, err := a.core.StatusView(r.Context(), v.AccountID(), st)
	if err != nil {
		return err
	}
	return a.writeStatus(w, view, v.AccountID())
}

// getStatus handles GET /api/v1/statuses/:id (404 when hidden).
func (a *API) getStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := viewerOf(r)
	view, err := a.core.Status(r.Context(), v, id)
	if err != nil {
		return err
	}
	return a.writeStatus(w, view, v.AccountID())
}

// getStatuses handles GET /api/v1/statuses?id[]=…, skipping statuses that
// are missing or hidden.
func (a *API) getStatuses(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	var list []int64
	for _, s := range p.list("id") {
		if id, ok := ids.Parse(s); ok {
			list = append(list, id)
		}
	}
	v := viewerOf(r)
	views, err := a.core.Statuses(r.Context(), v, list)
	if err != nil {
		return err
	}
	return a.writeStatuses(w, views, v.AccountID())
}

// deleteStatus handles DELETE /api/v1/statuses/:id: the deleted status
// comes back with its source text, for "delete and redraft".
func (a *API) deleteStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := viewerOf(r)
	view, err := a.core.DeleteStatus(r.Context(), v, id)
	if err != nil {
		return err
	}
	e := a.statusEntity(view, v.AccountID())
	text := view.Status.Text
	e.Text = &text
	return writeJSON(w, e)
}

// editStatus handles PUT /api/v1/statuses/:id.
func (a *API) editStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	req := core.StatusEditRequest{Text: p.str("status"), MediaIDs: nonEmpty(p.list("media_ids")),
		Poll: p.has("poll[options][]") || p.has("poll[expires_in]")}
	if p.has("spoiler_text") {
		s := p.str("spoiler_text")
		req.SpoilerText = &s
	}
	if p.has("sensitive") {
		b := p.boolean("sensitive", false)
		req.Sensitive = &b
	}
	if p.has("language") {
		l := p.str("language")
		req.Language = &l
	}
	attrs, _ := attributesParam(p, "media_attributes")
	for _, at := range attrs {
		ma := core.MediaAttribute{ID: at["id"]}
		if d, ok := at["description"]; ok {
			ma.Description = &d
		}
		if f, ok := at["focus"]; ok {
			ma.Focus = &f
		}
		req.MediaAttributes = append(req.MediaAttributes, ma)
	}
	st, err := a.core.EditStatus(r.Context(), viewerOf(r), id, req)
	if err != nil {
		return err
	}
	return a.renderStatus(w, r, st)
}
