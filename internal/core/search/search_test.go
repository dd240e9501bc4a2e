package search

import (
	"reflect"
	"testing"
)

// TestParseStatusQuery: words and quoted phrases must all appear, -words
// must not, and from: names the author, as Mastodon's SearchQueryParser.
func TestParseStatusQuery(t *testing.T) {
	got := parseStatusQuery(`cats "big dogs" -mice from:alice -from:bob "open`)
	want := parsedQuery{terms: []string{"cats", "big dogs", "open"}, excluded: []string{"mice", "from:bob"}, from: "alice"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parseStatusQuery = %+v, want %+v", got, want)
	}
}
