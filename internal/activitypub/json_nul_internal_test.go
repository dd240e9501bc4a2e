package activitypub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestWithoutNUL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":"b"}`, `{"a":"b"}`},
		{`{"content":"a\u0000b","k\u0000":["\u0000"]}`, `{"content":"ab","k":[""]}`},
		{`{"a":"\\u0000"}`, `{"a":"\\u0000"}`},         // a backslash, then text
		{`{"a":"\\\u0000x"}`, `{"a":"\\x"}`},           // a backslash, then a NUL
		{`{"a":"\"\u0000\u00e9"}`, `{"a":"\"\u00e9"}`}, // other escapes kept
	} {
		if got := string(withoutNUL([]byte(tc.in))); got != tc.want {
			t.Errorf("withoutNUL(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// FuzzWithoutNUL: any valid JSON stays valid, and no string in it (keys
// included) decodes to one holding a NUL.
func FuzzWithoutNUL(f *testing.F) {
	f.Add([]byte(`{"a":"b\u0000c","\u0000":["\\u0000","\\\u0000"]}`))
	f.Add([]byte(`"\u0000\u0000\\"`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if !json.Valid(doc) {
			return
		}
		out := withoutNUL(doc)
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber() // 1e700 is valid JSON, and no float64
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s became invalid: %s: %v", doc, out, err)
		}
		if holdsNUL(v) {
			t.Fatalf("%s still holds a NUL: %s", doc, out)
		}
	})
}

// holdsNUL reports whether a decoded JSON value has a NUL in a string.
func holdsNUL(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.IndexByte(t, 0) >= 0
	case []any:
		for _, x := range t {
			if holdsNUL(x) {
				return true
			}
		}
	case map[string]any:
		for k, x := range t {
			if holdsNUL(k) || holdsNUL(x) {
				return true
			}
		}
	}
	return false
}

// TestUnstorableTextIsPermanent: should a NUL or invalid UTF-8 still
// reach PostgreSQL, the activity is dropped once, not retried for days.
func TestUnstorableTextIsPermanent(t *testing.T) {
	for _, code := range []string{"22021", "22P05"} {
		if err := fmt.Errorf("store status: %w", &pgconn.PgError{Code: code}); !permanent(err) {
			t.Errorf("SQLSTATE %s is retried", code)
		}
	}
	if permanent(&pgconn.PgError{Code: "40001"}) {
		t.Error("a serialization failure is dropped")
	}
}
