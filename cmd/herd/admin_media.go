package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"herd/internal/config"
)

// adminMedia runs "herd admin media prune [--days N] [--profiles]": the
// files of remote media cached more than N days ago (default
// HERD_MEDIA_CACHE_DAYS) are removed; their rows stay and are fetched
// again when viewed. With --profiles, the avatars and headers of remote
// accounts not refreshed in N days that no local account follows or is
// followed by go too (Mastodon's --prune-profiles). Uploads are never
// touched. Progress goes to stderr as one updating line.
func adminMedia(args []string, out io.Writer, log *slog.Logger) error {
	usage := errors.New("usage: herd admin media prune [--days N] [--profiles] [settings flags]")
	if len(args) < 1 || args[0] != "prune" {
		return usage
	}
	fs := flag.NewFlagSet("admin media", flag.ContinueOnError)
	days := fs.Int("days", -1, "prune remote media cached more than this many days ago (default: media-cache-days)")
	profiles := fs.Bool("profiles", false, "also prune the avatars and headers of remote accounts not refreshed in as many days that no local account follows or is followed by")
	settings, err := splitSettings(fs, args[1:])
	if err != nil {
		return err
	}
	cfg, err := config.Load(settings)
	if err != nil {
		return err
	}
	if *days < 0 {
		if cfg.MediaCacheDays == 0 {
			return errors.New("media-cache-days is 0 (remote media kept forever): pass --days N to prune anyway")
		}
		*days = cfg.MediaCacheDays
	}
	ctx := context.Background()
	c, closeDB, err := openCore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	cutoff := time.Now().Add(-time.Duration(*days) * 24 * time.Hour)
	shown := false
	n, err := c.Files.PruneRemoteMedia(ctx, cutoff, func(done, total int) {
		fmt.Fprintf(os.Stderr, "\rpruning remote media: %d/%d", done, total)
		shown = true
	})
	if shown {
		fmt.Fprintln(os.Stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pruned the files of %d remote attachment(s) and emoji cached before %s\n", n, cutoff.UTC().Format(time.RFC3339))
	if *profiles {
		n, err := c.Files.PruneRemoteProfiles(ctx, cutoff)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "pruned the avatars and headers of %d remote account(s) not followed and not refreshed since %s\n",
			n, cutoff.UTC().Format(time.RFC3339))
	}
	return nil
}
