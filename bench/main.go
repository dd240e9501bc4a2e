// Command bench seeds a realistic Herd instance and measures it under load.
//
//	go run ./bench seed -db data/bench.db -accounts 10000 -statuses 1000000
//	go run ./bench run  -db data/bench.db
//	go run ./bench stream -db copy-of-bench.db -clients 5000
//
// seed writes straight to the database (bulk INSERTs in large
// transactions); run starts `herd serve` on that database as a subprocess,
// measures its startup time and memory, drives it with concurrent
// keep-alive clients and compares the home timeline with a plain Go server
// answering the same bytes from memory. See bench/README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: go run ./bench <command> [flags]

commands:
  seed      fill a database with a realistic instance (accounts, follow graph,
            statuses with threads, boosts, tags and mentions, home feeds, tokens)
  run       start herd on a seeded database and measure it
  stream    open thousands of WebSockets to herd's streaming API and measure
            set-up, memory, delivery of a post and the home timeline beside them
  ceiling   (internal) serve one file's bytes from memory; run starts it

Run "go run ./bench <command> -h" for its flags.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "seed":
		err = seedCommand(ctx, os.Args[2:], os.Stdout)
	case "run":
		err = runCommand(ctx, os.Args[2:], os.Stdout)
	case "stream":
		err = streamCommand(ctx, os.Args[2:], os.Stdout)
	case "ceiling":
		err = ceilingCommand(ctx, os.Args[2:])
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "bench: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
