package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/core/files"
	"herd/internal/ids"
	"herd/internal/media"
	"herd/internal/session"
)

// mediaPathPrefix is where stored media files are served from (Mastodon's
// local storage path).
const mediaPathPrefix = "/system"

// MediaStorage is the media store the settings name: S3-compatible
// storage when an S3 bucket is set (clients fetch files from its public
// URL), else the local folder this server serves under /system/, on the
// media host when one is set.
func MediaStorage(cfg *config.Config) (media.Storage, error) {
	if cfg.UsesS3() {
		return media.NewS3(media.S3Options{
			Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
			Region: cfg.S3Region, PathStyle: cfg.S3PathStyle, PublicURL: cfg.S3PublicURL, Transport: cfg.S3Transport,
		})
	}
	host := cfg.Domain
	if cfg.MediaHost != "" {
		host = cfg.MediaHost
	}
	return &media.Local{Dir: cfg.MediaDir, BaseURL: cfg.Protocol + "://" + host + mediaPathPrefix}, nil
}

// registerMediaFiles serves stored media: the exact content type, no
// sniffing, a CSP that gives the file no power should a browser render
// it as a document, a year's caching (keys never change content), and
// ETag and Range handling from http.ServeContent.
func registerMediaFiles(mux *http.ServeMux, c *core.Core) {
	mux.HandleFunc("GET "+mediaPathPrefix+"/{key...}", func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		ct := media.ContentType(key) // never sniffed; a .raw upload has none and is not served
		if ct == "" {
			http.NotFound(w, r)
			return
		}
		f, err := c.Files.OpenMediaFile(r.Context(), key)
		if err != nil {
			if !errors.Is(err, fault.ErrRecordNotFound) {
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
		h.Set("Cache-Control", media.CacheControl)
		h.Set("ETag", `"`+strconv.FormatInt(f.ModTime().UnixNano(), 36)+`"`)
		http.ServeContent(w, r, "", f.ModTime(), f)
	})
}

// byMediaHost sends requests for the media host to files (which serves
// /system/ and nothing else: no page, API or cookie ever comes from that
// origin) and all others to app.
func byMediaHost(mediaHost string, files, app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Host, mediaHost) {
			files.ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
}

// redirectMediaFiles answers /system/ on the instance's own host, once a
// media host serves the files, with a redirect there, so file URLs given
// out before (in federated posts, say) keep working without the files
// being served from the instance's origin.
func redirectMediaFiles(mux *http.ServeMux, mediaBase string) {
	mux.HandleFunc("GET "+mediaPathPrefix+"/{key...}", func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		if !media.ValidKey(key) || media.ContentType(key) == "" {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, mediaBase+mediaPathPrefix+"/"+key, http.StatusFound) // not 301: the setting may change
	})
}

// registerMediaProxy serves Mastodon's /media_proxy/:id/:variant: a remote
// attachment's stored file (original or small), fetched again first when
// it is not cached, answered with a redirect to it. Uploads, attachments
// of statuses the browser's signed-in user (if any) may not see, and
// files the domain policy refuses or that cannot be fetched are 404.
func registerMediaProxy(mux *http.ServeMux, c *core.Core) {
	mux.HandleFunc("GET /media_proxy/{id}/{variant}", func(w http.ResponseWriter, r *http.Request) {
		id, ok := ids.Parse(r.PathValue("id"))
		variant := r.PathValue("variant")
		if !ok || (variant != "original" && variant != "small") {
			http.NotFound(w, r)
			return
		}
		// As Mastodon's MediaProxyController authorizes the status for the
		// session's user: a page's followers-only post shows its pictures
		// to whoever may read it. Apps' requests carry no session.
		var viewerID int64
		if v, err := session.Viewer(c.Accounts, r); err == nil {
			viewerID = v.AccountID()
		}
		target, err := c.Files.RemoteMediaFile(r.Context(), viewerID, id, variant == "small")
		if err != nil {
			if !errors.Is(err, fault.ErrRecordNotFound) {
				c.Log.Warn("media proxy", "media", id, "err", err)
			}
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}

// registerAccountImageProxy serves the media proxy's addresses of remote
// accounts' avatars and headers not cached here
// (files.Service.AccountAvatar gives them out instead of the origin's
// address): a redirect to the stored file, fetched first if need be, or
// to the default picture.
func registerAccountImageProxy(mux *http.ServeMux, c *core.Core) {
	serve := func(which files.ProfileImage) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			id, ok := ids.Parse(r.PathValue("id"))
			if !ok {
				http.NotFound(w, r)
				return
			}
			target, err := c.Files.AccountImageFile(r.Context(), id, which)
			if err != nil {
				c.Log.Warn("media proxy", "account", id, "err", err)
				http.Error(w, "Internal server error", http.StatusInternalServerError)
				return
			}
			http.Redirect(w, r, target, http.StatusFound)
		}
	}
	mux.HandleFunc("GET /media_proxy/accounts/{id}/avatar", serve(files.ProfileAvatar))
	mux.HandleFunc("GET /media_proxy/accounts/{id}/header", serve(files.ProfileHeader))
}

// registerCustomEmojiProxy serves the media proxy's addresses of remote
// custom emoji not cached here (files.Service.CustomEmojiURL gives them
// out instead of the origin's address): a redirect to the stored image,
// fetched first if need be; 404 when there is none to show.
func registerCustomEmojiProxy(mux *http.ServeMux, c *core.Core) {
	mux.HandleFunc("GET /media_proxy/custom_emojis/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, ok := ids.Parse(r.PathValue("id"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		target, err := c.Files.CustomEmojiFile(r.Context(), id)
		if errors.Is(err, fault.ErrRecordNotFound) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			c.Log.Warn("media proxy", "emoji", id, "err", err)
			http.Error(w, "Internal server error", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}
