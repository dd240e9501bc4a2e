package ids

import (
	"testing"
	"time"
)

func TestNewIsStrictlyIncreasing(t *testing.T) {
	prev := New()
	for i := 0; i < 100000; i++ {
		id := New()
		if id <= prev {
			t.Fatalf("id %d after %d is not increasing", id, prev)
		}
		prev = id
	}
}

func TestTimeRoundTrip(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	id := FromTime(at)
	if got := Time(id); !got.Equal(at) {
		t.Fatalf("Time(FromTime(%v)) = %v", at, got)
	}
	if Floor(at) > id {
		t.Fatalf("Floor(%v) = %d above id %d", at, Floor(at), id)
	}
}

func TestFromFutureTimeIsNow(t *testing.T) {
	id := FromTime(time.Now().Add(48 * time.Hour))
	if Time(id).After(time.Now().Add(time.Second)) {
		t.Fatalf("future published time was not clamped: %v", Time(id))
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"123", true}, {"0", false}, {"-5", false}, {"abc", false}, {"", false}, {"99999999999999999999", false}} {
		if _, ok := Parse(tc.in); ok != tc.ok {
			t.Errorf("Parse(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}
