package core

import (
	"context"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// domainPolicy is the instance's domain blocks and allows, held in memory:
// every inbox POST, fetch and delivery asks about its host. It is loaded
// on first use and again after a domain.policy event (an admin changed
// it, on any node or through the CLI) or after domainPolicyTTL.
type domainPolicy struct {
	mu       sync.Mutex
	blocks   map[string]model.DomainBlock
	allows   map[string]bool
	loadedAt time.Time
	stale    bool
}

// domainPolicyTTL bounds how long a node trusts its copy should an event
// be missed (the log is pruned after a day; a node could sleep longer).
const domainPolicyTTL = 5 * time.Minute

func (p *domainPolicy) forget() {
	p.mu.Lock()
	p.stale = true
	p.mu.Unlock()
}

// domainRules returns the blocks and allows, reloading them when stale.
// When the database cannot be read, the last copy stays in force.
func (c *Core) domainRules(ctx context.Context) (map[string]model.DomainBlock, map[string]bool) {
	p := c.policy
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.blocks != nil && !p.stale && time.Since(p.loadedAt) < domainPolicyTTL {
		return p.blocks, p.allows
	}
	// One caller's cancelled request must not leave every other caller
	// without a policy.
	ctx = context.WithoutCancel(ctx)
	blocks, err := c.Store.DomainBlocks(ctx)
	var allows []model.DomainAllow
	if err == nil {
		allows, err = c.Store.DomainAllows(ctx)
	}
	if err != nil {
		c.Log.Error("domain policy: load", "err", err)
		if p.blocks == nil {
			return map[string]model.DomainBlock{}, map[string]bool{}
		}
		return p.blocks, p.allows
	}
	p.blocks = make(map[string]model.DomainBlock, len(blocks))
	for _, b := range blocks {
		p.blocks[b.Domain] = b
	}
	p.allows = make(map[string]bool, len(allows))
	for _, a := range allows {
		p.allows[a.Domain] = true
	}
	p.loadedAt, p.stale = time.Now(), false
	return p.blocks, p.allows
}

// NormalizeDomain turns what an admin typed (or a host with its port) into
// the form domain blocks are stored and matched in: lowercase ASCII
// (punycode for international names), without port or trailing dot. It
// refuses anything that is not a host name, as Mastodon's DomainValidator.
func NormalizeDomain(raw string) (string, error) {
	d := strings.TrimSuffix(strings.TrimSpace(raw), "/")
	if strings.ContainsAny(d, "/@") {
		return "", fault.Unprocessable("Validation failed: Domain is not a valid domain name")
	}
	if h, port, err := net.SplitHostPort(d); err == nil && port != "" && strings.Trim(port, "0123456789") == "" {
		d = h
	}
	d = strings.TrimSuffix(d, ".")
	ascii, err := idna.Lookup.ToASCII(d)
	if err != nil || ascii == "" || len(ascii) > 253 {
		return "", fault.Unprocessable("Validation failed: Domain is not a valid domain name")
	}
	for _, label := range strings.Split(ascii, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", fault.Unprocessable("Validation failed: Domain is not a valid domain name")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return "", fault.Unprocessable("Validation failed: Domain is not a valid domain name")
			}
		}
	}
	return ascii, nil
}

// domainVariants lists a host and every parent domain, most specific
// first: a.b.example.com, b.example.com, example.com, com.
func domainVariants(host string) []string {
	var out []string
	for {
		out = append(out, host)
		_, parent, ok := strings.Cut(host, ".")
		if !ok {
			return out
		}
		host = parent
	}
}

// DomainBlockFor returns the block that applies to host (its own, or its
// closest parent domain's, as Mastodon's DomainBlock.rule_for), or nil.
// host may carry a port.
func (c *Core) DomainBlockFor(ctx context.Context, host string) *model.DomainBlock {
	d, err := NormalizeDomain(host)
	if err != nil {
		return nil
	}
	blocks, _ := c.domainRules(ctx)
	for _, v := range domainVariants(d) {
		if b, ok := blocks[v]; ok {
			return &b
		}
	}
	return nil
}

// domainAllowed reports whether host or a parent domain is in domain_allows.
func (c *Core) domainAllowed(ctx context.Context, host string) bool {
	d, err := NormalizeDomain(host)
	if err != nil {
		return false
	}
	_, allows := c.domainRules(ctx)
	for _, v := range domainVariants(d) {
		if allows[v] {
			return true
		}
	}
	return false
}

// FederationAllowed reports whether this instance exchanges anything with
// host: not when the domain (or a parent) is suspended, and in
// limited-federation mode only when it is allowed. The inbox, the fetcher
// and authorized fetch ask it.
func (c *Core) FederationAllowed(ctx context.Context, host string) bool {
	if c.Config.LimitedFederation && !c.domainAllowed(ctx, host) {
		return false
	}
	b := c.DomainBlockFor(ctx, host)
	return b == nil || b.Severity != model.SeveritySuspend
}

// DeliveryAllowed reports whether activities may be delivered to host: the
// delivery worker asks it before every POST, so nothing reaches a
// suspended domain (or, in limited-federation mode, one not allowed).
func (c *Core) DeliveryAllowed(ctx context.Context, host string) bool {
	return c.FederationAllowed(ctx, host)
}

// AuthorizedFetch reports whether ActivityPub documents are served only to
// signed requests (set, or implied by limited-federation mode).
func (c *Core) AuthorizedFetch() bool {
	return c.Config.AuthorizedFetch || c.Config.LimitedFederation
}

// forgetDomainPolicy makes the next question reload the policy.
func (c *Core) forgetDomainPolicy() { c.policy.forget() }
