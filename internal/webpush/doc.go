// Package webpush is the sending side of Web Push as Mastodon's server
// speaks it: the payload encryption that makes a push service a blind relay,
// and the VAPID signature that lets it tell one application server from
// another.
//
// Two content codings are spoken because Mastodon clients subscribe with
// either. Subscriptions marked standard get RFC 8291 "aes128gcm" (RFC 8188
// framing) and an RFC 8292 "vapid t=..., k=..." Authorization header; the
// others get the legacy "aesgcm" coding of draft-ietf-webpush-encryption-04
// with its Encryption and Crypto-Key headers and the older
// "WebPush <jwt>" Authorization, which is what Mastodon did before 4.4 and
// what clients subscribed since then without "standard" still expect.
//
// The package also carries the user agent's half (NewUserAgentKeys, Decrypt,
// VerifyVAPID) so that tests elsewhere can stand up a fake push service and
// prove that what left the server could be read by the subscriber and was
// signed by the instance, without any third-party code in the loop.
//
// Only the standard library is used.
package webpush
