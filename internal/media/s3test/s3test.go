// Package s3test runs an in-memory S3 service for tests (gofakes3 on an
// httptest server), so the S3 storage is tested against real S3 requests:
// signed uploads, ranged reads, deletes, and public GETs of the files.
package s3test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Credentials the fake service is used with (it checks none).
const (
	AccessKey = "herd-test-access"
	SecretKey = "herd-test-secret"
	Region    = "us-east-1"
)

// Server is a running fake S3 service holding one empty bucket.
type Server struct {
	// URL is the endpoint (https://127.0.0.1:port, as in production:
	// over plain http the S3 client signs uploads in a chunked form the
	// fake does not decode for multipart parts); the bucket is addressed
	// path-style, URL/Bucket.
	URL    string
	Bucket string
	// Client trusts the service's certificate (its Transport is for
	// media.S3Options.Transport).
	Client  *http.Client
	backend *s3mem.Backend

	mu   sync.Mutex
	puts map[string]http.Header // request headers of the last upload of each key
}

// Start runs a fake S3 service with an empty bucket until the test ends.
func Start(t testing.TB, bucket string) *Server {
	t.Helper()
	s := &Server{Bucket: bucket, backend: s3mem.New(), puts: map[string]http.Header{}}
	if err := s.backend.CreateBucket(bucket); err != nil {
		t.Fatalf("s3test: create bucket: %v", err)
	}
	fake := gofakes3.New(s.backend).Server()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && !r.URL.Query().Has("partNumber") {
			s.mu.Lock()
			s.puts[strings.TrimPrefix(r.URL.Path, "/"+bucket+"/")] = r.Header.Clone()
			s.mu.Unlock()
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	s.URL, s.Client = ts.URL, ts.Client()
	return s
}

// PutHeaders are the request headers of the last single-request upload
// of key (the fake keeps only some of them as metadata), nil if none.
func (s *Server) PutHeaders(key string) http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts[key]
}

// Keys lists the names of the objects in the bucket, sorted.
func (s *Server) Keys(t testing.TB) []string {
	t.Helper()
	list, err := s.backend.ListBucket(s.Bucket, nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatalf("s3test: list bucket: %v", err)
	}
	var keys []string
	for _, o := range list.Contents {
		keys = append(keys, o.Key)
	}
	sort.Strings(keys)
	return keys
}
