package text

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are shared by both fuzz targets: they exercise every entity kind
// and the awkward edges (parentheses, quotes, markup, invalid UTF-8).
var fuzzSeeds = []string{
	"",
	"hello world",
	"@alice @bob@remote.example:8080 #tag https://example.com/a_(b)?q=1#f.",
	"<script>alert('x')</script> & \"quotes\"",
	"a\n\nb\r\nc\n\n\n",
	"mail alice@example.com or see (https://www.example.com/" + strings.Repeat("x", 40) + ")",
	"#日本語 #Ελλάδα #l·lamp #2024 abc#def",
	"javascript:alert(1) https://\"><img src=x onerror=alert(1)>",
	"@x@\"><script>@y@a.b\"",
	"\xff\xfe@\xffa #\xff",
}

// allowedTag lists the only markup Render may emit. Attribute values must
// not contain quotes or angle brackets, i.e. they must be escaped.
var allowedTag = regexp.MustCompile(`^(?:` +
	`<a href="[^"<>]*" target="_blank" rel="nofollow noopener" translate="no">|` +
	`<a href="[^"<>]*" class="u-url mention">|` +
	`<a href="[^"<>]*" class="mention hashtag" rel="tag">|` +
	`<span class="(?:invisible|ellipsis|)">|<span class="h-card" translate="no">|<span>|` +
	`</a>|</span>|<p>|</p>|<br />)$`)

// fuzzResolve resolves every mention to a URL built from attacker-controlled
// input, so the fuzzer also checks that hrefs are escaped.
func fuzzResolve(m Mention) (string, bool) {
	return "https://h.example/@" + m.Username + "@" + m.Domain + `"'<>&`, true
}

func fuzzTagURL(tag string) string { return "https://h.example/tags/" + tag + `"'<>&` }

// checkMarkup fails unless every '<' in out starts an allowed tag, tags nest
// properly, and the text between tags has no raw markup characters.
func checkMarkup(t *testing.T, in, out string) {
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("Render(%q) contains <script: %s", in, out)
	}
	var stack []string
	for rest := out; rest != ""; {
		i := strings.IndexByte(rest, '<')
		text := rest
		if i >= 0 {
			text = rest[:i]
		}
		if strings.ContainsAny(text, `<>"'`) {
			t.Fatalf("Render(%q) has unescaped text %q in %s", in, text, out)
		}
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			t.Fatalf("Render(%q) has an unterminated tag: %s", in, out)
		}
		tag := rest[i : i+j+1]
		if !allowedTag.MatchString(tag) {
			t.Fatalf("Render(%q) emitted disallowed tag %q", in, tag)
		}
		name := strings.TrimLeft(strings.FieldsFunc(tag, func(r rune) bool { return r == ' ' || r == '>' })[0], "<")
		switch {
		case name == "br":
		case strings.HasPrefix(name, "/"):
			if len(stack) == 0 || stack[len(stack)-1] != name[1:] {
				t.Fatalf("Render(%q) closes %s unopened: %s", in, name, out)
			}
			stack = stack[:len(stack)-1]
		default:
			stack = append(stack, name)
		}
		rest = rest[i+j+1:]
	}
	if len(stack) != 0 {
		t.Fatalf("Render(%q) leaves %v open: %s", in, stack, out)
	}
}

// normalizeForRoundTrip is what PlainText(Render(s)) should give back when
// no mention is resolved: the input as Render reads it.
func normalizeForRoundTrip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.Trim(s, rubyStripSet)
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return regexp.MustCompile(`\n{2,}`).ReplaceAllString(s, "\n\n")
}

func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Render(s, fuzzResolve, fuzzTagURL)
		if !utf8.ValidString(out) {
			t.Fatalf("Render(%q) is not valid UTF-8", s)
		}
		checkMarkup(t, s, out)
		plain := PlainText(out)
		if strings.Count(plain, "<") > strings.Count(s, "<") {
			t.Fatalf("PlainText(Render(%q)) = %q has markup left", s, plain)
		}
		// With mentions unresolved nothing is dropped from the text, so the
		// round trip must be exact.
		if got, want := PlainText(Render(s, nil, fuzzTagURL)), normalizeForRoundTrip(s); got != want {
			t.Fatalf("round trip of %q:\n got %q\nwant %q", s, got, want)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Parse(s)
		lower := strings.ToLower(s)
		for _, m := range p.Mentions {
			if m.Username == "" || !strings.Contains(lower, strings.ToLower("@"+m.Username)) {
				t.Fatalf("Parse(%q): mention %+v not in input", s, m)
			}
			if m.Domain != "" && !strings.Contains(lower, strings.ToLower("@"+m.Username+"@"+m.Domain)) {
				t.Fatalf("Parse(%q): mention %+v not in input", s, m)
			}
		}
		for _, tag := range p.Tags {
			if !ValidTag(tag) || !strings.Contains(lower, strings.ToLower("#"+tag)) {
				t.Fatalf("Parse(%q): tag %q invalid or not in input", s, tag)
			}
		}
		for _, l := range p.Links {
			if !strings.Contains(s, l) || !(hasPrefixFold(l, "http://") || hasPrefixFold(l, "https://")) {
				t.Fatalf("Parse(%q): link %q not an http(s) substring", s, l)
			}
		}
		n := Length(s)
		if max := utf8.RuneCountInString(s) + urlLength*len(p.Links); n < 0 || n > max {
			t.Fatalf("Length(%q) = %d, outside [0, %d]", s, n, max)
		}
	})
}
