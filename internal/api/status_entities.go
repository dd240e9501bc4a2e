package api

import (
	"encoding/json"
	"net/http"

	"herd/internal/door"
	"herd/internal/ids"
	"herd/internal/model"
)

// Context is Mastodon's Context entity: a status's thread.
type Context struct {
	Ancestors   []json.RawMessage `json:"ancestors"`
	Descendants []json.RawMessage `json:"descendants"`
}

// StatusEdit is Mastodon's StatusEdit entity: one version of a status.
type StatusEdit struct {
	Content          string            `json:"content"`
	SpoilerText      string            `json:"spoiler_text"`
	Sensitive        bool              `json:"sensitive"`
	CreatedAt        string            `json:"created_at"`
	Account          Account           `json:"account"`
	MediaAttachments []MediaAttachment `json:"media_attachments"`
	Emojis           []CustomEmoji     `json:"emojis"`
	Poll             any               `json:"poll,omitempty"`
}

// StatusSource is Mastodon's StatusSource entity: what a status was
// written as.
type StatusSource struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text"`
}

// statusContext handles GET /api/v1/statuses/:id/context.
func (a *API) statusContext(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := viewerOf(r)
	tc, err := a.core.Context(r.Context(), v, id)
	if err != nil {
		return err
	}
	return writeJSON(w, Context{Ancestors: a.statusEntities(tc.Ancestors, v.AccountID()),
		Descendants: a.statusEntities(tc.Descendants, v.AccountID())})
}

// statusHistory handles GET /api/v1/statuses/:id/history, oldest first.
func (a *API) statusHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	versions, err := a.core.StatusHistory(r.Context(), viewerOf(r), id)
	if err != nil {
		return err
	}
	out := make([]StatusEdit, len(versions))
	for i, ver := range versions {
		out[i] = StatusEdit{Content: ver.Edit.Content, SpoilerText: ver.Edit.SpoilerText, Sensitive: ver.Edit.Sensitive,
			CreatedAt: timestamp(ver.Edit.CreatedAt), Account: a.accountEntity(ver.Account),
			MediaAttachments: make([]MediaAttachment, 0, len(ver.Media)),
			Emojis:           a.emojiEntities(a.core.Files.CustomEmojisIn(ver.Account.Domain, ver.Edit.Content, ver.Edit.SpoilerText))}
		for _, m := range ver.Media {
			out[i].MediaAttachments = append(out[i].MediaAttachments, a.mediaEntity(m))
		}
	}
	return writeJSON(w, out)
}

// statusSource handles GET /api/v1/statuses/:id/source.
func (a *API) statusSource(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := a.core.StatusSource(r.Context(), viewerOf(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, StatusSource{ID: ids.Format(st.ID), Text: st.Text, SpoilerText: st.SpoilerText})
}

// statusViews is what the interaction handlers share: call a use case
// returning the status acted on, render it.
func (a *API) statusAction(do func(r *http.Request, v *model.Viewer, id int64) (*model.StatusView, error)) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		v := viewerOf(r)
		view, err := do(r, v, id)
		if err != nil {
			return err
		}
		return a.writeStatus(w, view, v.AccountID())
	}
}
