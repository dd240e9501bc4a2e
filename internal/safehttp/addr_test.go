package safehttp

import (
	"errors"
	"net/netip"
	"testing"
)

// Each row is one rule of the address policy: a regression test of the
// federation issue's "refuses loopback, private, link-local, unspecified and
// reserved addresses (IPv4 and IPv6, mapped and compatible forms)".
var refusedAddrs = []struct {
	addr string
	rule string
}{
	{"0.0.0.0", "this network"},
	{"0.1.2.3", "this network"},
	{"10.0.0.1", "private 10/8"},
	{"10.255.255.255", "private 10/8"},
	{"100.64.0.1", "CGNAT"},
	{"100.127.255.254", "CGNAT"},
	{"127.0.0.1", "loopback"},
	{"127.255.255.254", "loopback"},
	{"169.254.169.254", "link-local (cloud metadata)"},
	{"172.16.0.1", "private 172.16/12"},
	{"172.31.255.255", "private 172.16/12"},
	{"192.0.0.1", "IETF protocol assignments"},
	{"192.0.0.170", "IETF protocol assignments (NAT64 discovery)"},
	{"192.0.2.1", "TEST-NET-1"},
	{"192.88.99.1", "6to4 relay anycast"},
	{"192.168.1.1", "private 192.168/16"},
	{"192.175.48.1", "AS112"},
	{"198.18.0.1", "benchmarking"},
	{"198.19.255.255", "benchmarking"},
	{"198.51.100.7", "TEST-NET-2"},
	{"203.0.113.9", "TEST-NET-3"},
	{"224.0.0.1", "multicast"},
	{"239.255.255.250", "multicast"},
	{"240.0.0.1", "reserved class E"},
	{"255.255.255.255", "broadcast"},

	{"::", "IPv6 unspecified"},
	{"::1", "IPv6 loopback"},
	{"fc00::1", "unique local"},
	{"fd12:3456:789a::1", "unique local"},
	{"fe80::1", "IPv6 link-local"},
	{"febf::1", "IPv6 link-local"},
	{"fec0::1", "site-local"},
	{"ff02::1", "IPv6 multicast"},
	{"ff05::2", "IPv6 multicast"},
	{"2001:db8::1", "IPv6 documentation"},
	{"3fff::1", "IPv6 documentation (RFC 9637)"},
	{"100::1", "discard-only"},
	{"2001::1", "Teredo"},
	{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
	{"2001:2::1", "IPv6 benchmarking"},
	{"2001:10::1", "ORCHID"},
	{"2001:20::1", "ORCHIDv2"},
	{"2001:1::1", "IETF protocol assignments"},
	{"5f00::1", "SRv6 SIDs"},
	{"4000::1", "outside 2000::/3"},
	{"1::1", "outside 2000::/3"},

	{"::ffff:127.0.0.1", "IPv4-mapped loopback"},
	{"::ffff:10.1.2.3", "IPv4-mapped private"},
	{"::ffff:169.254.169.254", "IPv4-mapped link-local"},
	{"::ffff:0.0.0.0", "IPv4-mapped this network"},
	{"::ffff:100.64.0.1", "IPv4-mapped CGNAT"},
	{"::ffff:7f00:1", "IPv4-mapped loopback, hex form"},
	{"::127.0.0.1", "IPv4-compatible loopback"},
	{"::10.0.0.1", "IPv4-compatible private"},
	{"::8.8.8.8", "IPv4-compatible public (deprecated form, refused whole)"},
	{"64:ff9b::127.0.0.1", "NAT64 embedding loopback"},
	{"64:ff9b::10.0.0.1", "NAT64 embedding private"},
	{"64:ff9b::a9fe:a9fe", "NAT64 embedding link-local"},
	{"64:ff9b::8.8.8.8", "NAT64 embedding public (prefix refused whole)"},
	{"64:ff9b:1::a00:1", "NAT64 local-use prefix"},
	{"2002:7f00:1::1", "6to4 embedding loopback"},
	{"2002:a00:1::1", "6to4 embedding private"},
	{"2002:a9fe:a9fe::1", "6to4 embedding link-local"},
	{"2002:808:808::1", "6to4 embedding public (prefix refused whole)"},
	{"fe80::1%eth0", "zoned link-local"},
	{"2606:4700::1%eth0", "zoned global address"},
}

func TestCheckAddrRefuses(t *testing.T) {
	for _, tc := range refusedAddrs {
		t.Run(tc.rule+"/"+tc.addr, func(t *testing.T) {
			addr := netip.MustParseAddr(tc.addr)
			err := CheckAddr(addr)
			var blocked *BlockedAddressError
			if !errors.As(err, &blocked) {
				t.Fatalf("CheckAddr(%s) = %v, want a *BlockedAddressError", tc.addr, err)
			}
			if blocked.Addr != addr || blocked.Reason == "" {
				t.Errorf("error = %+v, want Addr %s and a reason", blocked, tc.addr)
			}
			if !errors.Is(err, ErrBlocked) {
				t.Errorf("errors.Is(%v, ErrBlocked) = false", err)
			}
		})
	}
}

func TestCheckAddrAllowsPublic(t *testing.T) {
	for _, s := range []string{
		"1.1.1.1",
		"8.8.8.8",
		"93.184.215.14",
		"100.63.255.255",  // just below CGNAT
		"100.128.0.0",     // just above CGNAT
		"172.15.255.255",  // just below 172.16/12
		"172.32.0.0",      // just above 172.16/12
		"192.0.3.1",       // between TEST-NET-1 and 6to4 relays
		"198.17.255.255",  // just below benchmarking
		"198.20.0.0",      // just above benchmarking
		"223.255.255.255", // just below multicast
		"::ffff:8.8.8.8",  // mapped public: reaches 8.8.8.8
		"2606:4700:4700::1111",
		"2a00:1450:4001:82a::200e",
		"2001:4860:4860::8888", // Google DNS, inside 2001::/16 but past 2001::/23
		"2003::1",              // past 6to4
		"3ffe::1",              // old 6bone, below 3fff::/20
	} {
		if err := CheckAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("CheckAddr(%s) = %v, want allowed", s, err)
		}
	}
}

