package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Storage keeps media files by key. Keys are made by the server (NewKey),
// never taken from a request, and every backend refuses keys that do not
// have the server's shape, so no key can name a file outside the store.
type Storage interface {
	// Put stores r's bytes under key, replacing nothing (keys are unique).
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the file under key with its modification time;
	// fs.ErrNotExist when there is none.
	Open(ctx context.Context, key string) (File, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// URL is the public address a client fetches key from.
	URL(key string) string
}

// File is an opened stored file.
type File interface {
	io.ReadSeekCloser
	ModTime() time.Time
}

// ErrBadKey is returned for a key the server could not have made.
var ErrBadKey = errors.New("media: invalid storage key")

// keyShape is the shape of every key NewKey makes: lowercase folders of
// letters, digits and underscores, then a name with a known extension.
// (.raw: an upload waiting to be processed, never served).
var keyShape = regexp.MustCompile(`^[a-z0-9_]+(/[a-z0-9_]+)*\.(jpg|png|mp4|mp3|raw)$`)

// ValidKey reports whether key has the shape NewKey gives keys.
func ValidKey(key string) bool { return keyShape.MatchString(key) }

// contentTypes maps the extensions of served files to their types.
var contentTypes = map[string]string{".jpg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4", ".mp3": "audio/mpeg"}

// ContentType is the type a stored file is served with, decided by its
// key's extension and never sniffed from its bytes; "" for a file that
// is never served (an unprocessed .raw upload).
func ContentType(key string) string { return contentTypes[path.Ext(key)] }

// CacheControl is the caching every stored file is served with: a key
// never changes content (new content gets a new key), so a year, immutable.
const CacheControl = "public, max-age=31536000, immutable"

// NewKey makes a fresh, unguessable key folder under prefix
// (e.g. "media_attachments"): prefix/ab/cd/<32 hex digits>. Files of one
// attachment are stored as <folder>/original.jpg, <folder>/small.jpg.
func NewKey(prefix string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	h := hex.EncodeToString(b[:])
	return prefix + "/" + h[:2] + "/" + h[2:4] + "/" + h
}

// Local stores files in a folder (HERD_MEDIA_DIR); BaseURL is where the
// server serves them (e.g. https://example.com/system).
type Local struct {
	Dir     string
	BaseURL string
}

var _ Storage = (*Local)(nil)

func (l *Local) filePath(key string) (string, error) {
	if !ValidKey(key) || strings.Contains(key, "..") {
		return "", ErrBadKey
	}
	return filepath.Join(l.Dir, filepath.FromSlash(key)), nil
}

// Put writes the file through a temporary name and renames it, so a
// reader never sees half a file.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) error {
	p, err := l.filePath(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

type localFile struct {
	*os.File
	mod time.Time
}

func (f localFile) ModTime() time.Time { return f.mod }

// Open opens the file under key.
func (l *Local) Open(ctx context.Context, key string) (File, error) {
	p, err := l.filePath(key)
	if err != nil {
		return nil, fs.ErrNotExist
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return localFile{File: f, mod: st.ModTime()}, nil
}

// Delete removes the file under key.
func (l *Local) Delete(ctx context.Context, key string) error {
	p, err := l.filePath(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// URL is BaseURL/key.
func (l *Local) URL(key string) string { return strings.TrimSuffix(l.BaseURL, "/") + "/" + key }
