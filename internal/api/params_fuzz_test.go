package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"herd/internal/core/fault"
)

// FuzzParseParams: whatever body and content type a client sends, request
// parsing never panics, and it either yields parameters or fails with a
// client error (400, 413 or 422) that becomes Mastodon's error JSON, never
// a 500.
func FuzzParseParams(f *testing.F) {
	seeds := []struct{ method, ct, query, body string }{
		{"POST", "application/json", "", `{"status":"hi","media_ids":["1","2"],"poll":{"options":["a","b"]}}`},
		{"POST", "application/json; charset=utf-8", "", `{"fields_attributes":[{"name":"a","value":"b"}]}`},
		{"POST", "application/json", "", `[1,2]`},
		{"POST", "application/json", "", `{"a":`},
		{"POST", "application/json", "", ``},
		{"PATCH", "application/json", "", `{"a":{"b":{"c":[null,true,1.5e300]}}}`},
		{"POST", "application/x-www-form-urlencoded", "x=1", "status=hi&media_ids[]=1&media_ids[]=2"},
		{"POST", "application/x-www-form-urlencoded", "", "%zz=&a=%"},
		{"POST", "multipart/form-data; boundary=XX", "", "--XX\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nhi\r\n--XX--\r\n"},
		{"POST", "multipart/form-data", "", "--XX\r\n"},
		{"PUT", "text/plain", "limit=5", "whatever"},
		{"GET", "application/json", "max_id=1&limit=x", `{"ignored":true}`},
		{"DELETE", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.ct, s.query, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, contentType, query string, body []byte) {
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD":
		default:
			method = "POST"
		}
		r := httptest.NewRequest(method, "/api/v1/fuzz", bytes.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", contentType)
		p, err := parseParams(r)
		if err != nil {
			e, ok := fault.As(err)
			if !ok {
				t.Fatalf("%s %q: error %v is not a fault.Error (would be a 500)", method, contentType, err)
			}
			switch e.Status {
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
			default:
				t.Fatalf("%s %q: status %d", method, contentType, e.Status)
			}
			return
		}
		if p == nil {
			t.Fatal("nil params without an error")
		}
		// Reading any key is safe, whatever was parsed.
		for k := range p {
			p.str(k)
			p.list(k)
			p.boolean(k, false)
			if _, err := p.integer(k, 0); err != nil {
				if e, ok := fault.As(err); !ok || e.Status != http.StatusBadRequest {
					t.Fatalf("integer(%q): %v", k, err)
				}
			}
		}
	})
}
