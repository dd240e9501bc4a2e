package webpush

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidSubscriptionKeys marks every rejection by
// ValidateSubscriptionKeys, so an API handler can answer 422 for all of them
// with one errors.Is while the wrapped text still says what was wrong.
var ErrInvalidSubscriptionKeys = errors.New("webpush: invalid subscription keys")

// authSecretLen is fixed by RFC 8291 section 3.2; browsers never send
// anything else, so any other length is a client bug worth refusing at
// subscription time rather than at every delivery.
const authSecretLen = 16

// VAPIDKeys is the instance's application server key pair (RFC 8292). Every
// subscription is bound to its public half by the browser, so it must stay
// the same for the life of the instance; rotating it silently orphans every
// existing subscription.
type VAPIDKeys struct {
	// Private is a P-256 key; only ParseVAPID and GenerateVAPID are meant to
	// fill it, which is what guarantees the curve.
	Private *ecdsa.PrivateKey
}

// GenerateVAPID makes a new key pair, for first start-up; see VAPIDKeys on
// why it must then be kept.
func GenerateVAPID() (VAPIDKeys, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return VAPIDKeys{}, fmt.Errorf("webpush: generate VAPID key: %w", err)
	}
	return VAPIDKeys{Private: k}, nil
}

// Marshal encodes the pair for a settings table: private is the 32-byte
// scalar and public the uncompressed point, both base64url without padding.
// Storing the public half too is redundant (ParseVAPID derives it) but lets
// an operator read it without code. Both are "" when k holds no usable key.
func (k VAPIDKeys) Marshal() (private, public string) {
	if k.Private == nil {
		return "", ""
	}
	d, err := k.Private.Bytes()
	if err != nil {
		return "", ""
	}
	return base64.RawURLEncoding.EncodeToString(d), k.PublicKey()
}

// PublicKey is the uncompressed P-256 point, base64url without padding: the
// applicationServerKey a browser subscribes with, and what Mastodon shows as
// configuration.vapid.public_key and a subscription's server_key. It is ""
// when k holds no usable key.
func (k VAPIDKeys) PublicKey() string {
	if k.Private == nil {
		return ""
	}
	p, err := k.Private.PublicKey.Bytes()
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(p)
}

// ParseVAPID reads a private key stored by Marshal. It is lenient about the
// base64 flavour and padding, and about a scalar shorter than 32 bytes,
// because Mastodon's VAPID_PRIVATE_KEY (from the Ruby webpush gem) is padded
// urlsafe base64 of an OpenSSL bignum, which drops leading zero bytes; an
// instance migrating from Mastodon can then keep its key and with it every
// subscription.
func ParseVAPID(private string) (VAPIDKeys, error) {
	d, err := decodeBase64(private)
	if err != nil {
		return VAPIDKeys{}, fmt.Errorf("webpush: VAPID private key: %w", err)
	}
	if len(d) == 0 || len(d) > 32 {
		return VAPIDKeys{}, fmt.Errorf("webpush: VAPID private key is %d bytes, want 32", len(d))
	}
	if len(d) < 32 {
		d = append(make([]byte, 32-len(d)), d...)
	}
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	if err != nil {
		return VAPIDKeys{}, fmt.Errorf("webpush: VAPID private key: %w", err)
	}
	return VAPIDKeys{Private: k}, nil
}

// ValidateSubscriptionKeys checks a subscription's keys as a client sends
// them, so that a bad subscription is refused when it is created instead of
// failing at every notification. p256dh must be an uncompressed P-256 point
// on the curve and auth exactly 16 bytes; either may be base64url or
// standard base64, padded or not, since Mastodon clients send all of these.
// Every error wraps ErrInvalidSubscriptionKeys.
func ValidateSubscriptionKeys(p256dh, auth string) error {
	_, _, err := parseSubscriptionKeys(p256dh, auth)
	return err
}

func parseSubscriptionKeys(p256dh, auth string) (*ecdh.PublicKey, []byte, error) {
	pub, err := parseP256dh(p256dh)
	if err != nil {
		return nil, nil, err
	}
	a, err := decodeBase64(auth)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: auth: %v", ErrInvalidSubscriptionKeys, err)
	}
	if len(a) != authSecretLen {
		return nil, nil, fmt.Errorf("%w: auth is %d bytes, want %d", ErrInvalidSubscriptionKeys, len(a), authSecretLen)
	}
	return pub, a, nil
}

func parseP256dh(p256dh string) (*ecdh.PublicKey, error) {
	raw, err := decodeBase64(p256dh)
	if err != nil {
		return nil, fmt.Errorf("%w: p256dh: %v", ErrInvalidSubscriptionKeys, err)
	}
	// Length and prefix are checked apart from the curve so that the common
	// mistakes (a compressed point, a DER SubjectPublicKeyInfo, a truncated
	// copy) get a message that names them.
	if len(raw) != 65 {
		return nil, fmt.Errorf("%w: p256dh is %d bytes, want 65 (an uncompressed P-256 point)", ErrInvalidSubscriptionKeys, len(raw))
	}
	if raw[0] != 0x04 {
		return nil, fmt.Errorf("%w: p256dh starts with 0x%02x, want 0x04 (an uncompressed P-256 point)", ErrInvalidSubscriptionKeys, raw[0])
	}
	pub, err := ecdh.P256().NewPublicKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: p256dh is not a point on P-256", ErrInvalidSubscriptionKeys)
	}
	return pub, nil
}

// decodeBase64 accepts base64url and standard base64, with or without
// padding: PushSubscription.toJSON gives unpadded base64url, but native
// clients and older libraries send the other forms, and the keys' meaning is
// the same.
func decodeBase64(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	s = strings.TrimRight(s, "=")
	s = strings.Map(func(r rune) rune {
		switch r {
		case '+':
			return '-'
		case '/':
			return '_'
		}
		return r
	}, s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64")
	}
	return b, nil
}
