// Package apischema validates Herd's JSON responses against the response
// schemas of Mastodon's client API, as described by the OpenAPI 3.1 document
// kept outside the repository at ../shared/mastodon-api/openapi.json
// (relative to the module root).
//
// Tests use it through ForTest, MustMatch and MustMatchArray:
//
//	apischema.MustMatch(t, "Account", rec.Body.Bytes())
//	apischema.MustMatchArray(t, "Status", rec.Body.Bytes())
//
// When the description is absent the tests are skipped, not failed.
//
// Schemas in OpenAPI 3.1 are JSON Schema 2020-12. The whole document is
// compiled as one resource, so every "$ref": "#/components/schemas/X"
// resolves inside it. Validation follows the document as written (required
// lists, ["T","null"] nullability, enums, additionalProperties) with the few
// leniencies described in lenient.go, each for a place where the document
// would reject what Mastodon itself sends.
package apischema

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ErrNoSpec reports that the OpenAPI description could not be found. Load and
// LoadFile wrap it with the path they looked at; test with errors.Is.
var ErrNoSpec = errors.New("Mastodon OpenAPI description not found (expected ../shared/mastodon-api/openapi.json beside the module root)")

// specRelPath is where the description lives, relative to the module root.
var specRelPath = filepath.Join("..", "shared", "mastodon-api", "openapi.json")

// Checker validates JSON documents against the schemas in Mastodon's OpenAPI
// description. It is safe for concurrent use; schemas are compiled on first
// use and cached.
type Checker struct {
	path  string // the description's file, for messages
	names map[string]bool

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
}

// Load finds ../shared/mastodon-api/openapi.json beside the module root: it
// walks up from the working directory to the first directory holding go.mod.
// It returns an error wrapping ErrNoSpec when the file (or go.mod) is absent.
func Load() (*Checker, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("apischema: %w", err)
	}
	path, err := specPathFrom(wd)
	if err != nil {
		return nil, err
	}
	return LoadFile(path)
}

// specPathFrom returns the description's path for the module enclosing dir.
func specPathFrom(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("apischema: %w", err)
	}
	for d := dir; ; {
		if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
			return filepath.Join(d, specRelPath), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%w: no go.mod in %s or any parent", ErrNoSpec, dir)
		}
		d = parent
	}
}

// LoadFile reads the OpenAPI description at path and prepares it for
// validation. A missing file yields an error wrapping ErrNoSpec; an unreadable
// or malformed one yields another error.
func LoadFile(path string) (*Checker, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoSpec, path)
	}
	if err != nil {
		return nil, fmt.Errorf("apischema: %w", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("apischema: parse %s: %w", path, err)
	}
	schemas, err := componentSchemas(doc)
	if err != nil {
		return nil, fmt.Errorf("apischema: %s: %w", path, err)
	}
	unionsAsAnyOf(schemas)

	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("apischema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	for _, f := range lenientFormats {
		c.RegisterFormat(f)
	}
	if err := c.AddResource(abs, doc); err != nil {
		return nil, fmt.Errorf("apischema: %w", err)
	}
	ch := &Checker{
		path:     abs,
		names:    make(map[string]bool, len(schemas)),
		compiler: c,
		schemas:  make(map[string]*jsonschema.Schema),
	}
	for name := range schemas {
		ch.names[name] = true
	}
	return ch, nil
}

// componentSchemas returns the document's components/schemas object.
func componentSchemas(doc any) (map[string]any, error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	components, ok := root["components"].(map[string]any)
	if !ok {
		return nil, errors.New("no components object")
	}
	schemas, ok := components["schemas"].(map[string]any)
	if !ok || len(schemas) == 0 {
		return nil, errors.New("no components/schemas")
	}
	return schemas, nil
}

// schema returns the compiled components/schemas/<name>.
func (c *Checker) schema(name string) (*jsonschema.Schema, error) {
	if !c.names[name] {
		return nil, fmt.Errorf("apischema: no schema %q in components/schemas of %s", name, c.path)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[name]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(c.path + "#/components/schemas/" + name)
	if err != nil {
		return nil, fmt.Errorf("apischema: compile %s: %w", name, err)
	}
	c.schemas[name] = s
	return s, nil
}

// Has reports whether the description defines components/schemas/<name>.
func (c *Checker) Has(name string) bool { return c.names[name] }

// shared is the process-wide Checker used by ForTest.
var shared struct {
	once    sync.Once
	checker *Checker
	err     error
}

// ForTest returns the process-wide Checker, loading it on first use. It calls
// t.Skip with a message when the description is absent (ErrNoSpec) and
// t.Fatal when it is present but cannot be loaded.
func ForTest(t testing.TB) *Checker {
	t.Helper()
	shared.once.Do(func() { shared.checker, shared.err = Load() })
	if errors.Is(shared.err, ErrNoSpec) {
		t.Skipf("skipping Mastodon API schema check: %v", shared.err)
	}
	if shared.err != nil {
		t.Fatalf("loading Mastodon API schemas: %v", shared.err)
	}
	return shared.checker
}

// MustMatch checks body against components/schemas/<name> and reports every
// violation with t.Errorf (the test goes on). See ForTest for skipping.
func MustMatch(t testing.TB, name string, body []byte) {
	t.Helper()
	if err := ForTest(t).Check(name, body); err != nil {
		t.Errorf("%v\nbody: %s", err, excerpt(body))
	}
}

// MustMatchArray is MustMatch for a JSON array of <name>.
func MustMatchArray(t testing.TB, name string, body []byte) {
	t.Helper()
	if err := ForTest(t).CheckArray(name, body); err != nil {
		t.Errorf("%v\nbody: %s", err, excerpt(body))
	}
}

// excerpt shortens body for a failure message.
func excerpt(body []byte) string {
	const max = 2000
	if len(body) <= max {
		return string(body)
	}
	return string(body[:max]) + fmt.Sprintf("... (%d more bytes)", len(body)-max)
}
