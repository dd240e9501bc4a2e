package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"herd/internal/db"
)

// runConfig is how run measures.
type runConfig struct {
	DB          string
	Domain      string
	Herd        string // prebuilt herd binary; built from ./cmd/herd when empty
	Workers     int
	Duration    time.Duration // per read workload
	Warmup      time.Duration
	Starts      int           // startups timed (the last one is measured)
	Posts       int64         // statuses posted in the posting phase (the DB grows by this much)
	PostLimit   time.Duration // the posting phase stops after this long regardless
	PostWorkers int
	Drain       time.Duration // how long to wait for the jobs backlog to empty afterwards
	Profile     bool          // build herd with -tags benchpprof and save CPU profiles
	Out         string        // directory for logs and profiles
}

func runCommand(ctx context.Context, args []string, out io.Writer) error {
	var c runConfig
	fs := flag.NewFlagSet("bench run", flag.ContinueOnError)
	fs.StringVar(&c.DB, "db", "data/bench.db", "seeded SQLite file or postgres:// URL")
	fs.StringVar(&c.Domain, "domain", benchDomain, "domain herd serves (as seeded)")
	fs.StringVar(&c.Herd, "herd", "", "herd binary (default: build ./cmd/herd)")
	fs.IntVar(&c.Workers, "c", 32, "concurrent keep-alive clients for reads")
	fs.DurationVar(&c.Duration, "d", 10*time.Second, "measured time per read workload (0 skips the reads)")
	fs.DurationVar(&c.Warmup, "warmup", 2*time.Second, "unmeasured warm-up before each workload")
	fs.IntVar(&c.Starts, "starts", 3, "times herd is started to time startup")
	fs.Int64Var(&c.Posts, "posts", 100000, "statuses to post, the database grows by this much (0 skips posting)")
	fs.DurationVar(&c.PostLimit, "post-limit", 3*time.Minute, "maximum time for the posting phase")
	fs.IntVar(&c.PostWorkers, "post-c", 32, "concurrent clients for posting")
	fs.DurationVar(&c.Drain, "drain", time.Minute, "maximum wait for the jobs backlog to drain after posting")
	fs.BoolVar(&c.Profile, "profile", false, "build herd with pprof (-tags benchpprof) and save CPU profiles")
	fs.StringVar(&c.Out, "out", "bench/results", "directory for herd's log and profiles")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return run(ctx, c, out)
}

// run performs the whole measurement and prints the report.
func run(ctx context.Context, c runConfig, out io.Writer) error {
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	database, err := db.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer database.Close()
	t, err := loadTargets(ctx, database)
	if err != nil {
		return err
	}
	rep := &report{DB: database.Dialect.String(), StatusesBefore: t.Statuses, StatusesAfter: t.Statuses, Tokens: len(t.Tokens), Workers: c.Workers}
	bin := c.Herd
	if bin == "" {
		tags := ""
		if c.Profile {
			tags = "benchpprof"
		}
		tmp, err := os.MkdirTemp("", "herd-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if bin, err = buildHerd(ctx, tmp, tags); err != nil {
			return err
		}
	}
	var env []string
	pprofAddr := ""
	if c.Profile {
		if pprofAddr, err = freePort(); err != nil {
			return err
		}
		env = append(env, "HERD_BENCH_PPROF="+pprofAddr)
	}
	var p *herdProc
	for i := 0; i < c.Starts; i++ {
		if p != nil {
			p.Stop()
		}
		if p, err = startHerd(ctx, bin, c.DB, c.Domain, c.Out, env); err != nil {
			return err
		}
		rep.Startups = append(rep.Startups, p.Startup)
		rep.RSSReady = append(rep.RSSReady, p.RSS)
		rep.RSSIdle = p.RSSIdle
		rep.Health = append(rep.Health, p.Health)
		fmt.Fprintf(out, "start %d: /health in %s, /api/v2/instance in %s, RSS %s (%.1f MB before that first /api/v2/instance)\n",
			i+1, p.Health.Round(100*time.Microsecond), p.Startup.Round(100*time.Microsecond), p.RSS, float64(p.RSSIdle.RSS)/1e6)
	}
	defer p.Stop()
	m := &measurer{cfg: c, out: out, herd: p, t: t, rep: rep, db: database, pprof: pprofAddr}
	if c.Duration > 0 {
		if err := m.reads(ctx); err != nil {
			return err
		}
	}
	if c.Posts > 0 {
		if err := m.posting(ctx); err != nil {
			return err
		}
	}
	if rep.RSSAfter, err = p.Memory(); err != nil {
		return err
	}
	m.saveHeapProfile(ctx)
	rep.print(out)
	return nil
}

// median of a few durations.
func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// profilePath names a profile file in the output directory.
func (c runConfig) profilePath(name string) string {
	return filepath.Join(c.Out, name+".pprof")
}
