// Package safehttp is the one HTTP client Herd uses to reach other servers:
// fetching actors and objects, delivering activities, WebFinger, NodeInfo,
// media and preview cards. Everything it fetches is named by a remote,
// possibly hostile, document, so the client is built so that such a document
// cannot make Herd reach into the network it runs in (server-side request
// forgery: cloud metadata at 169.254.169.254, an admin port on localhost, a
// database on 10.0.0.5) and cannot hold a worker forever or fill its memory.
//
// # Address policy
//
// The check runs on the socket itself, in net.Dialer's Control hook, after
// DNS and before connect, on every connection: each redirect hop, each new
// keep-alive connection, each address of a multi-address answer. Checking a
// hostname's addresses before the request would not be enough, since the
// name can resolve to something else a moment later (DNS rebinding).
// Proxies from the environment are never used: a proxy would make the
// connection on Herd's behalf, past the check.
//
// Refused, IPv4 (IANA's special-purpose registry, as Mastodon's
// PrivateAddressCheck refuses it and a little more): 0.0.0.0/8, 10/8,
// 100.64/10 (CGNAT), 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24,
// 192.88.99/24 (6to4 relays), 192.168/16, 192.175.48/24 (AS112), 198.18/15,
// 198.51.100/24, 203.0.113/24, 224/4 (multicast), 240/4 and
// 255.255.255.255.
//
// Refused, IPv6: everything outside 2000::/3, the only block global unicast
// is allocated from, which covers ::, ::1, IPv4-compatible ::a.b.c.d,
// 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64), 100::/64 (discard), fc00::/7
// (unique local), fe80::/10, fec0::/10 and ff00::/8; and inside it
// 2001::/23 (IETF protocol assignments, with Teredo 2001::/32, benchmarking
// 2001:2::/48 and ORCHID), 2001:db8::/32 and 3fff::/20 (documentation) and
// 2002::/16 (6to4). An address with an interface zone is refused.
//
// IPv4-mapped addresses (::ffff:a.b.c.d) are judged as the IPv4 address they
// carry, since that is what the socket reaches. The transition prefixes
// (NAT64, 6to4, Teredo) are refused whole, whatever IPv4 address they embed,
// as Mastodon does: what they reach is decided by relays and translators
// Herd does not control, and no fediverse server needs them to be reached.
// The cost: a host on an IPv6-only network that reaches IPv4-only servers
// through DNS64/NAT64 cannot federate with those servers.
//
// Options.AllowPrivateAddresses (HERD_ALLOW_PRIVATE_ADDRESSES) lifts the
// policy, for test networks on loopback only; it leaves unspecified,
// multicast and broadcast addresses refused.
//
// # URL policy and limits
//
// Only http and https URLs with a host and without userinfo are requested,
// the first URL and every redirect target alike (see CheckURL); a redirect
// from https to http is refused. Defaults, from DESIGN.md: connect 5 s; 10 s
// for the TLS handshake, the response headers and each read or write that
// makes no progress; 30 s for the whole request, body included; 3
// redirects; 1 MB bodies through ReadLimited; 64 KB of response headers.
//
// Refusals match ErrBlocked (errors.Is) and carry a *BlockedAddressError or
// *BlockedURLError (errors.As), so callers tell a policy refusal, which no
// retry will fix, from a network failure.
package safehttp
