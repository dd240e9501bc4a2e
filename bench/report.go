package main

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// The targets.
const (
	targetHomeRatio  = 0.5
	targetPostRate   = 1500
	targetStartup    = 100 * time.Millisecond
	targetRSSAtStart = 25e6
	rateWindow       = 10 * time.Second
)

// report gathers every number run prints.
type report struct {
	DB                            string
	StatusesBefore, StatusesAfter int64
	Tokens, Workers               int
	Startups, Health              []time.Duration
	RSSReady                      []memory
	RSSIdle, RSSAfter             memory
	Results                       []result
	Ceiling                       *result
	HomeBytes                     int
	Post                          *result
	Samples                       []sample
	BacklogEnd                    int64
	Drain                         time.Duration
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\n== Herd bench: %s, %d statuses before, %d after posting; %d user tokens; %d clients; %d CPUs (%s/%s)\n",
		r.DB, r.StatusesBefore, r.StatusesAfter, r.Tokens, r.Workers, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	start := median(r.Startups)
	fmt.Fprintf(w, "startup (exec → first 200 on /api/v2/instance): median %s over %d starts %v   target ≤ %s: %s\n",
		start.Round(100*time.Microsecond), len(r.Startups), roundAll(r.Startups), targetStartup, verdict(start <= targetStartup))
	fmt.Fprintf(w, "  of which serving at all (first 200 on /health): median %s %v\n",
		median(r.Health).Round(100*time.Microsecond), roundAll(r.Health))
	last := r.RSSReady[len(r.RSSReady)-1]
	fmt.Fprintf(w, "RSS right after start (after its first 200): %.1f MB   target ≤ 25 MB: %s;  listening, before any answer: %.1f MB;  after the load: %s\n",
		float64(last.RSS)/1e6, verdict(float64(last.RSS) <= targetRSSAtStart), float64(r.RSSIdle.RSS)/1e6, r.RSSAfter)

	fmt.Fprintf(w, "\n%-24s %10s %10s %10s %10s %8s\n", "endpoint", "req/s", "p50", "p99", "ok", "failed")
	rows := append([]result{}, r.Results...)
	if r.Ceiling != nil {
		rows = append(rows, *r.Ceiling)
	}
	if r.Post != nil {
		rows = append(rows, *r.Post)
	}
	for _, x := range rows {
		fmt.Fprintf(w, "%-24s %10.0f %10s %10s %10d %8d\n", x.Name, x.RPS(), x.P50.Round(10*time.Microsecond),
			x.P99.Round(10*time.Microsecond), x.OK, x.Failed)
	}
	if r.Ceiling != nil {
		home := r.find("home timeline")
		ratio := home.RPS() / r.Ceiling.RPS()
		fmt.Fprintf(w, "\nhome timeline vs ceiling (%d-byte page, served from memory by plain net/http): %.0f / %.0f req/s = %.1f%%   target ≥ 50%%: %s\n",
			r.HomeBytes, home.RPS(), r.Ceiling.RPS(), 100*ratio, verdict(ratio >= targetHomeRatio))
	}
	if r.Post != nil {
		r.printPosting(w)
	}
}

func (r *report) printPosting(w io.Writer) {
	early, late := r.windowRate(true), r.windowRate(false)
	var peak int64 = -1
	for _, s := range r.Samples {
		peak = max(peak, s.Backlog)
	}
	fmt.Fprintf(w, "\nposting on %s: %.0f statuses/s overall (%d in %s)\n", r.DB, r.Post.RPS(), r.Post.OK,
		r.Post.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  first %s: %.0f/s   last %s: %.0f/s (database %d → %d statuses)\n",
		rateWindow, early, rateWindow, late, r.StatusesBefore, r.StatusesAfter)
	fmt.Fprintf(w, "  target ≥ %d/s: %s;  flat as the database grows (last ≥ 80%% of first): %s\n", targetPostRate,
		verdict(early >= targetPostRate && late >= targetPostRate), verdict(late >= 0.8*early))
	if peak < 0 {
		fmt.Fprintln(w, "  jobs backlog: jobs table unreadable")
		return
	}
	fmt.Fprintf(w, "  jobs backlog: peak %d rows during posting, %d rows %s after the last post\n",
		peak, r.BacklogEnd, r.Drain.Round(100*time.Millisecond))
	fmt.Fprint(w, "  backlog over time (s:rows):")
	step := max(1, len(r.Samples)/15)
	for i := 0; i < len(r.Samples); i += step {
		fmt.Fprintf(w, " %.0f:%d", r.Samples[i].At.Seconds(), r.Samples[i].Backlog)
	}
	fmt.Fprintln(w)
}

// windowRate is the posting rate over the first or last rateWindow.
func (r *report) windowRate(first bool) float64 {
	s := r.Samples
	if len(s) < 2 {
		return 0
	}
	a, b := s[0], s[len(s)-1]
	for _, x := range s {
		if first && x.At >= rateWindow {
			b = x
			break
		}
		if !first && x.At <= s[len(s)-1].At-rateWindow {
			a = x
		}
	}
	if b.At <= a.At {
		return 0
	}
	return float64(b.Posted-a.Posted) / (b.At - a.At).Seconds()
}

func (r *report) find(name string) result {
	for _, x := range r.Results {
		if x.Name == name {
			return x
		}
	}
	return result{}
}

func roundAll(d []time.Duration) []time.Duration {
	out := make([]time.Duration, len(d))
	for i, x := range d {
		out[i] = x.Round(100 * time.Microsecond)
	}
	return out
}
