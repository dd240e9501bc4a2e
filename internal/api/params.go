package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/media"
	"herd/internal/text"
)

// maxBodyBytes bounds request bodies that are not media uploads;
// maxMultipartBytes bounds multipart bodies, which may carry files.
const (
	maxBodyBytes      = 1 << 20
	maxMultipartBytes = media.MaxImageBytes + 1<<20 // a file at the limit, and the other fields
	maxUploadBytes    = media.MaxVideoBytes + 1<<20 // a video at the limit (POST /api/v*/media)
)

// errBodyTooLarge is the answer for a body over its bound.
var errBodyTooLarge = &fault.Error{Status: http.StatusRequestEntityTooLarge, Message: "Request body too large"}

// params holds a request's parameters, whatever the encoding: query
// string, form-urlencoded, multipart or JSON. JSON bodies are flattened to
// Rails-style keys ({"source": {"privacy": "x"}} → "source[privacy]",
// {"media_ids": [1]} → "media_ids[]"), so handlers read one shape. Body
// values override query values.
type params map[string][]string

// parseParams reads the request's parameters, answering 400 or 422 for
// bodies that cannot be parsed.
func parseParams(r *http.Request) (params, error) { return parseParamsUpTo(r, maxMultipartBytes) }

// parseParamsUpTo is parseParams with its own bound on multipart bodies.
func parseParamsUpTo(r *http.Request, multipartBytes int64) (params, error) {
	return parseParamsWithin(r, maxBodyBytes, multipartBytes)
}

// parseParamsWithin is parseParams with its own bounds on JSON and
// form-urlencoded bodies (bodyBytes) and on multipart ones.
func parseParamsWithin(r *http.Request, bodyBytes, multipartBytes int64) (params, error) {
	p := params{}
	for k, v := range r.URL.Query() {
		p[k] = v
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var body any
		dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, bodyBytes))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			var tooBig *http.MaxBytesError
			switch {
			case errors.Is(err, io.EOF):
				return p, nil
			case errors.As(err, &tooBig):
				return nil, errBodyTooLarge
			}
			return nil, fault.BadRequest("Invalid JSON body")
		}
		obj, ok := body.(map[string]any)
		if !ok {
			return nil, fault.BadRequest("The JSON body must be an object")
		}
		for k, v := range obj {
			flatten(p, k, v)
		}
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(nil, r.Body, bodyBytes)
		if r.Method == http.MethodDelete {
			// net/http reads the form bodies of POST, PUT and PATCH only;
			// Rails reads DELETE's too, and apps send DELETE
			// /api/v1/lists/:id/accounts with account_ids[] there.
			b, err := io.ReadAll(r.Body)
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, errBodyTooLarge
			}
			vals, perr := url.ParseQuery(string(b))
			if err != nil || perr != nil {
				return nil, fault.BadRequest("Invalid form body")
			}
			for k, v := range vals {
				p[k] = v
			}
			break
		}
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, errBodyTooLarge
			}
			return nil, fault.BadRequest("Invalid form body")
		}
		for k, v := range r.PostForm {
			p[k] = v
		}
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(nil, r.Body, multipartBytes)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, errBodyTooLarge
			}
			return nil, fault.BadRequest("Invalid multipart body")
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = v
		}
	}
	// Body text is made text.Storable here, as the server does for every
	// query string before routing (storableURLs).
	text.StorableValues(p)
	return p, nil
}

func flatten(p params, key string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			flatten(p, key+"["+k+"]", sub)
		}
	case []any:
		for i, item := range t {
			if obj, ok := item.(map[string]any); ok {
				// An array of objects (fields_attributes) becomes indexed keys, as
				// Rails clients send them: fields_attributes[0][name].
				for k, sub := range obj {
					flatten(p, fmt.Sprintf("%s[%d][%s]", key, i, k), sub)
				}
				continue
			}
			p[key+"[]"] = append(p[key+"[]"], scalar(item))
		}
		if len(t) == 0 {
			p[key+"[]"] = []string{}
		}
	default:
		p[key] = []string{scalar(v)}
	}
}

func scalar(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case json.Number:
		return t.String()
	}
	return fmt.Sprint(v)
}

// has reports whether key was sent at all.
func (p params) has(key string) bool { _, ok := p[key]; return ok }

// str returns the first value of key, or "".
func (p params) str(key string) string {
	if v := p[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// list returns key[] values (or repeated key values).
func (p params) list(key string) []string {
	if v, ok := p[key+"[]"]; ok {
		return v
	}
	return p[key]
}

// boolean reads a Rails-style boolean: true for "true", "1", "on", "t".
func (p params) boolean(key string, def bool) bool {
	v, ok := p[key]
	if !ok || len(v) == 0 {
		return def
	}
	switch strings.ToLower(v[0]) {
	case "true", "1", "on", "t", "yes":
		return true
	case "false", "0", "off", "f", "no", "":
		return false
	}
	return def
}

// integer reads an integer parameter, failing with 400 on junk.
func (p params) integer(key string, def int) (int, error) {
	s := p.str(key)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fault.BadRequest(fmt.Sprintf("%s must be an integer", key))
	}
	return n, nil
}

// id reads an optional id parameter (0 when absent); junk is a 400.
func (p params) id(key string) (int64, error) {
	s := p.str(key)
	if s == "" {
		return 0, nil
	}
	id, ok := ids.Parse(s)
	if !ok {
		return 0, fault.BadRequest(fmt.Sprintf("%s is not a valid id", key))
	}
	return id, nil
}

// pathID parses the {id} path value; an unparsable id is a missing record.
func pathID(r *http.Request, name string) (int64, error) {
	id, ok := ids.Parse(r.PathValue(name))
	if !ok {
		return 0, fault.ErrRecordNotFound
	}
	return id, nil
}
