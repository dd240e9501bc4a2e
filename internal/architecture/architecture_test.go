package architecture

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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

// maxShare is the most of internal/'s non-test lines one package may hold:
// past it a package is a god room, where a reader can't tell where a use
// case lives from its name.
const maxShare = 0.15

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

func TestNoGodPackage(t *testing.T) {
	lines := map[string]int{}
	total := 0
	for _, p := range packages(t) {
		if !in(p.ImportPath, "internal") {
			continue
		}
		for _, f := range p.GoFiles {
			n := countLines(t, filepath.Join(p.Dir, f))
			lines[p.ImportPath] += n
			total += n
		}
	}
	var names []string
	for name := range lines {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return lines[names[i]] > lines[names[j]] })
	var report strings.Builder
	for _, name := range names {
		share := float64(lines[name]) / float64(total)
		fmt.Fprintf(&report, "%6d %5.1f%% %s\n", lines[name], 100*share, name)
		if share > maxShare {
			t.Errorf("%s holds %d of internal's %d non-test lines (%.1f%%, most allowed %.0f%%): split it by area",
				name, lines[name], total, 100*share, 100*maxShare)
		}
	}
	t.Logf("non-test lines per package:\n%s", report.String())
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for s := bufio.NewScanner(f); s.Scan(); {
		n++
	}
	return n
}
