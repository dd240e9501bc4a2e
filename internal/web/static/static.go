// Package static holds the web interface's static files (its stylesheet,
// script and icons) and serves them under content-hashed names. The web
// interface's pages and OAuth's consent page link them alike, so that
// every page of the site looks the same.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed icons.svg css js
var staticFS embed.FS

// Assets are the embedded static files, each served under a name that
// carries a hash of its content ("herd.css" as "herd-1a2b3c4d5e.css"), so
// that browsers may cache them for a year and a new build is fetched at
// once. Text files are kept gzipped too, for browsers that accept it.
//
// The stylesheet and the script are bundles: herd.css is css/*.css and
// herd.js is js/*.js, each joined in file name order, so that each area of
// the interface keeps its own file and a page loads one of each.
type Assets struct {
	byName   map[string]string // "herd.css" → "/assets/herd-1a2b3c4d5e.css"
	byHashed map[string]*asset // "herd-1a2b3c4d5e.css" → the file
}

type asset struct {
	contentType string
	body, gz    []byte
}

// Files returns the static files. They are read, bundled, hashed and
// compressed once, on the first call; the set never changes after.
func Files() *Assets { return loaded() }

var loaded = sync.OnceValue(load)

func load() *Assets {
	a := &Assets{byName: map[string]string{}, byHashed: map[string]*asset{}}
	files, err := fs.Glob(staticFS, "*.*")
	if err != nil {
		panic(err)
	}
	for _, file := range files {
		body, err := staticFS.ReadFile(file)
		if err != nil {
			panic(err)
		}
		a.add(path.Base(file), body)
	}
	a.add("herd.css", bundle("css/*.css", stripCSS))
	a.add("herd.js", bundle("js/*.js", stripJS))
	return a
}

// bundle joins the files pattern matches, in name order, each passed
// through strip.
func bundle(pattern string, strip func([]byte) []byte) []byte {
	files, err := fs.Glob(staticFS, pattern)
	if err != nil {
		panic(err)
	}
	var out []byte
	for _, file := range files {
		body, err := staticFS.ReadFile(file)
		if err != nil {
			panic(err)
		}
		out = append(append(out, strip(body)...), '\n')
	}
	return out
}

// stripCSS drops a stylesheet's comments and the whitespace that starts
// its lines: the sources stay readable, browsers get fewer bytes.
func stripCSS(src []byte) []byte {
	var out []byte
	for {
		start := bytes.Index(src, []byte("/*"))
		if start < 0 {
			break
		}
		end := bytes.Index(src[start+2:], []byte("*/"))
		if end < 0 {
			break
		}
		out = append(out, src[:start]...)
		src = src[start+2+end+2:]
	}
	return stripLines(append(out, src...), nil)
}

// stripJS drops a script's whole-line // comments and the whitespace that
// starts its lines. Only whole lines go (a // inside a string or a regular
// expression is left alone), and no line is joined to the next, so the
// script's meaning cannot change.
func stripJS(src []byte) []byte { return stripLines(src, []byte("//")) }

func stripLines(src, commentPrefix []byte) []byte {
	out := make([]byte, 0, len(src))
	for line := range bytes.Lines(src) {
		line = bytes.TrimLeft(line, " \t")
		if len(bytes.TrimSpace(line)) == 0 || (commentPrefix != nil && bytes.HasPrefix(line, commentPrefix)) {
			continue
		}
		out = append(out, line...)
	}
	return out
}

// add keeps one file under its hashed name.
func (a *Assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "-" + hex.EncodeToString(sum[:5]) + ext
	f := &asset{contentType: mime.TypeByExtension(ext), body: body}
	if strings.HasPrefix(f.contentType, "text/") || ext == ".js" || ext == ".svg" {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		f.gz = buf.Bytes()
	}
	a.byName[name] = "/assets/" + hashed
	a.byHashed[hashed] = f
}

// Path is the URL of the static file name ("herd.css" →
// "/assets/herd-1a2b3c4d5e.css"); the web's templates call it as
// {{asset "herd.css"}}. An unknown name is a programming error.
func (a *Assets) Path(name string) string {
	p, ok := a.byName[name]
	if !ok {
		panic("static: no file " + name)
	}
	return p
}

// ServeHTTP handles GET /assets/{name}.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := a.byHashed[r.PathValue("name")]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Vary", "Accept-Encoding")
	body := f.body
	if f.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		hd.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	w.Write(body)
}
