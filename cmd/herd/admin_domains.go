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

	"herd/internal/core/domains"
)

const domainsUsage = `usage: herd admin domains <action> [flags] [settings flags]

  block DOMAIN [--severity suspend|silence|noop] [--reject-media]
               [--reject-reports] [--obfuscate] [--public-comment T]
               [--private-comment T]
                               block a domain and its subdomains (default
                               severity: suspend); blocking a blocked domain
                               changes only the flags given
  unblock DOMAIN               lift a domain's block
  list                         list blocks and allowed domains
  allow DOMAIN                 allow a domain (limited-federation mode)
  disallow DOMAIN              remove an allowed domain
`

// adminDomains runs "herd admin domains …": instance-level moderation of
// federation, through the same use cases as the admin API, so a running
// server sees each change at once (events log).
func adminDomains(args []string, out io.Writer, log *slog.Logger) error {
	usage := errors.New(strings.TrimSpace(domainsUsage))
	if len(args) < 1 {
		return usage
	}
	action, rest := args[0], args[1:]
	var positional []string
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	fs := flag.NewFlagSet("admin domains", flag.ContinueOnError)
	severity := fs.String("severity", "suspend", "suspend, silence or noop (block)")
	rejectMedia := fs.Bool("reject-media", false, "reject the domain's media (block)")
	rejectReports := fs.Bool("reject-reports", false, "reject the domain's reports (block)")
	obfuscate := fs.Bool("obfuscate", false, "hide the domain's name in the public list (block)")
	publicComment := fs.String("public-comment", "", "reason shown in the public list (block)")
	privateComment := fs.String("private-comment", "", "note for admins (block)")
	ctx := context.Background()
	c, closeDB, err := adminCore(ctx, fs, rest, log)
	if err != nil {
		return err
	}
	defer closeDB()
	switch {
	case action == "block" && len(positional) == 1:
		// Only the flags given change an existing block; a new one starts
		// from the defaults (severity suspend).
		p := domains.DomainBlockParams{Domain: positional[0], Severity: severity}
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "reject-media":
				p.RejectMedia = rejectMedia
			case "reject-reports":
				p.RejectReports = rejectReports
			case "obfuscate":
				p.Obfuscate = obfuscate
			case "public-comment":
				p.PublicComment = publicComment
			case "private-comment":
				p.PrivateComment = privateComment
			}
		})
		b, err := c.Domains.BlockDomain(ctx, p)
		var existing *domains.ExistingDomainBlockError
		if errors.As(err, &existing) {
			if existing.Existing.Domain != normalizedOrRaw(p.Domain) {
				return fmt.Errorf("%s is already covered by the block of %s", positional[0], existing.Existing.Domain)
			}
			// Blocking a blocked domain again changes its block.
			if !flagGiven(fs, "severity") {
				p.Severity = nil
			}
			b, err = c.Domains.UpdateDomainBlock(ctx, existing.Existing.ID, p)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "blocked %s (%s)\n", b.Domain, b.Severity)
		return nil
	case action == "unblock" && len(positional) == 1:
		b, err := c.Domains.DomainBlockByDomain(ctx, positional[0])
		if err != nil {
			return fmt.Errorf("no block of %q", positional[0])
		}
		if err := c.Domains.UnblockDomain(ctx, b.ID); err != nil {
			return err
		}
		fmt.Fprintf(out, "unblocked %s\n", b.Domain)
		return nil
	case action == "allow" && len(positional) == 1:
		a, err := c.Domains.AllowDomain(ctx, positional[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "allowed %s\n", a.Domain)
		return nil
	case action == "disallow" && len(positional) == 1:
		a, err := c.Domains.DomainAllowByDomain(ctx, positional[0])
		if err != nil {
			return fmt.Errorf("%q is not allowed", positional[0])
		}
		if err := c.Domains.DisallowDomain(ctx, a.ID); err != nil {
			return err
		}
		fmt.Fprintf(out, "disallowed %s\n", a.Domain)
		return nil
	case action == "list" && len(positional) == 0:
		blocks, err := c.Domains.DomainBlocks(ctx)
		if err != nil {
			return err
		}
		allows, err := c.Domains.DomainAllows(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DOMAIN\tPOLICY\tFLAGS\tPUBLIC COMMENT")
		for _, b := range blocks {
			var flags []string
			for _, f := range []struct {
				on   bool
				name string
			}{{b.RejectMedia, "reject-media"}, {b.RejectReports, "reject-reports"}, {b.Obfuscate, "obfuscate"}} {
				if f.on {
					flags = append(flags, f.name)
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", b.Domain, b.Severity, strings.Join(flags, ","), b.PublicComment)
		}
		for _, a := range allows {
			fmt.Fprintf(tw, "%s\tallow\t\t\n", a.Domain)
		}
		return tw.Flush()
	}
	return usage
}

// flagGiven reports whether the flag name was on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// normalizedOrRaw is a domain as blocks store it, or the input when it is not one.
func normalizedOrRaw(domain string) string {
	if d, err := domains.NormalizeDomain(domain); err == nil {
		return d
	}
	return domain
}
