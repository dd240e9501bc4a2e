package safehttp

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrBlocked is matched (errors.Is) by every refusal of this package's
// policy: a *BlockedAddressError or a *BlockedURLError. A caller that sees it
// knows the request was never sent because of what it asked for, not because
// the network failed, so retrying is pointless.
var ErrBlocked = errors.New("safehttp: refused by policy")

// BlockedAddressError reports a connection refused because of the address
// it would have reached.
type BlockedAddressError struct {
	Addr   netip.Addr // the refused address; the zero Addr when it did not parse
	Reason string     // which rule refused it, e.g. "loopback (RFC 1122)"
}

func (e *BlockedAddressError) Error() string {
	if !e.Addr.IsValid() {
		return "safehttp: refused address: " + e.Reason
	}
	return fmt.Sprintf("safehttp: refused address %s: %s", e.Addr, e.Reason)
}

// Is makes errors.Is(err, ErrBlocked) true.
func (e *BlockedAddressError) Is(target error) bool { return target == ErrBlocked }

// rule is one refused range and the reason reported for it. Tables are
// searched in order, so a narrower range sits before a wider one that holds
// it, to name the more precise reason.
type rule struct {
	prefix netip.Prefix
	reason string
}

func rules(table [][2]string) []rule {
	out := make([]rule, len(table))
	for i, r := range table {
		out[i] = rule{netip.MustParsePrefix(r[0]), r[1]}
	}
	return out
}

// refusedV4 is IANA's IPv4 special-purpose registry without the few entries
// that are globally reachable anycast services nobody serves ActivityPub
// from (they are refused too when they fall in a wider range here).
var refusedV4 = rules([][2]string{
	{"0.0.0.0/8", "\"this network\" (RFC 791)"},
	{"10.0.0.0/8", "private (RFC 1918)"},
	{"100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"},
	{"127.0.0.0/8", "loopback (RFC 1122)"},
	{"169.254.0.0/16", "link-local (RFC 3927)"},
	{"172.16.0.0/12", "private (RFC 1918)"},
	{"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
	{"192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"},
	{"192.88.99.0/24", "6to4 relay anycast (RFC 7526)"},
	{"192.168.0.0/16", "private (RFC 1918)"},
	{"192.175.48.0/24", "AS112 DNS sink (RFC 7534)"},
	{"198.18.0.0/15", "benchmarking (RFC 2544)"},
	{"198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"},
	{"203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"},
	{"224.0.0.0/4", "multicast (RFC 5771)"},
	{"255.255.255.255/32", "limited broadcast (RFC 919)"},
	{"240.0.0.0/4", "reserved (RFC 1112)"},
})

// refusedV6 names the special ranges inside and outside 2000::/3; anything
// else outside 2000::/3 (the only block IANA allocates global unicast from)
// is refused by the catch-all in checkAddr. IPv4-mapped addresses never get
// here: they are judged as the IPv4 address they carry.
var refusedV6 = rules([][2]string{
	{"::/128", "unspecified (RFC 4291)"},
	{"::1/128", "loopback (RFC 4291)"},
	{"::/96", "IPv4-compatible, deprecated (RFC 4291)"},
	{"64:ff9b::/96", "NAT64 well-known prefix (RFC 6052)"},
	{"64:ff9b:1::/48", "NAT64 local-use prefix (RFC 8215)"},
	{"100::/64", "discard-only (RFC 6666)"},
	{"2001::/32", "Teredo (RFC 4380)"},
	{"2001:2::/48", "benchmarking (RFC 5180)"},
	{"2001:10::/28", "ORCHID, deprecated (RFC 4843)"},
	{"2001:20::/28", "ORCHIDv2 (RFC 7343)"},
	{"2001::/23", "IETF protocol assignments (RFC 2928)"},
	{"2001:db8::/32", "documentation (RFC 3849)"},
	{"2002::/16", "6to4 (RFC 3056)"},
	{"3fff::/20", "documentation (RFC 9637)"},
	{"5f00::/16", "SRv6 SIDs (RFC 9602)"},
	{"fc00::/7", "unique local, private (RFC 4193)"},
	{"fe80::/10", "link-local (RFC 4291)"},
	{"fec0::/10", "site-local, deprecated (RFC 3879)"},
	{"ff00::/8", "multicast (RFC 4291)"},
})

var globalUnicastV6 = netip.MustParsePrefix("2000::/3")

// CheckAddr reports whether Herd may connect to addr: nil when it may, a
// *BlockedAddressError naming the rule when it may not. The package comment
// lists the policy and why.
func CheckAddr(addr netip.Addr) error {
	if reason := refusal(addr); reason != "" {
		return &BlockedAddressError{Addr: addr, Reason: reason}
	}
	return nil
}

// refusal is the reason addr is refused, or "" when it is allowed.
func refusal(addr netip.Addr) string {
	if !addr.IsValid() {
		return "not an IP address"
	}
	if addr.Zone() != "" {
		// A zone scopes an address to one local interface: never a remote host.
		return "scoped to a local interface"
	}
	// ::ffff:a.b.c.d reaches a.b.c.d, so it is judged as a.b.c.d.
	addr = addr.Unmap()
	table := refusedV6
	if addr.Is4() {
		table = refusedV4
	}
	for _, r := range table {
		if r.prefix.Contains(addr) {
			return r.reason
		}
	}
	if addr.Is6() && !globalUnicastV6.Contains(addr) {
		return "not global unicast, outside 2000::/3 (RFC 4291)"
	}
	return ""
}

// checkLoose is the check left when AllowPrivateAddresses is set: it still
// refuses addresses that never name one web server.
func checkLoose(addr netip.Addr) error {
	addr = addr.Unmap()
	switch {
	case !addr.IsValid():
		return &BlockedAddressError{Addr: addr, Reason: "not an IP address"}
	case addr.IsUnspecified():
		return &BlockedAddressError{Addr: addr, Reason: "unspecified"}
	case addr.IsMulticast():
		return &BlockedAddressError{Addr: addr, Reason: "multicast"}
	case addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return &BlockedAddressError{Addr: addr, Reason: "limited broadcast"}
	}
	return nil
}
