package safehttp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// MapHosts returns an Options.Resolve for tests: it sends each host to a
// listener address, the way DESIGN.md's federation tests run several
// instances in one process, each under its own hostname. Keys are "host" or
// "host:port" (the exact form wins); values are "ip:port", e.g. an httptest
// server's Listener.Addr().String(). Unknown hosts fail as DNS would. The
// address policy still applies to the listeners unless
// Options.AllowPrivateAddresses is set.
func MapHosts(hosts map[string]string) (func(ctx context.Context, host, port string) ([]netip.AddrPort, error), error) {
	table := make(map[string]netip.AddrPort, len(hosts))
	for k, v := range hosts {
		ap, err := netip.ParseAddrPort(v)
		if err != nil {
			return nil, fmt.Errorf("safehttp: MapHosts %q: %w", k, err)
		}
		table[strings.ToLower(k)] = ap
	}
	return func(_ context.Context, host, port string) ([]netip.AddrPort, error) {
		host = strings.ToLower(host)
		if ap, ok := table[net.JoinHostPort(host, port)]; ok {
			return []netip.AddrPort{ap}, nil
		}
		if ap, ok := table[host]; ok {
			return []netip.AddrPort{ap}, nil
		}
		return nil, fmt.Errorf("no test mapping for %s", host)
	}, nil
}
