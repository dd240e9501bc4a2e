package safehttp

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestReadLimited(t *testing.T) {
	const limit = 1000
	for _, tc := range []struct {
		name    string
		size    int
		chunked bool // no Content-Length: the limit must hold while reading
		tooBig  bool
	}{
		{"empty", 0, false, false},
		{"at the limit", limit, false, false},
		{"one over, declared", limit + 1, false, true},
		{"at the limit, chunked", limit, true, false},
		{"one over, chunked", limit + 1, true, true},
		{"far over, chunked", 50 * limit, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, "", func(w http.ResponseWriter, r *http.Request) {
				if !tc.chunked {
					w.Header().Set("Content-Length", strconv.Itoa(tc.size))
				}
				w.Write(bytes.Repeat([]byte("x"), tc.size))
				if tc.chunked {
					w.(http.Flusher).Flush()
				}
			})
			resp, err := get(t, New(Options{AllowPrivateAddresses: true}), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, err := ReadLimited(resp, limit)
			var tooLarge *BodyTooLargeError
			if tc.tooBig {
				if !errors.As(err, &tooLarge) || tooLarge.Limit != limit {
					t.Fatalf("err = %v, want *BodyTooLargeError{%d}", err, limit)
				}
				return
			}
			if err != nil || len(body) != tc.size {
				t.Fatalf("read %d bytes, %v; want %d", len(body), err, tc.size)
			}
		})
	}
}

func TestReadLimitedDefaultIsOneMegabyte(t *testing.T) {
	srv := newServer(t, "", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), DefaultMaxBody+1))
	})
	resp, err := get(t, New(Options{AllowPrivateAddresses: true}), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var tooLarge *BodyTooLargeError
	if _, err := ReadLimited(resp, 0); !errors.As(err, &tooLarge) || tooLarge.Limit != 1<<20 {
		t.Fatalf("err = %v, want *BodyTooLargeError{1 MB}", err)
	}
}

// A gzip bomb is small on the wire; the limit counts the decoded bytes.
func TestReadLimitedCountsDecodedBytes(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(make([]byte, 10<<20))
	zw.Close()
	srv := newServer(t, "", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	resp, err := get(t, New(Options{AllowPrivateAddresses: true}), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if bomb.Len() > DefaultMaxBody {
		t.Fatalf("bomb is %d bytes compressed; the test needs it under the limit", bomb.Len())
	}
	var tooLarge *BodyTooLargeError
	if _, err := ReadLimited(resp, 0); !errors.As(err, &tooLarge) {
		t.Fatalf("err = %v, want *BodyTooLargeError", err)
	}
}

// An endless body: ReadLimited stops at the limit instead of reading on.
func TestReadLimitedStopsAnEndlessBody(t *testing.T) {
	srv := newServer(t, "", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 4096)
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	resp, err := get(t, New(Options{AllowPrivateAddresses: true, Timeout: 3 * time.Second}), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var tooLarge *BodyTooLargeError
	if _, err := ReadLimited(resp, 64<<10); !errors.As(err, &tooLarge) {
		t.Fatalf("err = %v, want *BodyTooLargeError", err)
	}
}
