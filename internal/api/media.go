package api

import (
	"io"
	"net/http"

	"herd/internal/core"
	"herd/internal/media"
)

// mediaRoutes registers uploads (docs.joinmastodon.org/methods/media).
// Mastodon asks write:media for every one of them, reads included.
func (a *API) mediaRoutes() {
	a.handle("POST /api/v1/media", user("write:media"), a.uploadMedia)
	a.handle("POST /api/v2/media", user("write:media"), a.uploadMedia)
	a.handle("GET /api/v1/media/{id}", user("write:media"), a.getMedia)
	a.handle("PUT /api/v1/media/{id}", user("write:media"), a.updateMedia)
	a.handle("DELETE /api/v1/media/{id}", user("write:media"), a.deleteMedia)
}

// uploadMedia handles POST /api/v1/media and /api/v2/media: a multipart
// file with optional description and focus. Images are processed before
// the answer, so both versions answer 200 with the finished attachment.
func (a *API) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return core.ErrUnprocessable("Validation failed: File can't be blank")
	}
	f, err := r.MultipartForm.File["file"][0].Open()
	if err != nil {
		return err
	}
	defer f.Close()
	// One byte over the limit is enough to refuse it.
	data, err := io.ReadAll(io.LimitReader(f, media.MaxImageBytes+1))
	if err != nil {
		return err
	}
	m, err := a.core.UploadMedia(r.Context(), viewerOf(r), data, p.str("description"), p.str("focus"))
	if err != nil {
		return err
	}
	return writeJSON(w, a.mediaEntity(m))
}

// getMedia handles GET /api/v1/media/:id (own unattached uploads only).
func (a *API) getMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := a.core.OwnUnattachedMedia(r.Context(), viewerOf(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, a.mediaEntity(m))
}

// updateMedia handles PUT /api/v1/media/:id: description and focus.
func (a *API) updateMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	m, err := a.core.UpdateMedia(r.Context(), viewerOf(r), id, strParam(p, "description"), strParam(p, "focus"))
	if err != nil {
		return err
	}
	return writeJSON(w, a.mediaEntity(m))
}

// deleteMedia handles DELETE /api/v1/media/:id (unattached uploads only),
// answering the removed attachment.
func (a *API) deleteMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := a.core.DeleteMedia(r.Context(), viewerOf(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, a.mediaEntity(m))
}
