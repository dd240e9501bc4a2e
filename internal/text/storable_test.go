package text

import "testing"

func TestStorable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain ASCII", "plain ASCII"},
		{"héllo ✓", "héllo ✓"},
		{"a\x00b\x00", "ab"},
		{"a\xffb", "a\uFFFDb"},
		{"a\xff\xfe\x00b", "a\uFFFDb"},
		{"\x00", ""},
	} {
		if got := Storable(tc.in); got != tc.want {
			t.Errorf("Storable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	v := map[string][]string{"a": {"x\x00", "y"}, "b": {"\xff"}}
	StorableValues(v)
	if v["a"][0] != "x" || v["a"][1] != "y" || v["b"][0] != "\uFFFD" {
		t.Errorf("StorableValues: %q", v)
	}
}
