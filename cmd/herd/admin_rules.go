package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"text/tabwriter"

	"herd/internal/core/fault"
	"herd/internal/ids"
)

const rulesUsage = `usage: herd admin rules <action> [flags] [settings flags]

  add "TEXT" [--hint "LONGER EXPLANATION"]
                               append a rule (shown at sign-up and in the apps)
  list                         list the rules in order
  remove ID                    remove a rule
`

// adminRules runs "herd admin rules …": the instance rules that
// /api/v1/instance/rules and /api/v2/instance publish.
func adminRules(args []string, out io.Writer, log *slog.Logger) error {
	usage := errors.New(strings.TrimSpace(rulesUsage))
	if len(args) < 1 {
		return usage
	}
	action, rest := args[0], args[1:]
	var positional []string
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	fs := flag.NewFlagSet("admin rules", flag.ContinueOnError)
	hint := fs.String("hint", "", "a longer explanation of the rule (add)")
	ctx := context.Background()
	c, closeDB, err := adminCore(ctx, fs, rest, log)
	if err != nil {
		return err
	}
	defer closeDB()
	switch {
	case action == "add" && len(positional) == 1:
		r, err := c.AddInstanceRule(ctx, positional[0], *hint)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "added rule %s\n", ids.Format(r.ID))
		return nil
	case action == "list" && len(positional) == 0:
		rules, err := c.InstanceRules(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTEXT\tHINT")
		for _, r := range rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", ids.Format(r.ID), r.Text, r.Hint)
		}
		return tw.Flush()
	case action == "remove" && len(positional) == 1:
		id, ok := ids.Parse(positional[0])
		if !ok {
			return fmt.Errorf("%q is not a rule id", positional[0])
		}
		if err := c.RemoveInstanceRule(ctx, id); err != nil {
			if e, ok := fault.As(err); ok && e.Status == http.StatusNotFound {
				return fmt.Errorf("no rule %s", positional[0])
			}
			return err
		}
		fmt.Fprintf(out, "removed rule %s\n", positional[0])
		return nil
	}
	return usage
}
