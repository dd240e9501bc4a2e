package architecture

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "herd/"

// doors are the adapters between the world and the use cases.
var doors = []string{"internal/api", "internal/activitypub", "internal/web", "internal/oauth", "internal/server"}

type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

// packages lists the module's packages with go list (the import graph
// without test files, which may cross layers to set things up).
func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "herd/...")
	cmd.Dir = ".."
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var list []pkg
	for dec := json.NewDecoder(&out); dec.More(); {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		p.ImportPath = strings.TrimPrefix(p.ImportPath, module)
		for i, imp := range p.Imports {
			p.Imports[i] = strings.TrimPrefix(imp, module)
		}
		list = append(list, p)
	}
	if len(list) < 10 {
		t.Fatalf("go list found %d packages; is the test run from the module?", len(list))
	}
	return list
}

// in reports whether path is area or one of its sub-packages.
func in(path, area string) bool { return path == area || strings.HasPrefix(path, area+"/") }

func inAny(path string, areas []string) bool {
	for _, a := range areas {
		if in(path, a) {
			return true
		}
	}
	return false
}

// rule is one arrow the design forbids: a package in from importing a
// package in to.
type rule struct {
	why  string
	from func(string) bool
	to   func(string) bool
}

var rules = []rule{
	{"core never knows a door", func(p string) bool { return in(p, "internal/core") },
		func(p string) bool { return inAny(p, doors) }},
	{"doors call core, never the store or the database",
		func(p string) bool { return inAny(p, doors) && p != "internal/server" },
		func(p string) bool { return in(p, "internal/store") || in(p, "internal/db") }},
	{"the store answers core, never calls it", func(p string) bool { return in(p, "internal/store") },
		func(p string) bool { return in(p, "internal/core") }},
	{"the client API does not reach into federation", func(p string) bool { return in(p, "internal/api") },
		func(p string) bool { return in(p, "internal/activitypub") }},
}

func TestLayers(t *testing.T) {
	for _, p := range packages(t) {
		for _, r := range rules {
			if !r.from(p.ImportPath) {
				continue
			}
			for _, imp := range p.Imports {
				if r.to(imp) {
					t.Errorf("%s imports %s: %s", p.ImportPath, imp, r.why)
				}
			}
		}
	}
}
