package instance

import (
	"testing"
	"time"
)

func TestWeekStart(t *testing.T) {
	monday := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   time.Time
		want time.Time
	}{
		{monday, monday},
		{time.Date(2026, 12, 9, 15, 4, 5, 0, time.UTC), monday},                                      // Wednesday
		{time.Date(2026, 12, 13, 23, 59, 59, 0, time.UTC), monday},                                   // Sunday night
		{time.Date(2026, 12, 7, 0, 30, 0, 0, time.FixedZone("CET", 3600)), monday.AddDate(0, 0, -7)}, // Sunday in UTC
	}
	for _, c := range cases {
		if got := weekStart(c.in); !got.Equal(c.want) {
			t.Errorf("weekStart(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestActivityTrackerNotesOncePerInterval(t *testing.T) {
	tr := (&Service{}).NewActivityTracker()
	now := time.Now()
	if tr.seenRecently(1, now) {
		t.Fatal("first sight counted as seen")
	}
	if !tr.seenRecently(1, now.Add(activityInterval-time.Second)) {
		t.Error("seen again within the interval, not remembered")
	}
	if tr.seenRecently(1, now.Add(activityInterval)) {
		t.Error("an interval later, still counted as seen")
	}
}
