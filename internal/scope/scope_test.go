package scope

import "testing"

func TestCovers(t *testing.T) {
	for _, tc := range []struct {
		granted []string
		need    string
		want    bool
	}{
		{[]string{"read"}, "read:statuses", true},
		{[]string{"read:statuses"}, "read:statuses", true},
		{[]string{"read:statuses"}, "read:accounts", false},
		{[]string{"read"}, "write:statuses", false},
		{[]string{"write"}, "write:media", true},
		{[]string{"follow"}, "write:blocks", true},
		{[]string{"follow"}, "write:statuses", false},
		{[]string{"profile"}, "read:accounts", false},
		{[]string{"profile"}, "profile", true},
		{[]string{"admin:read"}, "admin:read:accounts", true},
		{nil, "read", false},
	} {
		if got := Covers(tc.granted, tc.need); got != tc.want {
			t.Errorf("Covers(%v, %q) = %v, want %v", tc.granted, tc.need, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	if got := Parse(""); len(got) != 1 || got[0] != "read" {
		t.Errorf("empty scope = %v, want [read]", got)
	}
	if got := Parse("read write+follow"); len(got) != 3 {
		t.Errorf("Parse = %v", got)
	}
	if Valid("read:nonsense") || !Valid("write:statuses") {
		t.Error("Valid disagrees with the scope list")
	}
}
