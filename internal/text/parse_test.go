package text

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want Parsed
	}{
		{"empty", "", Parsed{}},
		{"everything", "@alice see https://example.com/x #Go",
			Parsed{Mentions: []Mention{{"alice", ""}}, Tags: []string{"Go"}, Links: []string{"https://example.com/x"}}},
		{"remote mention", "@bob@remote.example hi",
			Parsed{Mentions: []Mention{{"bob", "remote.example"}}}},
		{"mention with port", "@dev@localhost:3000 hi",
			Parsed{Mentions: []Mention{{"dev", "localhost:3000"}}}},
		{"username dots and dashes", "@first.last @a-b. @c_d",
			Parsed{Mentions: []Mention{{"first.last", ""}, {"a-b", ""}, {"c_d", ""}}}},
		{"mentions deduplicated case-insensitively", "@Alice @alice @ALICE@Remote.example @alice@remote.EXAMPLE",
			Parsed{Mentions: []Mention{{"Alice", ""}, {"ALICE", "Remote.example"}}}},
		{"email not mention", "write to alice@example.com", Parsed{}},
		{"mention then at sign rejected", "@alice@ @bob@x", Parsed{}},
		{"mention followed by accented letter rejected", "@josé", Parsed{}},
		{"mention followed by non-latin kept", "@alice日本", Parsed{Mentions: []Mention{{"alice", ""}}}},
		{"tags deduplicated case-insensitively", "#Go #go #GO #rust #Ελλάδα #ελλάδα",
			Parsed{Tags: []string{"Go", "rust", "Ελλάδα"}}},
		{"tag in url is not a tag", "https://example.com/#anchor", Parsed{Links: []string{"https://example.com/#anchor"}}},
		{"mention in url is not a mention", "https://example.com/@alice", Parsed{Links: []string{"https://example.com/@alice"}}},
		{"links in order not deduplicated", "https://b.example https://a.example https://b.example",
			Parsed{Links: []string{"https://b.example", "https://a.example", "https://b.example"}}},
		{"link punctuation stripped", "(https://example.com/a_(b)), https://x.example.",
			Parsed{Links: []string{"https://example.com/a_(b)", "https://x.example"}}},
		{"unclosed paren dropped", "https://example.com/a(b", Parsed{Links: []string{"https://example.com/a"}}},
		{"uppercase scheme", "HTTPS://EXAMPLE.COM", Parsed{Links: []string{"HTTPS://EXAMPLE.COM"}}},
		{"hash before url", "#https://example.com", Parsed{Tags: []string{"https"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Parse(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", c.in, got, c.want)
			}
		})
	}
}

func TestLength(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", 100)
	cases := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "hello", 5},
		{"trimmed", "  hello \n", 5},
		{"accented letters are one each", "héllo", 5},
		{"emoji is one code point", "👍", 1},
		{"emoji with skin tone is two code points", "👍🏽", 2},
		{"cjk", "日本語", 3},
		{"short url counts 23", "https://a.co", 23},
		{"long url counts 23", long, 23},
		{"url with text", "see " + long + " now", 4 + 23 + 4},
		{"two urls", "https://a.example https://b.example", 23 + 1 + 23},
		{"trailing punctuation outside url", "https://a.example.", 24},
		{"local mention counts fully", "@alice hi", 9},
		{"remote mention counts only user", "@alice@very.long.remote.example hi", 9},
		{"email counts fully", "a@very.long.example", 19},
		{"hashtag counts fully", "#golang", 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Length(c.in); got != c.want {
				t.Errorf("Length(%q) = %d, want %d", c.in, got, c.want)
			}
		})
	}
}

func TestValidUsername(t *testing.T) {
	cases := map[string]bool{
		"alice":                 true,
		"Alice_99":              true,
		"_":                     true,
		strings.Repeat("a", 30): true,
		strings.Repeat("a", 31): false,
		"":                      false,
		"first.last":            false,
		"a-b":                   false,
		"josé":                  false,
		"@alice":                false,
		"alice@example.com":     false,
		"has space":             false,
		"\u0430lice":            false, // Cyrillic a
	}
	for in, want := range cases {
		if got := ValidUsername(in); got != want {
			t.Errorf("ValidUsername(%q) = %v, want %v", in, got, want)
		}
	}
	if got := NormalizeUsername("AlIcE_1"); got != "alice_1" {
		t.Errorf("NormalizeUsername = %q", got)
	}
}

func TestValidTag(t *testing.T) {
	cases := map[string]bool{
		"go":      true,
		"Go_lang": true,
		"日本語":     true,
		"café":    true,
		"2024ad":  true,
		"a·b":     true,
		"_a_":     true,
		"2024":    false,
		"___":     false,
		"":        false,
		"#go":     false,
		"go lang": false,
		"go-lang": false,
		"a·":      false,
		"·a":      false,
		"go\xff":  false,
	}
	for in, want := range cases {
		if got := ValidTag(in); got != want {
			t.Errorf("ValidTag(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestNormalizeTag(t *testing.T) {
	cases := map[string]string{
		"GoLang": "golang",
		"ΕΛΛΆΔΑ": "ελλάδα",
		"日本語":    "日本語",
		"Café":   "café",
	}
	for in, want := range cases {
		if got := NormalizeTag(in); got != want {
			t.Errorf("NormalizeTag(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTagLength: a hashtag name longer than maxTagLength characters is
// no hashtag at all (not linked, not recorded, not valid from a remote
// server), rather than cut to a shorter name, which would be another tag.
func TestTagLength(t *testing.T) {
	longest, tooLong := strings.Repeat("é", maxTagLength), strings.Repeat("a", maxTagLength+1)
	if got := Parse("#" + longest + " #" + tooLong + " #ok").Tags; !reflect.DeepEqual(got, []string{longest, "ok"}) {
		t.Errorf("Parse found tags %q", got)
	}
	if !ValidTag(longest) || ValidTag(tooLong) {
		t.Errorf("ValidTag: longest %v, too long %v", ValidTag(longest), ValidTag(tooLong))
	}
	html := Render("#"+tooLong, nil, func(tag string) string { return "https://x.example/tags/" + tag })
	if strings.Contains(html, "<a") {
		t.Errorf("Render linked a tag too long: %s", html)
	}
}
