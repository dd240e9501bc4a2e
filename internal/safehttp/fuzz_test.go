package safehttp

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// FuzzCheckAddr: parsing an address string never panics, and no other
// spelling of a refused IPv4 address (mapped, compatible, NAT64, 6to4) is
// ever allowed. Allowed addresses must also pass an independent oracle
// built from net/netip's own classifiers.
func FuzzCheckAddr(f *testing.F) {
	for _, tc := range refusedAddrs {
		f.Add(tc.addr)
	}
	for _, s := range []string{
		"8.8.8.8", "::ffff:8.8.8.8", "2606:4700::1111", "1.2.3.4:80", "[::1]:80",
		"0177.0.0.1", "0x7f.1", "127.1", "::ffff:127.0.0.1%eth0", "", "::ffff:", "[::ffff:7f00:1]:0",
	} {
		f.Add(s)
	}
	d := &dialer{}
	f.Fuzz(func(t *testing.T, s string) {
		// The dial-time path takes "ip:port"; whatever it is given, it
		// either refuses or allows without panicking, and it fails closed.
		if err := d.checkDialAddress(s); err == nil {
			ap, perr := netip.ParseAddrPort(s)
			if perr != nil {
				t.Fatalf("checkDialAddress(%q) allowed an unparsable address", s)
			}
			if CheckAddr(ap.Addr()) != nil {
				t.Fatalf("checkDialAddress(%q) allowed what CheckAddr refuses", s)
			}
		}

		if addr, err := netip.ParseAddr(s); err == nil {
			checkAddrInvariants(t, addr)
		}
	})
}

// FuzzCheckAddrBits explores the whole address space (random strings rarely
// spell an address): hi and lo are the 128 bits of an IPv6 address, whose
// low 32 bits also make an IPv4 one.
func FuzzCheckAddrBits(f *testing.F) {
	for _, tc := range refusedAddrs {
		b := netip.MustParseAddr(tc.addr).WithZone("").As16()
		f.Add(binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]))
	}
	f.Fuzz(func(t *testing.T, hi, lo uint64) {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], hi)
		binary.BigEndian.PutUint64(b[8:], lo)
		checkAddrInvariants(t, netip.AddrFrom16(b))
		checkAddrInvariants(t, netip.AddrFrom4([4]byte(b[12:])))
	})
}

// checkAddrInvariants fails t unless the policy treats addr consistently.
func checkAddrInvariants(t *testing.T, addr netip.Addr) {
	t.Helper()
	verdict := CheckAddr(addr)
	if verdict == nil && !oracleAllows(addr) {
		t.Fatalf("CheckAddr(%s) allowed an address net/netip calls non-public", addr)
	}
	// The text form of an address is judged as the address itself.
	if again, err := netip.ParseAddr(addr.String()); err != nil || (CheckAddr(again) == nil) != (verdict == nil) {
		t.Fatalf("CheckAddr(%s) and CheckAddr(%s) disagree", addr, addr.String())
	}

	v4 := addr.Unmap()
	if !v4.Is4() {
		return
	}
	b := v4.As4()
	mapped := netip.AddrFrom16(v4.As16())
	if (CheckAddr(mapped) == nil) != (CheckAddr(v4) == nil) {
		t.Fatalf("%s and its mapped form %s get different verdicts", v4, mapped)
	}
	for name, embedded := range map[string]netip.Addr{
		"compatible": netip.AddrFrom16([16]byte{12: b[0], 13: b[1], 14: b[2], 15: b[3]}),
		"NAT64": netip.AddrFrom16([16]byte{0: 0x00, 1: 0x64, 2: 0xff, 3: 0x9b,
			12: b[0], 13: b[1], 14: b[2], 15: b[3]}),
		"6to4": netip.AddrFrom16([16]byte{0: 0x20, 1: 0x02, 2: b[0], 3: b[1], 4: b[2], 5: b[3], 15: 1}),
	} {
		if CheckAddr(embedded) == nil && CheckAddr(v4) != nil {
			t.Fatalf("%s form %s of refused %s allowed", name, embedded, v4)
		}
	}
}

// oracleAllows is a second opinion on "public" from net/netip's classifiers,
// written apart from the policy tables: everything CheckAddr allows must
// pass it.
func oracleAllows(a netip.Addr) bool {
	if a.Zone() != "" {
		return false
	}
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return false
	}
	if a.Is4() {
		b := a.As4()
		return b[0] != 0 && b[0] < 224 && !(b[0] == 100 && b[1]&0xc0 == 64)
	}
	return netip.MustParsePrefix("2000::/3").Contains(a)
}
