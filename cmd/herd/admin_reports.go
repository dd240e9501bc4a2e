package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
)

const reportsUsage = `usage: herd admin reports list [--all] [--limit N] [settings flags]

  list                         the reports users filed, newest first: open
                               ones, or --all
`

// adminReports runs "herd admin reports …": until Herd has moderation
// tools, moderators read the reports users file here.
func adminReports(args []string, out io.Writer, log *slog.Logger) error {
	usage := errors.New(strings.TrimSpace(reportsUsage))
	if len(args) < 1 || args[0] != "list" {
		return usage
	}
	fs := flag.NewFlagSet("admin reports", flag.ContinueOnError)
	all := fs.Bool("all", false, "resolved reports too")
	limit := fs.Int("limit", 100, "at most this many reports")
	ctx := context.Background()
	c, closeDB, err := adminCore(ctx, fs, args[1:], log)
	if err != nil {
		return err
	}
	defer closeDB()
	reports, err := c.Moderation.Reports(ctx, *all, model.Page{Limit: *limit})
	if err != nil {
		return err
	}
	var accountIDs []int64
	for _, r := range reports {
		accountIDs = append(accountIDs, r.AccountID, r.TargetAccountID)
	}
	accounts, err := c.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return err
	}
	acct := map[int64]string{}
	for _, a := range accounts {
		acct[a.ID] = "@" + a.Acct()
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFILED\tBY\tAGAINST\tCATEGORY\tSTATUSES\tFORWARD\tRESOLVED\tCOMMENT")
	for _, r := range reports {
		statuses := make([]string, 0, len(r.StatusIDs))
		for _, id := range r.StatusIDs {
			statuses = append(statuses, ids.Format(id))
		}
		resolved := "no"
		if !r.ActionTakenAt.IsZero() {
			resolved = r.ActionTakenAt.Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%t\t%s\t%s\n", ids.Format(r.ID), r.CreatedAt.Format(time.DateTime),
			or(acct[r.AccountID], ids.Format(r.AccountID)), or(acct[r.TargetAccountID], ids.Format(r.TargetAccountID)),
			r.Category, or(strings.Join(statuses, ","), "-"), r.Forward, resolved, oneLine(r.Comment))
	}
	return tw.Flush()
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// oneLine keeps a comment on its row of the table.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	return s
}
