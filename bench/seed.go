package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"herd/internal/core"
	"herd/internal/db"
	"herd/internal/store"
)

// seedConfig is the shape of the instance seed builds.
type seedConfig struct {
	DB         string
	Domain     string
	Protocol   string
	Accounts   int
	Statuses   int
	Active     float64 // share of accounts active recently (they get home feeds)
	Tokens     int     // accounts that get an access token (active ones first)
	Days       int     // statuses are spread over this many days up to now
	FeedSize   int     // home feed rows kept per active account
	Favourites float64 // mean favourites per public status
	Tags       int     // size of the hashtag pool
	Seed       uint64
}

func seedFlags(fs *flag.FlagSet, c *seedConfig) {
	fs.StringVar(&c.DB, "db", "data/bench.db", "SQLite file path or postgres:// URL (must be empty)")
	fs.StringVar(&c.Domain, "domain", benchDomain, "instance domain written into URIs (run serves this domain)")
	fs.StringVar(&c.Protocol, "protocol", "https", "protocol written into URIs")
	fs.IntVar(&c.Accounts, "accounts", 10000, "local accounts")
	fs.IntVar(&c.Statuses, "statuses", 200000, "statuses (the issue's figure is 1000000)")
	fs.Float64Var(&c.Active, "active", 0.2, "share of accounts active recently, whose home feeds are filled")
	fs.IntVar(&c.Tokens, "tokens", 2000, "accounts given an access token (active accounts first)")
	fs.IntVar(&c.Days, "days", 120, "days the statuses are spread over")
	fs.IntVar(&c.FeedSize, "feed-size", 800, "home feed entries kept per active account")
	fs.Float64Var(&c.Favourites, "favourites", 0.5, "mean favourites per public status")
	fs.IntVar(&c.Tags, "tags", 300, "distinct hashtags")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed (same seed, same instance)")
}

// benchDomain is the domain seed writes and run serves by default.
const benchDomain = "herd.bench"

func seedCommand(ctx context.Context, args []string, out io.Writer) error {
	var c seedConfig
	fs := flag.NewFlagSet("bench seed", flag.ContinueOnError)
	seedFlags(fs, &c)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the seeding to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	_, err := seed(ctx, c, out)
	return err
}

// seedReport is what seed wrote, for the caller and the test.
type seedReport struct {
	Accounts, Follows, Statuses, FeedRows, Tokens, Favourites int64
	Took                                                      time.Duration
}

// seed builds the instance described by c in an empty database.
func seed(ctx context.Context, c seedConfig, out io.Writer) (*seedReport, error) {
	if c.Accounts < 2 || c.Statuses < 1 {
		return nil, errors.New("need at least 2 accounts and 1 status")
	}
	start := time.Now()
	database, err := db.Open(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	defer database.Close()
	if err := database.Migrate(ctx); err != nil {
		return nil, err
	}
	var n int64
	if err := database.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, fmt.Errorf("%s already holds %d accounts; seed needs an empty database", c.DB, n)
	}
	if database.Dialect == db.SQLite {
		// A bulk load wants a big page cache (indexes are written in random
		// order) and no fsync; the server reopens with its own pragmas.
		for _, p := range []string{"PRAGMA cache_size = -1000000", "PRAGMA synchronous = OFF"} {
			if _, err := database.Write.ExecContext(ctx, p); err != nil {
				return nil, err
			}
		}
	}
	cr := core.New(core.Deps{Store: store.New(database), Config: core.Config{Domain: c.Domain, Protocol: c.Protocol}})
	step := stepTimer(out)

	w := newWorld(c, cr)
	w.makeAccounts()
	w.makeFollowGraph()
	w.makeStatuses()
	step("generated %d accounts, %d follows, %d statuses in memory", len(w.accounts), w.follows, len(w.statuses))

	l := newLoader(database)
	if err := w.writeAccounts(ctx, l); err != nil {
		return nil, err
	}
	step("wrote accounts and users")
	if err := w.writeFollows(ctx, l); err != nil {
		return nil, err
	}
	step("wrote %d follows", w.follows)
	if err := w.writeStatuses(ctx, l); err != nil {
		return nil, err
	}
	step("wrote %d statuses (+ mentions, tags, %d favourites)", len(w.statuses), w.favourites)
	if err := w.writeFeeds(ctx, l); err != nil {
		return nil, err
	}
	step("wrote %d home feed rows for %d active accounts", w.feedRows, w.activeCount())
	if err := w.writeTokens(ctx, l); err != nil {
		return nil, err
	}
	step("wrote %d tokens", w.tokens)
	if database.Dialect == db.Postgres {
		// Autovacuum would analyze the fresh tables soon; do it now so the
		// first measurements don't run on an empty-table plan.
		if _, err := database.Write.ExecContext(ctx, "ANALYZE"); err != nil {
			return nil, err
		}
		step("analyzed")
	}
	if err := database.Checkpoint(ctx); err != nil {
		return nil, err
	}
	rep := &seedReport{
		Accounts: int64(len(w.accounts)), Follows: w.follows, Statuses: int64(len(w.statuses)),
		FeedRows: w.feedRows, Tokens: w.tokens, Favourites: w.favourites, Took: time.Since(start),
	}
	fmt.Fprintf(out, "seeded %s in %s: %d rows, %.0f rows/s\n", c.DB, rep.Took.Round(time.Millisecond),
		l.total, float64(l.total)/rep.Took.Seconds())
	return rep, nil
}

// stepTimer prints each step with the time it took.
func stepTimer(out io.Writer) func(format string, args ...any) {
	last := time.Now()
	return func(format string, args ...any) {
		now := time.Now()
		fmt.Fprintf(out, "%8s  %s\n", now.Sub(last).Round(time.Millisecond), fmt.Sprintf(format, args...))
		last = now
	}
}
