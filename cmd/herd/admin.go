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

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/core/accounts"
	"herd/internal/db"
	"herd/internal/model"
	"herd/internal/server"
	"herd/internal/store"
)

const adminUsage = `usage: herd admin accounts <action> [flags] [settings flags]

  create NAME --email E --password P [--admin] [--moderator]
                               make a confirmed, approved account
  list                         list local accounts
  approve NAME                 approve a pending registration
  suspend NAME / unsuspend NAME
  role NAME user|moderator|admin

usage: herd admin rules add "TEXT" [--hint H] | list | remove ID

usage: herd admin domains block DOMAIN [--severity suspend|silence|noop] [--reject-media]
                               [--obfuscate] [--public-comment T] | unblock DOMAIN
                               | list | allow DOMAIN | disallow DOMAIN

usage: herd admin feeds rebuild [NAME]
                               rebuild home feeds from follows and statuses
                               (every local user's, or NAME's)

usage: herd admin emoji add SHORTCODE FILE [--category C] | list | remove SHORTCODE
                               custom emoji (PNG, GIF, WebP or JPEG under 256 KB)

usage: herd admin reports list [--all] [--limit N]
                               the reports users filed (open ones, or all)

usage: herd admin media prune [--days N] [--profiles]
                               remove the files of remote media cached more
                               than N days ago (default HERD_MEDIA_CACHE_DAYS);
                               they are fetched again when viewed. --profiles:
                               also the avatars and headers of remote accounts
                               not refreshed in N days and not followed by or
                               following a local account

The admin commands read the same settings as serve (HERD_DB, -db, …) and
work while the server runs: it sees each change at once.
`

// admin runs "herd admin …" through the same use cases as the server, so
// every change goes through the events log and running nodes see it.
func admin(args []string, out io.Writer, log *slog.Logger) error {
	if len(args) > 0 && args[0] == "rules" {
		return adminRules(args[1:], out, log) // admin_rules.go
	}
	if len(args) > 0 && args[0] == "domains" {
		return adminDomains(args[1:], out, log) // admin_domains.go
	}
	if len(args) > 0 && args[0] == "feeds" {
		return adminFeeds(args[1:], out, log) // admin_feeds.go
	}
	if len(args) > 0 && args[0] == "emoji" {
		return adminEmoji(args[1:], out, log) // admin_emoji.go
	}
	if len(args) > 0 && args[0] == "media" {
		return adminMedia(args[1:], out, log) // admin_media.go
	}
	if len(args) > 0 && args[0] == "reports" {
		return adminReports(args[1:], out, log) // admin_reports.go
	}
	if len(args) < 2 || args[0] != "accounts" {
		return errors.New(strings.TrimSpace(adminUsage))
	}
	action, rest := args[1], args[2:]
	// Positional arguments come first; flags (ours and the settings) after.
	var positional []string
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	email := fs.String("email", "", "email address (create)")
	password := fs.String("password", "", "password (create)")
	isAdmin := fs.Bool("admin", false, "give the admin role (create)")
	isMod := fs.Bool("moderator", false, "give the moderator role (create)")
	ctx := context.Background()
	c, closeDB, err := adminCore(ctx, fs, rest, log)
	if err != nil {
		return err
	}
	defer closeDB()
	need := func(n int) error {
		if len(positional) != n {
			return errors.New(strings.TrimSpace(adminUsage))
		}
		return nil
	}
	switch action {
	case "create":
		if err := need(1); err != nil {
			return err
		}
		role := model.RoleUser
		if *isAdmin {
			role = model.RoleAdmin
		} else if *isMod {
			role = model.RoleModerator
		}
		acct, _, err := c.Accounts.CreateAccount(ctx, accounts.NewAccount{Username: positional[0], Email: *email,
			Password: *password, Role: role, Approved: true})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "created @%s (id %d, role %s)\n", acct.Username, acct.ID, role)
		return nil
	case "list":
		users, err := c.LocalUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\tEMAIL\tROLE\tSTATE")
		for _, u := range users {
			state := "active"
			switch {
			case u.Account.Suspended():
				state = "suspended"
			case !u.User.Approved:
				state = "pending"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.Account.ID, u.Account.Username, u.User.Email, u.User.Role, state)
		}
		return tw.Flush()
	case "approve", "suspend", "unsuspend":
		if err := need(1); err != nil {
			return err
		}
		acct, err := c.LocalAccountByName(ctx, positional[0])
		if err != nil {
			return fmt.Errorf("no local account %q", positional[0])
		}
		switch action {
		case "approve":
			err = c.Accounts.ApproveAccount(ctx, acct.ID)
		default:
			err = c.Accounts.SuspendAccount(ctx, acct.ID, action == "suspend")
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%sd @%s\n", strings.TrimSuffix(action, "e"), acct.Username)
		return nil
	case "role":
		if err := need(2); err != nil {
			return err
		}
		acct, err := c.LocalAccountByName(ctx, positional[0])
		if err != nil {
			return fmt.Errorf("no local account %q", positional[0])
		}
		if err := c.Accounts.SetRole(ctx, acct.ID, positional[1]); err != nil {
			return err
		}
		fmt.Fprintf(out, "@%s is now %s\n", acct.Username, positional[1])
		return nil
	}
	return errors.New(strings.TrimSpace(adminUsage))
}

// splitSettings parses the admin flags from args and returns the rest,
// which are settings flags for config.Load.
func splitSettings(fs *flag.FlagSet, args []string) ([]string, error) {
	var own, settings []string
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(strings.SplitN(args[i], "=", 2)[0], "-")
		if fs.Lookup(name) == nil {
			settings = append(settings, args[i])
			if !strings.Contains(args[i], "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				settings = append(settings, args[i+1])
				i++
			}
			continue
		}
		own = append(own, args[i])
		isBool := name == "admin" || name == "moderator" || name == "reject-media" || name == "reject-reports" ||
			name == "obfuscate"
		if !isBool && !strings.Contains(args[i], "=") && i+1 < len(args) {
			own = append(own, args[i+1])
			i++
		}
	}
	return settings, fs.Parse(own)
}

// adminCore parses an admin command's own flags (fs) and the settings
// flags from args, then opens the use cases on the configured database.
func adminCore(ctx context.Context, fs *flag.FlagSet, args []string, log *slog.Logger) (*core.Core, func(), error) {
	settings, err := splitSettings(fs, args)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(settings)
	if err != nil {
		return nil, nil, err
	}
	return openCore(ctx, cfg, log)
}

// openCore opens the database the way the admin CLI must: never migrating
// behind a running server's back.
func openCore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*core.Core, func(), error) {
	database, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, nil, err
	}
	pending, err := database.Pending(ctx)
	if err != nil {
		database.Close()
		return nil, nil, err
	}
	if pending {
		database.Close()
		return nil, nil, errors.New("the database needs migrating first: run `herd migrate` (or start `herd serve`)")
	}
	storage, err := server.MediaStorage(cfg)
	if err != nil {
		database.Close()
		return nil, nil, err
	}
	// Commands that add or remove files use the server's storage.
	c := core.New(core.Deps{Store: store.New(database), Config: server.CoreConfig(cfg), Log: log, Media: storage})
	return c, func() { database.Close() }, nil
}
