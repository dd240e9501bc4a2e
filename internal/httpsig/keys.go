package httpsig

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
)

// PublicKey is what a KeyFetcher returns for a key id.
type PublicKey struct {
	// ID is the key id the key was published under.
	ID string
	// Owner is the actor the key belongs to (the publicKey's owner), for
	// the caller to compare with the activity's actor. Verify does not
	// read it.
	Owner string
	// Key is an *rsa.PublicKey, ed25519.PublicKey or *ecdsa.PublicKey
	// (P-256), as ParsePublicKeyPEM returns.
	Key crypto.PublicKey
	// Cached is true when the key came from a local copy rather than a
	// fetch just now. Only a cached key is refetched when a signature
	// fails to verify with it (the remote may have rotated its key).
	Cached bool
}

// KeyFetcher finds the public key for a key id. The caller implements it
// (the ActivityPub layer: cache in the database, fetch the actor).
type KeyFetcher interface {
	// FetchKey returns the key for keyID. With refetch true the caller
	// must bypass any cache and fetch the key from its origin again.
	FetchKey(ctx context.Context, keyID string, refetch bool) (PublicKey, error)
}

// KeyFetcherFunc adapts a function to KeyFetcher.
type KeyFetcherFunc func(ctx context.Context, keyID string, refetch bool) (PublicKey, error)

var _ KeyFetcher = KeyFetcherFunc(nil)

// FetchKey calls f.
func (f KeyFetcherFunc) FetchKey(ctx context.Context, keyID string, refetch bool) (PublicKey, error) {
	return f(ctx, keyID, refetch)
}

var oidRSASSAPSS = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}

// ParsePublicKeyPEM parses a public key as remote actors publish it in
// publicKeyPem: a PKIX "PUBLIC KEY" block (RSA, also under the RSASSA-PSS
// algorithm identifier; Ed25519; ECDSA P-256) or a PKCS#1 "RSA PUBLIC KEY"
// block. Only the first PEM block is read.
//
// RSA keys smaller than 2048 bits (or larger than 8192) are rejected with
// ErrUnsupportedKey: Mastodon generates 2048-bit keys, smaller ones can be
// factored by a patient attacker, and huge ones make each verification
// expensive. Verify applies the same check (from its Policy) to whatever a
// KeyFetcher returns.
func ParsePublicKeyPEM(data []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrUnsupportedKey)
	}
	var pub crypto.PublicKey
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			pub, err = parsePSSPublicKey(block.Bytes)
		}
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q", ErrUnsupportedKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	if err := checkPublicKey(pub, DefaultPolicy()); err != nil {
		return nil, err
	}
	return pub, nil
}

// parsePSSPublicKey reads an RSA key whose SubjectPublicKeyInfo names
// id-RSASSA-PSS (RFC 4055), which crypto/x509 does not parse; RFC 9421's
// example RSA-PSS key is published this way by some tools.
func parsePSSPublicKey(der []byte) (crypto.PublicKey, error) {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	rest, err := asn1.Unmarshal(der, &spki)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 || !spki.Algorithm.Algorithm.Equal(oidRSASSAPSS) {
		return nil, errors.New("not an RSA public key")
	}
	return x509.ParsePKCS1PublicKey(spki.PublicKey.RightAlign())
}

// checkPublicKey accepts only key types and sizes the policy allows.
func checkPublicKey(pub crypto.PublicKey, p Policy) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return fmt.Errorf("%w: empty RSA key", ErrUnsupportedKey)
		}
		bits := k.N.BitLen()
		if bits < p.MinRSABits || bits > p.MaxRSABits {
			return fmt.Errorf("%w: RSA key of %d bits (need %d to %d)", ErrUnsupportedKey, bits, p.MinRSABits, p.MaxRSABits)
		}
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: Ed25519 key of %d bytes", ErrUnsupportedKey, len(k))
		}
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() {
			return fmt.Errorf("%w: only P-256 ECDSA keys", ErrUnsupportedKey)
		}
	default:
		return fmt.Errorf("%w: key type %T", ErrUnsupportedKey, pub)
	}
	return nil
}

// ParsePrivateKeyPEM parses a signing key: PKCS#1 "RSA PRIVATE KEY" (what
// Mastodon stores) or PKCS#8 "PRIVATE KEY" holding RSA, Ed25519 or ECDSA.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrUnsupportedKey)
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q", ErrUnsupportedKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: key type %T", ErrUnsupportedKey, key)
	}
	return signer, nil
}
