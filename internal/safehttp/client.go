package safehttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"

	"herd/internal/version"
)

// Defaults, from the federation limits in DESIGN.md.
const (
	DefaultConnectTimeout = 5 * time.Second
	DefaultReadTimeout    = 10 * time.Second
	DefaultTimeout        = 30 * time.Second
	DefaultMaxRedirects   = 3
	// DefaultMaxBody is the largest ActivityPub document ReadLimited accepts
	// when given no limit of its own; Mastodon's inbox refuses larger ones.
	DefaultMaxBody = 1 << 20
	// maxHeaderBytes bounds a response's header block (net/http's default is
	// 1 MB); ActivityPub servers send a few hundred bytes.
	maxHeaderBytes = 64 << 10
)

// ErrTooManyRedirects is returned (wrapped in a *url.Error) when a response
// redirects more often than Options.MaxRedirects allows.
var ErrTooManyRedirects = errors.New("safehttp: too many redirects")

// Options configure a Client. The zero value is the production client for an
// instance without a domain; set Domain.
type Options struct {
	// Domain is this instance's domain (HERD_DOMAIN), named in the
	// User-Agent so remote admins know who is fetching.
	Domain string
	// UserAgent replaces the default "Herd/VERSION (+https://DOMAIN/)".
	UserAgent string

	// ConnectTimeout bounds one TCP connect (default 5 s).
	ConnectTimeout time.Duration
	// ReadTimeout bounds every wait on the peer: the TLS handshake, the
	// response headers, and each read or write of the connection that
	// makes no progress (default 10 s). A server that trickles bytes
	// still meets Timeout.
	ReadTimeout time.Duration
	// Timeout bounds a whole request, redirects and reading the body
	// included (default 30 s).
	Timeout time.Duration
	// MaxRedirects is how many redirects one request follows (default 3;
	// negative follows none: a redirect answer is then an error wrapping
	// ErrTooManyRedirects).
	MaxRedirects int

	// AllowPrivateAddresses lifts the address policy
	// (HERD_ALLOW_PRIVATE_ADDRESSES), so instances on loopback or a private
	// test network can federate. Never in production: it lets any remote
	// document make this server request its own network. Unspecified,
	// multicast and broadcast addresses stay refused.
	AllowPrivateAddresses bool

	// Resolve, for tests only, replaces DNS: it returns the addresses to
	// connect to for a URL's host and port, e.g. to send
	// "a.herd.test:443" to an httptest listener (see MapHosts). Every
	// address it returns still passes the address policy unless
	// AllowPrivateAddresses is set. IP-literal hosts are dialed as they
	// are, without asking it. Production leaves it nil.
	Resolve func(ctx context.Context, host, port string) ([]netip.AddrPort, error)
	// RootCAs, when set, replaces the system's certificate authorities
	// (tests with httptest TLS servers, or a private test CA).
	RootCAs *x509.CertPool

	// permit, set only by this package's tests, allows the addresses it
	// accepts although the policy refuses them: it stands in for a public
	// address where none is reachable, so tests can prove that the next
	// hop or connection is still checked.
	permit func(netip.Addr) bool
}

// Client is the one HTTP client Herd uses for remote servers. It is safe for
// concurrent use; create one per process and share it, so connections are
// reused.
type Client struct {
	http      *http.Client
	transport *http.Transport
	dialer    *dialer
}

// New builds a Client from opts.
func New(opts Options) *Client {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	switch {
	case opts.MaxRedirects == 0:
		opts.MaxRedirects = DefaultMaxRedirects
	case opts.MaxRedirects < 0:
		opts.MaxRedirects = 0
	}
	if opts.UserAgent == "" {
		opts.UserAgent = UserAgent(opts.Domain)
	}

	d := &dialer{opts: opts}
	d.net = net.Dialer{
		Timeout:        opts.ConnectTimeout,
		ControlContext: d.control,
	}
	protocols := new(http.Protocols)
	// HTTP/1.1 only: what Mastodon speaks to peers, and it keeps one
	// request per connection, so ReadTimeout means one thing.
	protocols.SetHTTP1(true)
	transport := &http.Transport{
		// Never a proxy from the environment: the proxy, not this dialer,
		// would connect to the remote address, past the address policy.
		Proxy:                  nil,
		DialContext:            d.dial,
		TLSClientConfig:        &tls.Config{RootCAs: opts.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    opts.ReadTimeout,
		ResponseHeaderTimeout:  opts.ReadTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
		// An idle connection is closed before its read deadline would
		// fire in the background.
		IdleConnTimeout:     opts.ReadTimeout / 2,
		MaxIdleConnsPerHost: 4,
		Protocols:           protocols,
	}
	return &Client{
		dialer:    d,
		transport: transport,
		http: &http.Client{
			Transport:     &policyTransport{base: transport, userAgent: opts.UserAgent},
			CheckRedirect: redirectPolicy(opts.MaxRedirects),
			Timeout:       opts.Timeout,
		},
	}
}

// UserAgent is the User-Agent Herd sends, shaped like Mastodon's: a product
// token and a link to the instance.
func UserAgent(domain string) string {
	if domain == "" {
		return "Herd/" + version.Herd
	}
	return fmt.Sprintf("Herd/%s (+https://%s/)", version.Herd, domain)
}

// Do sends req under the policy. Refusals are errors matching ErrBlocked
// (errors.Is), with a *BlockedAddressError or *BlockedURLError inside
// (errors.As); the caller closes the body of a returned response, or reads
// it with ReadLimited.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	return c.http.Do(req)
}

// Get fetches rawURL with the given Accept header (none when empty).
func (c *Client) Get(ctx context.Context, rawURL, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return c.http.Do(req)
}

// HTTPClient is the underlying *http.Client, for libraries that want one. The
// policy lives in its transport and redirect check: do not replace them.
func (c *Client) HTTPClient() *http.Client { return c.http }

// CloseIdleConnections closes kept-alive connections (at shutdown, or in
// tests that need the next request to dial again).
func (c *Client) CloseIdleConnections() { c.transport.CloseIdleConnections() }

// policyTransport checks each request's URL (the first and every redirect
// hop, however the *http.Client is used) and sets the User-Agent.
type policyTransport struct {
	base      http.RoundTripper
	userAgent string
}

func (t *policyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := CheckURL(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper must close the body, even on error
		}
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.userAgent)
	}
	return t.base.RoundTrip(req)
}

// redirectPolicy follows at most max redirects, to http or https URLs only,
// and never from https down to http: the document would arrive unprotected
// although the caller asked for TLS.
func redirectPolicy(max int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > max {
			return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, max)
		}
		if err := CheckURL(req.URL); err != nil {
			return err
		}
		if prev := via[len(via)-1].URL; prev.Scheme == "https" && req.URL.Scheme == "http" {
			return &BlockedURLError{URL: req.URL.Redacted(), Reason: "redirect from https to http"}
		}
		return nil
	}
}