func TestCheckAddrRefusesZeroAddr(t *testing.T) {
	if err := CheckAddr(netip.Addr{}); !errors.Is(err, ErrBlocked) {
		t.Fatalf("CheckAddr(zero) = %v, want refused", err)
	}
}

func TestDialAddressCheck(t *testing.T) {
	strict := &dialer{}
	loose := &dialer{opts: Options{AllowPrivateAddresses: true}}
	for _, tc := range []struct {
		address       string
		strict, loose bool // allowed?
	}{
		{"127.0.0.1:80", false, true},
		{"[::1]:443", false, true},
		{"10.0.0.1:80", false, true},
		{"[fe80::1%lo]:80", false, true},
		{"8.8.8.8:443", true, true},
		{"[::ffff:127.0.0.1]:80", false, true},
		{"0.0.0.0:80", false, false},
		{"[::]:80", false, false},
		{"224.0.0.1:80", false, false},
		{"[ff02::1]:80", false, false},
		{"255.255.255.255:80", false, false},
		{"localhost:80", false, false}, // not an IP: fail closed
		{"", false, false},
	} {
		if err := strict.checkDialAddress(tc.address); (err == nil) != tc.strict {
			t.Errorf("strict check of %q = %v, want allowed=%v", tc.address, err, tc.strict)
		}
		if err := loose.checkDialAddress(tc.address); (err == nil) != tc.loose {
			t.Errorf("AllowPrivateAddresses check of %q = %v, want allowed=%v", tc.address, err, tc.loose)
		}
	}
}

func TestControlRefusesNonTCP(t *testing.T) {
	d := &dialer{opts: Options{AllowPrivateAddresses: true}}
	if err := d.control(t.Context(), "udp4", "8.8.8.8:53", nil); !errors.Is(err, ErrBlocked) {
		t.Fatalf("control(udp4) = %v, want refused", err)
	}
	if err := d.control(t.Context(), "tcp4", "8.8.8.8:443", nil); err != nil {
		t.Fatalf("control(tcp4 public) = %v, want allowed", err)
	}
}
