// Package httpsig signs outgoing federation requests and verifies incoming
// ones with HTTP Signatures, as Mastodon does: draft-cavage-http-signatures-12
// both ways, RFC 9421 (HTTP Message Signatures) on receive (and, for tests,
// on send).
//
// # Sending
//
// Signer produces what Mastodon sends: algorithm="rsa-sha256" (or "hs2019"),
// RSASSA-PKCS1-v1_5 over SHA-256, covering "(request-target) host date" on a
// GET (plus accept when set) and "(request-target) host date digest
// content-type" on a POST, with Digest: SHA-256=<base64 of the body> and
// optionally an RFC 9530 Content-Digest. (request-target) includes the
// query string, as the draft says and Mastodon does since 4.3.
//
// # Receiving: the policy and why
//
// Verifier.Verify judges a request by these rules, in this order, and
// returns an error naming the first one broken (see errors.go). Rules that
// need no key come first, so a malformed, stale or tampered request costs
// no key fetch.
//
//  1. Shape. The header parses; no parameter appears twice (a signature
//     that says two things is an attack or a bug); keyId and signature are
//     present, the signature is base64; the covered-header list names only
//     header fields and known pseudo-headers, each once, at most
//     Policy.MaxSignedHeaders; headers are at most Policy.MaxHeaderBytes.
//     RFC 9421 requests carry exactly one signature, as Mastodon accepts.
//  2. Algorithm. Draft: rsa-sha256 or hs2019 (hs2019 takes the scheme from
//     the key: RSA keys verify PKCS#1 v1.5 SHA-256, which is what everyone
//     sending hs2019 produces; Ed25519 keys verify Ed25519). RFC 9421:
//     rsa-v1_5-sha256, rsa-pss-sha512, ed25519, ecdsa-p256-sha256.
//     Anything else (hmac-sha256 above all: a public key is no secret) is
//     refused, and so is a key whose type does not fit the algorithm.
//  3. Coverage. The method and the whole request target ((request-target),
//     or @method with @target-uri / @request-target / @path+@query) and the
//     host (host, @authority or @target-uri) must be signed, so a signature
//     cannot be replayed against another path or another server. A date
//     must be signed (date, or (created) / created), so a captured request
//     goes stale. A request with a body (any POST, PUT, PATCH, or any
//     non-empty body) must sign digest or content-digest, since the
//     signature otherwise says nothing about the activity. Mastodon lets a
//     POST go without host; we do not, as the issue asks.
//  4. Freshness, as Mastodon judges it (an RFC 9421 signature must carry
//     created, as Mastodon requires): a signature is good from its
//     creation time until 5 minutes later (Policy.Validity), or until a
//     signed expires, which can stretch that to at most 12 hours
//     (Policy.MaxValidity), with 1 hour of clock skew (Policy.ClockSkew)
//     allowed on both ends. Only signed times count: an unsigned created
//     or expires parameter could be rewritten by whoever replays the
//     request. When both date and (created) are signed, both must be fresh.
//  5. Digest. A signed Digest must contain SHA-256 matching the body
//     (Mastodon's rule); a signed Content-Digest must have sha-256 or
//     sha-512, and every such member must match.
//  6. Key and signature. The caller's KeyFetcher returns the key (RSA of
//     2048 to 8192 bits, Ed25519, or ECDSA P-256; ParsePublicKeyPEM reads
//     the forms actors publish). If the signature fails with a cached key,
//     the key is fetched again, once, and the signature retried: remote
//     servers rotate keys, and Mastodon does the same. Never more than
//     once per request, so a forger cannot make us hammer a remote server.
//
// Verify returns the key id it verified with; the caller must check that
// the key's owner is the activity's actor (and refetch the object from its
// origin when it is not).
//
// Time comes only from Verifier.Now (time.Now when nil), so tests control
// the clock. A Verifier is safe for concurrent use if its KeyFetcher is.
//
// # Not supported
//
// Mastodon's old quirk of signing (request-target) without the query
// string; RFC 9421 component parameters (sf, key, bs, req, tr),
// @query-param, @scheme, @status; several RFC 9421 signatures on one
// request; HMAC of any kind.
package httpsig
