// Command herd is the whole Herd server: `herd serve` runs an instance,
// `herd migrate` updates its database, `herd admin …` manages it and
// `herd version` says which build this is.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"herd/internal/config"
	"herd/internal/db"
	"herd/internal/server"
	"herd/internal/version"
)

const usage = `usage: herd <command> [flags]

commands:
  serve      run the server (default settings: http://localhost:8080, SQLite under ./data)
  migrate    apply database migrations and exit
  admin      manage the instance: herd admin accounts create|list|approve|suspend|unsuspend|role
  version    print the version

Every flag can also be set by environment variable: -db is HERD_DB, -domain is HERD_DOMAIN, …
Run "herd serve -h" for the list.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:], log)
	case "migrate":
		err = migrate(os.Args[2:])
	case "admin":
		err = admin(os.Args[2:], os.Stdout, log)
	case "version", "-version", "--version":
		fmt.Println("herd", version.Herd, "(Mastodon API", version.Mastodon+")")
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "herd: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "herd:", err)
		os.Exit(1)
	}
}

func serve(args []string, log *slog.Logger) error {
	cfg, err := config.Load(args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	bg, cancelBG := context.WithCancel(context.Background())
	srv.Run(bg)
	httpSrv := &http.Server{
		Handler:           srv.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "Herd is running at %s://%s (listening on %s, database %s)\n",
		cfg.Protocol, cfg.Domain, ln.Addr(), describeDB(cfg.DB))
	fmt.Fprintf(os.Stderr, "Sign up at %s://%s/auth/sign_up, or point a Mastodon app at %s.\n",
		cfg.Protocol, cfg.Domain, cfg.Domain)
	select {
	case err := <-errc:
		cancelBG()
		return err
	case <-ctx.Done():
	}
	// In-flight requests finish (each commits or rolls back whole) before
	// the database closes.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = httpSrv.Shutdown(shutdownCtx)
	cancelBG()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func describeDB(dsn string) string {
	if db.IsPostgresDSN(dsn) {
		return "PostgreSQL"
	}
	return "SQLite " + dsn
}

func migrate(args []string) error {
	cfg, err := config.Load(args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	database, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer database.Close()
	if err := database.Migrate(ctx); err != nil {
		return err
	}
	fmt.Println("database is up to date")
	return nil
}
