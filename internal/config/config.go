// Package config reads Herd's settings from command-line flags and the
// same names as HERD_* environment variables (flags win), with defaults
// that run a working instance on localhost with nothing set.
package config

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a Herd node.
type Config struct {
	// Domain is the public host[:port] used in URLs and in @user@host.
	Domain string
	// Listen is the address the HTTP server binds.
	Listen string
	// DB is a SQLite file path or a postgres:// URL.
	DB string
	// MediaDir is where uploaded media is stored (local storage).
	MediaDir string
	// MediaHost, when set, is the separate host[:port] that serves the
	// local media files under /system/ (e.g. media.example.com): it
	// serves nothing else, and the domain serves no files, so a file
	// never runs in the instance's origin and sees none of its cookies.
	MediaHost string
	// S3Endpoint, S3Bucket and the keys, when set, store media in
	// S3-compatible object storage instead of MediaDir; clients fetch
	// the files from S3PublicURL (default: the bucket's URL at the
	// endpoint), a bucket made publicly readable by a bucket policy.
	S3Endpoint  string
	S3Bucket    string
	S3AccessKey string
	S3SecretKey string
	// S3Region is the bucket's region (empty: asked from the service).
	S3Region string
	// S3PathStyle addresses the bucket as endpoint/bucket instead of
	// bucket.endpoint-host (MinIO, Garage and most self-hosted services).
	S3PathStyle bool
	// S3PublicURL is the base URL of the files (a CDN in front of the
	// bucket, e.g. https://cdn.example.com/bucket).
	S3PublicURL string
	// MediaFetcher, for tests only (no flag or variable sets it), replaces
	// the guarded client's downloads of remote media (attachments,
	// avatars, emoji) with canned answers.
	MediaFetcher interface {
		FetchMedia(ctx context.Context, url string, max int64) ([]byte, error)
	}
	// S3Transport, for tests only (no flag or variable sets it), carries
	// the requests to the S3 service.
	S3Transport http.RoundTripper
	// Protocol is https, or http for localhost and local testing.
	Protocol string
	// AllowPrivateAddresses lets outbound requests reach loopback and private
	// networks; for tests of several local instances only, never production.
	AllowPrivateAddresses bool
	// OutboundResolve, for tests only (no flag or variable sets it),
	// replaces DNS for outbound requests (safehttp.Options.Resolve), so a
	// test network of several instances reaches each other's host names
	// on their listeners.
	OutboundResolve func(ctx context.Context, host, port string) ([]netip.AddrPort, error)
	// RemoteCardSpread, for tests only (no flag or variable sets it), is
	// the longest random delay before a remote status's link is fetched
	// for its preview card (0: one minute; negative: no delay).
	RemoteCardSpread time.Duration
	// RemoteMediaSpread, for tests only, is the longest random delay
	// before a remote status's attachments are fetched (0: five seconds;
	// negative: no delay).
	RemoteMediaSpread time.Duration
	// MediaCacheDays is how long the files of remote media are kept
	// before they are removed (fetched again when viewed); 0 keeps them
	// forever. Default 7, as Mastodon's suggested media cache retention.
	MediaCacheDays int
	// MaxStatusChars is the status length limit (Mastodon: 500).
	MaxStatusChars int
	// MaxMediaAttachments is how many files a status may carry (Mastodon: 4).
	MaxMediaAttachments int
	// Registrations is open, approval or closed.
	Registrations string
	// Title and Description describe the instance in /api/v2/instance.
	Title       string
	Description string
	// ContactEmail is the instance's public contact address.
	ContactEmail string
	// TrustedProxies lists CIDRs whose X-Forwarded-For is believed; loopback
	// by default.
	TrustedProxies []string
	// RateLimitPerAccount and RateLimitPerIP are requests per 5 minutes
	// (Mastodon: 300 per account, 300 per IP); 0 disables the limit.
	RateLimitPerAccount int
	RateLimitPerIP      int
	// BodyMinRate is the average rate, in bytes per second, a request body
	// must keep up after its first BodyReadGrace, so that clients trickling
	// bodies can't hold connections open (0 turns the check off).
	BodyMinRate int
	// CacheMB is the memory, in MB, the read path's entity caches may hold
	// (statuses, accounts, viewers' states, live counters, apps): 64 by
	// default, enough for the working set of the bench's 10,000-account
	// instance (core.DefaultCacheBytes); more helps a larger instance
	// serve more pages without a query.
	CacheMB int
	// BodyReadGrace, for tests only (no flag or variable sets it), is the
	// time a body is given before the rate counts (default 10 s).
	BodyReadGrace time.Duration
	// AuthorizedFetch serves actors, statuses and collections to
	// ActivityPub clients only on a valid HTTP signature from a domain
	// that is not suspended (Mastodon's AUTHORIZED_FETCH).
	AuthorizedFetch bool
	// LimitedFederation federates only with the domains admins allowed
	// (Mastodon's LIMITED_FEDERATION_MODE); it implies AuthorizedFetch.
	LimitedFederation bool
	// ShowDomainBlocks says who may read /api/v1/instance/domain_blocks:
	// all (default), users (signed in) or disabled.
	ShowDomainBlocks string
	// SMTPHost, when set, is the SMTP server the instance sends mail
	// through (password resets); without it no mail is sent and nothing
	// that needs it is offered. SMTPPort is 587 (STARTTLS when offered)
	// by default; 465 is implicit TLS. SMTPUsername and SMTPPassword log
	// in with AUTH PLAIN (over TLS only). SMTPFrom is the sender
	// (default notifications@ the domain's host).
	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string
	SMTPFrom     string
	// SMTPTLS, for tests only (no flag or variable sets it), replaces
	// the TLS settings of the SMTP connection (to trust a test
	// certificate).
	SMTPTLS *tls.Config
}

