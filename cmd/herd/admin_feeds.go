package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"herd/internal/model"
)

// adminFeeds runs "herd admin feeds rebuild [NAME]": home feeds are a cache
// (DESIGN.md storage notes), so an operator can always rebuild them from the
// statuses and follows tables, for one user or all.
func adminFeeds(args []string, out io.Writer, log *slog.Logger) error {
	usage := errors.New("usage: herd admin feeds rebuild [NAME] [settings flags]")
	if len(args) < 1 || args[0] != "rebuild" {
		return usage
	}
	rest := args[1:]
	var name string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	ctx := context.Background()
	c, closeDB, err := adminCore(ctx, flag.NewFlagSet("admin feeds", flag.ContinueOnError), rest, log)
	if err != nil {
		return err
	}
	defer closeDB()
	var accounts []*model.Account
	if name != "" {
		acct, err := c.LocalAccountByName(ctx, name)
		if err != nil {
			return fmt.Errorf("no local account %q", name)
		}
		accounts = append(accounts, acct)
	} else {
		users, err := c.LocalUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			accounts = append(accounts, u.Account)
		}
	}
	for _, acct := range accounts {
		if err := c.Timelines.RebuildFeed(ctx, acct.ID); err != nil {
			return fmt.Errorf("rebuild @%s: %w", acct.Username, err)
		}
	}
	fmt.Fprintf(out, "rebuilt %d home feed(s)\n", len(accounts))
	return nil
}
