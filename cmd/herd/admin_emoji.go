package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"

	"herd/internal/config"
	"herd/internal/core/fault"
	"herd/internal/media"
)

const emojiUsage = `usage: herd admin emoji <action> [flags] [settings flags]

  add SHORTCODE FILE [--category C]
                               add a custom emoji (PNG, GIF, WebP or JPEG,
                               under 256 KB; kept as a static PNG)
  list                         list the instance's custom emoji
  remove SHORTCODE             remove a custom emoji
`

// adminEmoji runs "herd admin emoji …": the instance's custom emoji, which
// GET /api/v1/custom_emojis lists and texts show for ":shortcode:".
func adminEmoji(args []string, out io.Writer, log *slog.Logger) error {
	usage := errors.New(strings.TrimSpace(emojiUsage))
	if len(args) < 1 {
		return usage
	}
	action, rest := args[0], args[1:]
	var positional []string
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	fs := flag.NewFlagSet("admin emoji", flag.ContinueOnError)
	category := fs.String("category", "", "the emoji's category in the picker (add)")
	settings, err := splitSettings(fs, rest)
	if err != nil {
		return err
	}
	cfg, err := config.Load(settings)
	if err != nil {
		return err
	}
	ctx := context.Background()
	c, closeDB, err := openCore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	switch {
	case action == "add" && len(positional) == 2:
		data, err := readEmojiFile(positional[1])
		if err != nil {
			return err
		}
		e, err := c.Files.AddCustomEmoji(ctx, positional[0], data, *category)
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(out, "added :%s: (%s)\n", e.Shortcode, c.Files.CustomEmojiURL(e))
		return nil
	case action == "list" && len(positional) == 0:
		list, err := c.Files.LocalCustomEmojis(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SHORTCODE\tCATEGORY\tURL")
		for _, e := range list {
			fmt.Fprintf(tw, ":%s:\t%s\t%s\n", e.Shortcode, e.Category, c.Files.CustomEmojiURL(e))
		}
		return tw.Flush()
	case action == "remove" && len(positional) == 1:
		if err := c.Files.RemoveCustomEmoji(ctx, positional[0]); err != nil {
			if e, ok := fault.As(err); ok && e.Status == http.StatusNotFound {
				return fmt.Errorf("no custom emoji :%s:", positional[0])
			}
			return err
		}
		fmt.Fprintf(out, "removed :%s:\n", positional[0])
		return nil
	}
	return usage
}

// readEmojiFile reads an emoji image, refusing at once a file far over
// the limit rather than reading it whole.
func readEmojiFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, media.MaxEmojiBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > media.MaxEmojiBytes {
		return nil, fmt.Errorf("%s: an emoji image must be less than 256 KB", path)
	}
	return data, nil
}

// cliError shows a use case's refusal by its message alone.
func cliError(err error) error {
	if e, ok := fault.As(err); ok {
		return errors.New(e.Message)
	}
	return err
}