// fieldSpec declares one setting: its flag name (env: HERD_ + upper snake).
type fieldSpec struct {
	name, usage string
	str         *string
	num         *int
	boolean     *bool
	list        *[]string
}

// Load parses args (without the program and subcommand names) and the
// environment. Defaults: localhost:8080, SQLite at ./data/herd.db, media
// under ./data/media.
func Load(args []string) (*Config, error) {
	c := &Config{
		Domain: "localhost:8080", DB: filepath.Join("data", "herd.db"), MediaDir: filepath.Join("data", "media"),
		MaxStatusChars: 500, MaxMediaAttachments: 4, Registrations: "open", Title: "Herd",
		Description: "A Herd instance", TrustedProxies: []string{"127.0.0.0/8", "::1/128"},
		RateLimitPerAccount: 300, RateLimitPerIP: 300, ShowDomainBlocks: "all", MediaCacheDays: 7,
		BodyMinRate: 4096, BodyReadGrace: 10 * time.Second, CacheMB: 64,
	}
	var trusted string
	specs := []fieldSpec{
		{name: "domain", usage: "public host[:port] of the instance", str: &c.Domain},
		{name: "listen", usage: "address to bind (default: the domain's port on all interfaces, or :8080)", str: &c.Listen},
		{name: "db", usage: "SQLite file path or postgres:// URL", str: &c.DB},
		{name: "media-dir", usage: "directory for uploaded media", str: &c.MediaDir},
		{name: "media-host", usage: "separate host[:port] serving the local media files (e.g. media.example.com)", str: &c.MediaHost},
		{name: "s3-endpoint", usage: "URL of an S3-compatible service storing media instead of media-dir (e.g. https://s3.eu-central-1.amazonaws.com)", str: &c.S3Endpoint},
		{name: "s3-bucket", usage: "S3 bucket for media (readable by anyone through a bucket policy)", str: &c.S3Bucket},
		{name: "s3-access-key", usage: "S3 access key id", str: &c.S3AccessKey},
		{name: "s3-secret-key", usage: "S3 secret access key", str: &c.S3SecretKey},
		{name: "s3-region", usage: "S3 region (default: asked from the service)", str: &c.S3Region},
		{name: "s3-path-style", usage: "address the bucket as endpoint/bucket (MinIO, Garage) rather than bucket.endpoint", boolean: &c.S3PathStyle},
		{name: "s3-public-url", usage: "base URL clients fetch media from, e.g. a CDN (default: the bucket's URL)", str: &c.S3PublicURL},
		{name: "media-cache-days", usage: "days remote media files are kept before pruning (0 = forever)", num: &c.MediaCacheDays},
		{name: "protocol", usage: "https, or http (default http for localhost, https otherwise)", str: &c.Protocol},
		{name: "allow-private-addresses", usage: "let outbound requests reach private addresses (testing only)", boolean: &c.AllowPrivateAddresses},
		{name: "max-status-chars", usage: "status length limit", num: &c.MaxStatusChars},
		{name: "max-media-attachments", usage: "files a status may carry (Mastodon's apps show at most 4)", num: &c.MaxMediaAttachments},
		{name: "registrations", usage: "open, approval or closed", str: &c.Registrations},
		{name: "title", usage: "instance title", str: &c.Title},
		{name: "description", usage: "instance description", str: &c.Description},
		{name: "contact-email", usage: "instance contact email", str: &c.ContactEmail},
		{name: "trusted-proxies", usage: "comma-separated CIDRs whose X-Forwarded-For is trusted", str: &trusted},
		{name: "rate-limit-account", usage: "requests per 5 minutes per account (0 = off)", num: &c.RateLimitPerAccount},
		{name: "rate-limit-ip", usage: "requests per 5 minutes per IP (0 = off)", num: &c.RateLimitPerIP},
		{name: "cache-mb", usage: "MB of memory the read caches (statuses, accounts, viewers, counters) may hold", num: &c.CacheMB},
		{name: "body-min-rate", usage: "bytes per second a request body must average after its first 10 s (0 = off)", num: &c.BodyMinRate},
		{name: "authorized-fetch", usage: "serve ActivityPub documents only to signed requests", boolean: &c.AuthorizedFetch},
		{name: "limited-federation", usage: "federate only with allowed domains (implies authorized-fetch)", boolean: &c.LimitedFederation},
		{name: "show-domain-blocks", usage: "who sees the domain blocks list: all, users or disabled", str: &c.ShowDomainBlocks},
		{name: "smtp-host", usage: "SMTP server for the instance's mail (password resets); unset: no mail", str: &c.SMTPHost},
		{name: "smtp-port", usage: "SMTP port: 587 uses STARTTLS when offered, 465 implicit TLS", num: &c.SMTPPort},
		{name: "smtp-username", usage: "SMTP login (sent over TLS only)", str: &c.SMTPUsername},
		{name: "smtp-password", usage: "SMTP password", str: &c.SMTPPassword},
		{name: "smtp-from", usage: "sender of the instance's mail, e.g. Herd <notifications@example.com> (default notifications@ the domain)", str: &c.SMTPFrom},
	}
	fs := flag.NewFlagSet("herd", flag.ContinueOnError)
	for _, s := range specs {
		env := EnvName(s.name)
		if v, ok := os.LookupEnv(env); ok {
			if err := s.set(v); err != nil {
				return nil, fmt.Errorf("%s: %w", env, err)
			}
		}
		usage := s.usage + " (env " + env + ")"
		switch {
		case s.str != nil:
			fs.StringVar(s.str, s.name, *s.str, usage)
		case s.num != nil:
			fs.IntVar(s.num, s.name, *s.num, usage)
		case s.boolean != nil:
			fs.BoolVar(s.boolean, s.name, *s.boolean, usage)
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if trusted != "" {
		c.TrustedProxies = splitList(trusted)
	}
	return c, c.finish()
}

func (s fieldSpec) set(v string) error {
	switch {
	case s.str != nil:
		*s.str = v
	case s.num != nil:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		*s.num = n
	case s.boolean != nil:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*s.boolean = b
	}
	return nil
}

// EnvName maps a flag name to its environment variable: db → HERD_DB.
func EnvName(flagName string) string {
	return "HERD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// finish fills derived defaults and validates.
func (c *Config) finish() error {
	c.Domain = strings.ToLower(strings.TrimSpace(c.Domain))
	if c.Domain == "" || strings.ContainsAny(c.Domain, "/ @") {
		return errors.New("domain must be a host[:port], like example.com")
	}
	host := c.Domain
	if h, _, err := net.SplitHostPort(c.Domain); err == nil {
		host = h
	}
	if c.Protocol == "" {
		c.Protocol = "https"
		if host == "localhost" {
			c.Protocol = "http"
		}
	}
	if c.Protocol != "http" && c.Protocol != "https" {
		return errors.New("protocol must be http or https")
	}
	if c.Listen == "" {
		// The domain's port when it names one (on loopback only for
		// localhost), else 8080 on all interfaces, as the flag says.
		c.Listen = ":8080"
		if _, port, err := net.SplitHostPort(c.Domain); err == nil {
			c.Listen = ":" + port
			if host == "localhost" {
				c.Listen = "localhost:" + port
			}
		}
	}
	switch c.Registrations {
	case "open", "approval", "closed":
	default:
		return errors.New("registrations must be open, approval or closed")
	}
	switch c.ShowDomainBlocks {
	case "all", "users", "disabled":
	default:
		return errors.New("show-domain-blocks must be all, users or disabled")
	}
	if c.LimitedFederation {
		c.AuthorizedFetch = true
	}
	if err := c.checkMedia(); err != nil {
		return err
	}
	if err := c.checkSMTP(); err != nil {
		return err
	}
	if c.MediaCacheDays < 0 {
		return errors.New("media-cache-days must be 0 (keep) or more")
	}
	if c.MaxStatusChars < 1 {
		return errors.New("max-status-chars must be positive")
	}
	if c.MaxMediaAttachments < 1 || c.MaxMediaAttachments > 20 {
		return errors.New("max-media-attachments must be from 1 to 20")
	}
	for _, cidr := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(cidr); err != nil {
			return fmt.Errorf("trusted proxy %q is not a CIDR", cidr)
		}
	}
	return nil
}

// checkSMTP fills the mail defaults and validates them.
func (c *Config) checkSMTP() error {
	c.SMTPHost = strings.TrimSpace(c.SMTPHost)
	if c.SMTPHost == "" {
		return nil
	}
	if c.SMTPPort == 0 {
		c.SMTPPort = 587
	}
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		return errors.New("smtp-port must be a port number")
	}
	if c.SMTPFrom == "" {
		c.SMTPFrom = "notifications@" + c.Host()
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		return fmt.Errorf("smtp-from %q is not an address: %v", c.SMTPFrom, err)
	}
	return nil
}

// UsesS3 says media is stored in S3-compatible storage.
func (c *Config) UsesS3() bool { return c.S3Endpoint != "" || c.S3Bucket != "" }

// checkMedia validates the media host and the S3 settings (the endpoint
// and public URL are checked again, fully, when the storage is made).
func (c *Config) checkMedia() error {
	c.MediaHost = strings.ToLower(strings.TrimSpace(c.MediaHost))
	if c.MediaHost != "" {
		if strings.ContainsAny(c.MediaHost, "/ @?#") {
			return errors.New("media-host must be a host[:port], like media.example.com")
		}
		if c.MediaHost == c.Domain {
			return errors.New("media-host must differ from the domain")
		}
	}
	if !c.UsesS3() {
		return nil
	}
	if c.S3Endpoint == "" || c.S3Bucket == "" || c.S3AccessKey == "" || c.S3SecretKey == "" {
		return errors.New("S3 storage needs s3-endpoint, s3-bucket, s3-access-key and s3-secret-key")
	}
	if c.MediaHost != "" {
		return errors.New("media-host serves local files; with S3 storage set s3-public-url instead")
	}
	return nil
}

// Host is the domain without its port.
func (c *Config) Host() string {
	if h, _, err := net.SplitHostPort(c.Domain); err == nil {
		return h
	}
	return c.Domain
}
