package api

import (
	"net/http"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// uploadMedia handles POST /api/v1/media, which answers once the file
// is processed, and POST /api/v2/media, which answers 200 for an image
// (processed at once) and 202 with a null url for video, gifv and audio,
// processed in the background: a multipart file with optional
// description and focus.
func (a *API) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParamsUpTo(r, maxUploadBytes)
	if err != nil {
		return err
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return fault.Unprocessable("Validation failed: File can't be blank")
	}
	f, err := r.MultipartForm.File["file"][0].Open()
	if err != nil {
		return err
	}
	defer f.Close()
	upload := a.core.Files.UploadMedia
	if strings.HasPrefix(r.URL.Path, "/api/v2/") {
		upload = a.core.Files.UploadMediaInBackground
	}
	m, err := upload(r.Context(), viewerOf(r), f, p.str("description"), p.str("focus"))
	if err != nil {
		return err
	}
	if m.Processing == model.MediaPending {
		return writeJSON(w, a.mediaEntity(m), http.StatusAccepted)
	}
	return writeJSON(w, a.mediaEntity(m))
}

// mediaStatus is the answer of GET and PUT /api/v1/media/:id: 206 while
// the upload is processed, 200 once done; a failed upload is a 422
// (Api::V1::MediaController#status_code_for_media_attachment and
// #check_processing).
func mediaStatus(m *model.MediaAttachment) (int, error) {
	switch m.Processing {
	case model.MediaPending:
		return http.StatusPartialContent, nil
	case model.MediaFailed:
		return 0, fault.Unprocessable("Error processing thumbnail for uploaded media")
	}
	return http.StatusOK, nil
}

// getMedia handles GET /api/v1/media/:id (own unattached uploads only).
func (a *API) getMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := a.core.Files.OwnUnattachedMedia(r.Context(), viewerOf(r), id)
	if err != nil {
		return err
	}
	status, err := mediaStatus(m)
	if err != nil {
		return err
	}
	return writeJSON(w, a.mediaEntity(m), status)
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
	m, err := a.core.Files.UpdateMedia(r.Context(), viewerOf(r), id, strParam(p, "description"), strParam(p, "focus"))
	if err != nil {
		return err
	}
	status, err := mediaStatus(m)
	if err != nil {
		return err
	}
	return writeJSON(w, a.mediaEntity(m), status)
}

// deleteMedia handles DELETE /api/v1/media/:id (unattached uploads only),
// answering the removed attachment.
func (a *API) deleteMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := a.core.Files.DeleteMedia(r.Context(), viewerOf(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, a.mediaEntity(m))
}
