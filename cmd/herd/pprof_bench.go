//go:build benchpprof

// This file exists only in builds made by `go run ./bench run -profile`
// (go build -tags benchpprof): it serves net/http/pprof on the address in
// HERD_BENCH_PPROF, on its own listener, so the bench can take CPU
// profiles of a loaded server. Production builds never contain it.
package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

func init() {
	if addr := os.Getenv("HERD_BENCH_PPROF"); addr != "" {
		go http.ListenAndServe(addr, nil) // herd's own routes use their own mux, never DefaultServeMux
	}
}
