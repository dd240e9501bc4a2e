package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"

	"herd/internal/core/fault"
	"herd/internal/media"
	"herd/internal/session"
	"herd/internal/text"
)

// composeForm is a composer's submission: its fields, and the files of
// its attachment slots with each one's alt text.
type composeForm struct {
	values url.Values
	files  []formFile // the slots holding a file, in order
}

// formFile is a file sent in a slot, spooled to a temporary file.
type formFile struct {
	path        string
	description string
}

// Bounds of a composer's submission: each file at most what an upload
// may be (Mastodon's video limit; images are checked against their own
// limit when processed), the other fields together well under a megabyte.
const (
	maxFieldBytes  = 64 << 10
	maxFieldsBytes = 1 << 20
)

var (
	errFormTooLarge = errors.New("form too large")
	errFormCSRF     = errors.New("form without a valid token")
)

// close removes the spooled files.
func (f *composeForm) close() {
	for _, file := range f.files {
		os.Remove(file.path)
	}
}

// readComposeForm reads a composer's form, urlencoded or multipart, and
// checks its CSRF token (readUploadForm's failures). The caller closes the
// form.
//
// Each attachment slot is a file input named "media" followed by a text
// input named "media_description"; browsers send every slot, empty ones
// as a part without a file name, so the n-th description belongs to the
// n-th file input. The token comes first in the form: a file sent before
// a valid token is refused before it is stored.
func (h *Handler) readComposeForm(w http.ResponseWriter, r *http.Request) (*composeForm, error) {
	f := &composeForm{values: url.Values{}}
	limit := int64(h.core.Config.MaxMediaAttachments)*(media.MaxVideoBytes+4<<10) + maxFieldsBytes
	tooBig := fmt.Sprintf("That is too large to post: a file may be at most %d MB.", media.MaxVideoBytes>>20)
	if err := h.readUploadForm(w, r, limit, tooBig, &f.values, func() error { return h.readMultipart(r, f) }, f.close); err != nil {
		return nil, err
	}
	return f, nil
}

// readUploadForm reads a form that may carry files: multipart, bounded by
// limit, through readParts (which spools the files and fills *values), or
// url-encoded, bounded by maxFieldsBytes. Either way the fields become
// r.PostForm, made storable (session.StorableForm), and the CSRF token is
// checked. On failure it removes what was spooled (discard) and fails with
// 413 (tooBig, "Too large"), session.ErrFormExpired or
// session.ErrFormUnreadable.
func (h *Handler) readUploadForm(w http.ResponseWriter, r *http.Request, limit int64, tooBig string,
	values *url.Values, readParts func() error, discard func()) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		err = readParts()
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxFieldsBytes)
		if err = r.ParseForm(); err == nil {
			*values = r.PostForm
		}
	}
	r.PostForm, r.Form = *values, *values
	session.StorableForm(r)
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &maxBytes) || errors.Is(err, errFormTooLarge):
		err = &pageError{"Too large", &fault.Error{Status: http.StatusRequestEntityTooLarge, Message: tooBig}}
	case errors.Is(err, errFormCSRF):
		err = session.ErrFormExpired
	case err != nil:
		err = session.ErrFormUnreadable
	case !session.CheckCSRF(r, h.core.BaseURL()):
		err = session.ErrFormExpired
	}
	if err != nil {
		discard()
	}
	return err
}

func (h *Handler) readMultipart(r *http.Request, f *composeForm) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return err
	}
	var slots []string        // each "media" part's spooled file, "" for an empty slot
	var descriptions []string // each "media_description", in order
	fieldBytes := 0
	defer func() {
		for _, path := range slots {
			if path != "" {
				f.files = append(f.files, formFile{path: path})
			}
		}
		n := 0
		for i, path := range slots {
			if path == "" {
				continue
			}
			if i < len(descriptions) {
				f.files[n].description = descriptions[i]
			}
			n++
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := part.FormName()
		if name == "media" && part.FileName() != "" {
			if len(slots) >= h.core.Config.MaxMediaAttachments {
				return errFormTooLarge
			}
			r.PostForm = f.values
			if !session.CheckCSRF(r, h.core.BaseURL()) {
				return errFormCSRF
			}
			path, err := spool(part)
			slots = append(slots, path)
			if err != nil {
				return err
			}
			continue
		}
		value, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return err
		}
		fieldBytes += len(value)
		if len(value) > maxFieldBytes || fieldBytes > maxFieldsBytes {
			return errFormTooLarge
		}
		switch name {
		case "media": // an empty slot
			slots = append(slots, "")
		case "media_description": // kept apart from f.values, which readUploadForm makes storable
			descriptions = append(descriptions, text.Storable(string(value)))
		default:
			f.values.Add(name, string(value))
		}
	}
}

// spool copies a file part to a temporary file, "" for an empty one; a
// file over the upload limit is refused.
func spool(part io.Reader) (string, error) {
	tmp, err := os.CreateTemp("", "herd-form-*")
	if err != nil {
		return "", err
	}
	n, err := io.Copy(tmp, io.LimitReader(part, media.MaxVideoBytes+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > media.MaxVideoBytes {
		err = errFormTooLarge
	}
	if err != nil || n == 0 {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}
