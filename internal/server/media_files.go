package server

import (
	"errors"
	"net/http"
	"path"
	"strconv"

	"herd/internal/core"
	"herd/internal/ids"
)

// mediaPathPrefix is where stored media files are served from (Mastodon's
// local storage path).
const mediaPathPrefix = "/system"

// mediaTypes maps the extensions the media store writes to their types;
// a file is never served with a type sniffed from its bytes.
// (an upload waiting to be processed, .raw, is not served at all).
var mediaTypes = map[string]string{".jpg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4", ".mp3": "audio/mpeg"}

// registerMediaFiles serves stored media: the exact content type, no
// sniffing, a CSP that gives the file no power should a browser render
// it as a document, a year's caching (keys never change content), and
// ETag and Range handling from http.ServeContent.
func registerMediaFiles(mux *http.ServeMux, c *core.Core) {
	mux.HandleFunc("GET "+mediaPathPrefix+"/{key...}", func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		ct, ok := mediaTypes[path.Ext(key)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		f, err := c.OpenMediaFile(r.Context(), key)
		if err != nil {
			if !errors.Is(err, core.ErrRecordNotFound) {
				c.Log.Warn("open media file", "key", key, "err", err)
			}
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		h := w.Header()
		h.Set("Content-Type", ct)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("ETag", `"`+strconv.FormatInt(f.ModTime().UnixNano(), 36)+`"`)
		http.ServeContent(w, r, "", f.ModTime(), f)
	})
}

// registerMediaProxy serves Mastodon's /media_proxy/:id/:variant: a remote
// attachment's stored file (original or small), fetched again first when
// it is not cached, answered with a redirect to it. Uploads, attachments
// of statuses not public or unlisted, and files the domain policy refuses
// or that cannot be fetched are 404.
func registerMediaProxy(mux *http.ServeMux, c *core.Core) {
	mux.HandleFunc("GET /media_proxy/{id}/{variant}", func(w http.ResponseWriter, r *http.Request) {
		id, ok := ids.Parse(r.PathValue("id"))
		variant := r.PathValue("variant")
		if !ok || (variant != "original" && variant != "small") {
			http.NotFound(w, r)
			return
		}
		target, err := c.RemoteMediaFile(r.Context(), id, variant == "small")
		if err != nil {
			if !errors.Is(err, core.ErrRecordNotFound) {
				c.Log.Warn("media proxy", "media", id, "err", err)
			}
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}
