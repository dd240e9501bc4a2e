package cards

import (
	"net/url"
	"reflect"
	"testing"
)

// TestRelMe: the targets of <a> and <link> elements whose rel has the
// token "me", resolved against the page's address; other links, other
// schemes and text inside scripts are not.
func TestRelMe(t *testing.T) {
	page, _ := url.Parse("https://alice.example/about/")
	doc := []byte(`<!doctype html><html><head>
<link rel="me" href="https://social.example/@alice">
<link rel="stylesheet" href="/style.css">
<script>document.write('<a rel="me" href="https://evil.example/">x</a>')</script>
</head><body>
<a href="https://other.example/@alice" rel="nofollow">not me</a>
<a rel="Me noopener" href="/@alice">relative</a>
<a rel="me" href="mailto:alice@example.com">mail</a>
<a rel="me">no href</a>
</body></html>`)
	got := RelMe(page, doc)
	want := []string{"https://social.example/@alice", "https://alice.example/@alice"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RelMe = %v, want %v", got, want)
	}
}
