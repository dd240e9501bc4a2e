package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Options configures S3-compatible object storage (AWS S3, Cloudflare
// R2, Backblaze B2, MinIO, Garage, DigitalOcean Spaces…).
type S3Options struct {
	// Endpoint is the service's URL, scheme and host only:
	// https://s3.eu-central-1.amazonaws.com, http://127.0.0.1:9000.
	Endpoint string
	// Bucket holds the files; it must be readable by anyone (a bucket
	// policy, or the provider's "public" switch): files are stored
	// without an ACL.
	Bucket    string
	AccessKey string
	SecretKey string
	// Region is the bucket's region; empty asks the service.
	Region string
	// PathStyle addresses the bucket as Endpoint/Bucket rather than as a
	// host name Bucket.Endpoint-host (needed by MinIO and most
	// self-hosted services).
	PathStyle bool
	// PublicURL is where clients fetch the files, the bucket's root
	// (a CDN, https://cdn.example.com, or https://files.example.com/bucket);
	// empty: the bucket's own URL at Endpoint.
	PublicURL string
	// Transport, when set, carries the requests (tests).
	Transport http.RoundTripper
}

// S3 stores files as objects of one bucket, each key an object name, and
// clients fetch them from the bucket's public URL, not through Herd.
type S3 struct {
	client    *minio.Client
	bucket    string
	publicURL string
}

var _ Storage = (*S3)(nil)

// s3PartSize is the part size of an upload whose length is unknown:
// minio-go buffers one part in memory, and its default for an unknown
// length is hundreds of megabytes.
const s3PartSize = 16 << 20

// NewS3 checks the options and makes the client; it sends no request.
func NewS3(o S3Options) (*S3, error) {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("s3 endpoint %q must be an http or https URL without a path, like https://s3.example.com", o.Endpoint)
	}
	if o.Bucket == "" {
		return nil, errors.New("s3 bucket is required")
	}
	lookup := minio.BucketLookupDNS
	if o.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       o.Region,
		BucketLookup: lookup,
		Transport:    o.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	public := strings.TrimSuffix(o.PublicURL, "/")
	if public == "" {
		public = u.Scheme + "://" + o.Bucket + "." + u.Host
		if o.PathStyle {
			public = u.Scheme + "://" + u.Host + "/" + o.Bucket
		}
	} else if p, err := url.Parse(public); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return nil, fmt.Errorf("s3 public URL %q must be an http or https URL", o.PublicURL)
	}
	return &S3{client: client, bucket: o.Bucket, publicURL: public}, nil
}

// Put uploads r under key with the type its extension says and a year's
// caching, in one request when r's length can be known (a file, bytes).
func (s *S3) Put(ctx context.Context, key string, r io.Reader) error {
	if !ValidKey(key) {
		return ErrBadKey
	}
	ct := ContentType(key)
	if ct == "" {
		ct = "application/octet-stream" // a raw upload, never linked
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, r, readerSize(r), minio.PutObjectOptions{
		ContentType: ct, CacheControl: CacheControl, PartSize: s3PartSize,
	})
	if err != nil {
		return fmt.Errorf("s3 put %s: %w", key, err)
	}
	return nil
}

// readerSize is the number of bytes left in r when r can say (-1 when
// not), so PutObject can send a known length in one request.
func readerSize(r io.Reader) int64 {
	sk, ok := r.(io.Seeker)
	if !ok {
		return -1
	}
	cur, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if err != nil {
		return -1
	}
	if _, err := sk.Seek(cur, io.SeekStart); err != nil {
		return -1
	}
	return end - cur
}

type s3File struct {
	*minio.Object
	mod time.Time
}

func (f s3File) ModTime() time.Time { return f.mod }

// Open asks for the object's metadata (fs.ErrNotExist when there is no
// such object) and answers a file that reads and seeks by ranged GETs.
func (s *S3) Open(ctx context.Context, key string) (File, error) {
	if !ValidKey(key) {
		return nil, fs.ErrNotExist
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("s3 open %s: %w", key, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if isS3NotFound(err) {
			return nil, fs.ErrNotExist
		}
		return nil, fmt.Errorf("s3 open %s: %w", key, err)
	}
	return s3File{Object: obj, mod: info.LastModified}, nil
}

// Delete removes the object; S3 answers a missing key as deleted, and a
// service that says NoSuchKey is taken at its word too.
func (s *S3) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return ErrBadKey
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !isS3NotFound(err) {
		return fmt.Errorf("s3 delete %s: %w", key, err)
	}
	return nil
}

// URL is the public URL base/key.
func (s *S3) URL(key string) string { return s.publicURL + "/" + key }

func isS3NotFound(err error) bool {
	e := minio.ToErrorResponse(err)
	return e.Code == minio.NoSuchKey || e.StatusCode == http.StatusNotFound && e.Code != minio.NoSuchBucket
}
