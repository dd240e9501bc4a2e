package apischema

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// accountRequired lists Account's required properties as the description has them.
var accountRequired = []string{
	"acct", "avatar", "avatar_static", "bot", "created_at", "display_name",
	"emojis", "fields", "followers_count", "following_count", "group", "header",
	"header_static", "id", "indexable", "locked", "note", "statuses_count",
	"uri", "username",
}

// account returns a minimal valid Account: every required field, nothing else.
func account() map[string]any {
	return map[string]any{
		"id":              "1",
		"username":        "alice",
		"acct":            "alice",
		"display_name":    "Alice",
		"locked":          false,
		"bot":             false,
		"group":           false,
		"indexable":       true,
		"created_at":      "2024-01-02T03:04:05.678Z",
		"note":            "<p>hi</p>",
		"uri":             "https://herd.example/users/alice",
		"avatar":          "https://herd.example/avatars/original/missing.png",
		"avatar_static":   "https://herd.example/avatars/original/missing.png",
		"header":          "https://herd.example/headers/original/missing.png",
		"header_static":   "https://herd.example/headers/original/missing.png",
		"followers_count": 3,
		"following_count": 0,
		"statuses_count":  7,
		"emojis":          []any{},
		"fields":          []any{map[string]any{"name": "web", "value": "x", "verified_at": nil}},
	}
}

// status returns a minimal valid Status by acct.
func status(acct map[string]any) map[string]any {
	return map[string]any{
		"id":                "100",
		"uri":               "https://herd.example/users/alice/statuses/100",
		"created_at":        "2024-01-02T03:04:05.000Z",
		"account":           acct,
		"content":           "<p>hello</p>",
		"visibility":        "public",
		"sensitive":         false,
		"spoiler_text":      "",
		"media_attachments": []any{},
		"mentions":          []any{},
		"tags":              []any{},
		"emojis":            []any{},
		"reblogs_count":     0,
		"favourites_count":  0,
		"replies_count":     0,
	}
}

// encode marshals v or fails the test.
func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mismatch returns err as a *MismatchError or fails the test.
func mismatch(t *testing.T, err error) *MismatchError {
	t.Helper()
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("want *MismatchError, got %v", err)
	}
	return me
}

func TestMinimalAccountMatches(t *testing.T) {
	c := ForTest(t)
	if err := c.Check("Account", encode(t, account())); err != nil {
		t.Fatal(err)
	}
	MustMatch(t, "Account", encode(t, account()))
}

func TestMissingRequiredFieldIsNamed(t *testing.T) {
	c := ForTest(t)
	for _, field := range accountRequired {
		a := account()
		delete(a, field)
		err := c.Check("Account", encode(t, a))
		if err == nil {
			t.Errorf("Account without %q passed", field)
			continue
		}
		want := "/" + field + ": required property is missing"
		if !strings.Contains(err.Error(), want) || len(mismatch(t, err).Violations) != 1 {
			t.Errorf("without %q: want exactly %q, got:\n%v", field, want, err)
		}
	}
}

func TestWrongTypeFails(t *testing.T) {
	c := ForTest(t)
	a := account()
	a["followers_count"] = "3"
	a["locked"] = nil
	err := c.Check("Account", encode(t, a))
	me := mismatch(t, err)
	want := []Violation{
		{"/followers_count", "got string, want integer"},
		{"/locked", "got null, want boolean"},
	}
	if fmt.Sprint(me.Violations) != fmt.Sprint(want) {
		t.Errorf("violations = %v, want %v", me.Violations, want)
	}
}

func TestNullableAndFormats(t *testing.T) {
	c := ForTest(t)
	a := account()
	a["url"] = nil                     // ["string","null"]
	a["last_status_at"] = "2024-01-02" // format date
	a["moved"] = nil                   // oneOf [Account, null]
	if err := c.Check("Account", encode(t, a)); err != nil {
		t.Errorf("nullable fields: %v", err)
	}
	a["url"] = "" // empty "uri" is accepted (see lenient.go)
	if err := c.Check("Account", encode(t, a)); err != nil {
		t.Errorf("empty uri: %v", err)
	}
	a["avatar"] = "/avatars/original/missing.png"
	a["created_at"] = "yesterday"
	me := mismatch(t, c.Check("Account", encode(t, a)))
	if len(me.Violations) != 2 || me.Violations[0].Pointer != "/avatar" || me.Violations[1].Pointer != "/created_at" {
		t.Errorf("want format violations at /avatar and /created_at, got:\n%v", me)
	}
}

func TestStatusWithNestedAccount(t *testing.T) {
	c := ForTest(t)
	s := status(account())
	s["reblog"] = status(account())
	s["in_reply_to_id"] = nil
	s["quote"] = map[string]any{"state": "accepted", "quoted_status": status(account())}
	if err := c.Check("Status", encode(t, s)); err != nil {
		t.Fatal(err)
	}
	bad := account()
	delete(bad, "id")
	bad["followers_count"] = 1.5
	s["reblog"] = status(bad)
	me := mismatch(t, c.Check("Status", encode(t, s)))
	got := fmt.Sprint(me.Violations)
	for _, want := range []string{"/reblog/account/id: required property is missing", "/reblog/account/followers_count: got number, want integer"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%v", want, me)
		}
	}
	if strings.Contains(got, "want null") {
		t.Errorf("null branch of a union should not be reported:\n%v", me)
	}
}

func TestArrays(t *testing.T) {
	c := ForTest(t)
	a := account()
	MustMatchArray(t, "Account", encode(t, []any{a, a}))
	if err := c.CheckArray("Account", []byte(`[]`)); err != nil {
		t.Errorf("empty array: %v", err)
	}
	bad := account()
	delete(bad, "username")
	me := mismatch(t, c.CheckArray("Account", encode(t, []any{a, bad})))
	if len(me.Violations) != 1 || me.Violations[0].Pointer != "/1/username" {
		t.Errorf("want /1/username, got:\n%v", me)
	}
	me = mismatch(t, c.CheckArray("Account", encode(t, a)))
	if !strings.Contains(me.Error(), "(document): got object, want array") {
		t.Errorf("object as array: %v", me)
	}
}

// recorder captures Errorf calls made by MustMatch.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestMustMatchReports(t *testing.T) {
	ForTest(t)
	r := &recorder{TB: t}
	a := account()
	delete(a, "acct")
	MustMatch(r, "Account", encode(t, a))
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "/acct: required property is missing") {
		t.Errorf("MustMatch reported %q", r.errs)
	}
}

func TestBadInput(t *testing.T) {
	c := ForTest(t)
	if err := c.Check("NoSuchSchema", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "NoSuchSchema") {
		t.Errorf("unknown schema: %v", err)
	}
	var me *MismatchError
	if err := c.Check("Account", []byte(`{"id":`)); err == nil || errors.As(err, &me) {
		t.Errorf("invalid JSON: %v", err)
	}
}

func TestMissingSpecIsErrNoSpec(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadFile(filepath.Join(dir, "openapi.json"))
	if !errors.Is(err, ErrNoSpec) {
		t.Fatalf("LoadFile(missing) = %v, want ErrNoSpec", err)
	}

	mod := filepath.Join(dir, "repo")
	deep := filepath.Join(mod, "internal", "x")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := specPathFrom(deep)
	if want := filepath.Join(dir, "shared", "mastodon-api", "openapi.json"); err != nil || path != want {
		t.Fatalf("specPathFrom = %q, %v; want %q", path, err, want)
	}
	if _, err := LoadFile(path); !errors.Is(err, ErrNoSpec) {
		t.Errorf("LoadFile(%s) = %v, want ErrNoSpec", path, err)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"openapi":"3.1.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(bad); err == nil || errors.Is(err, ErrNoSpec) {
		t.Errorf("LoadFile(no schemas) = %v, want a load error", err)
	}
}
