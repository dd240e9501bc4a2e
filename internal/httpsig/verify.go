package httpsig

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"time"
)

// Standards a verified signature followed.
const (
	StandardCavage  = "draft-cavage-http-signatures-12"
	StandardRFC9421 = "rfc9421"
)

// Verifier checks the signatures of incoming requests.
type Verifier struct {
	// Keys finds public keys by key id. Required.
	Keys KeyFetcher
	// Policy bounds times and sizes; the zero value is Mastodon's.
	Policy Policy
	// Now is the clock freshness is judged by; nil means time.Now.
	Now func() time.Time
	// Scheme is the scheme requests reach this server by ("https" when
	// empty; "http" on test networks), used for RFC 9421's @target-uri,
	// since behind a proxy the request itself cannot tell.
	Scheme string
}

// Result describes a signature that verified.
type Result struct {
	// KeyID is the key id the signature named and was verified with; the
	// caller compares its owner with the activity's actor.
	KeyID string
	// Key is the key that verified it, as the KeyFetcher returned it.
	Key PublicKey
	// Standard is StandardCavage or StandardRFC9421.
	Standard string
	// Algorithm is the algorithm that verified, by its name in Standard.
	Algorithm string
	// Refetched is true when the cached key failed and a refetched one
	// verified (the remote rotated its key).
	Refetched bool
}

// Verify checks the request's signature against body, the request body
// the caller has already read (bounded in size). A request with
// Signature-Input is judged by RFC 9421, else one with Signature by
// draft-cavage-12, else ErrNotSigned. Rules that need no key are checked
// first, so malformed, stale or tampered requests cost no key fetch. When
// the signature fails with a cached key, the key is refetched once.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*Result, error) {
	p := v.Policy.withDefaults()
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	if len(r.Header.Values("Signature-Input")) > 0 {
		return v.verifyMessage(ctx, r, body, p, now)
	}
	if len(r.Header.Values("Signature")) > 0 {
		return v.verifyCavage(ctx, r, body, p, now)
	}
	return nil, ErrNotSigned
}

func (v *Verifier) verifyCavage(ctx context.Context, r *http.Request, body []byte, p Policy, now time.Time) (*Result, error) {
	if len(r.Header.Values("Signature")) > 1 {
		return nil, fmt.Errorf("%w: Signature header sent twice", ErrMultipleSignatures)
	}
	s, err := parseCavage(r.Header.Get("Signature"), p)
	if err != nil {
		return nil, err
	}
	if err := checkCavagePolicy(s, r, body, p, now); err != nil {
		return nil, err
	}
	signed, err := s.signingString(r)
	if err != nil {
		return nil, err
	}
	res := &Result{KeyID: s.keyID, Standard: StandardCavage}
	err = v.withKey(ctx, s.keyID, p, res, func(pub crypto.PublicKey) (string, error) {
		return verifyCavageCrypto(s.algorithm, pub, []byte(signed), s.signature)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (v *Verifier) verifyMessage(ctx context.Context, r *http.Request, body []byte, p Policy, now time.Time) (*Result, error) {
	input, err := joinedHeader(r, "Signature-Input", p.MaxHeaderBytes)
	if err != nil {
		return nil, err
	}
	sigHeader, err := joinedHeader(r, "Signature", p.MaxHeaderBytes)
	if err != nil {
		return nil, err
	}
	if sigHeader == "" {
		return nil, fmt.Errorf("%w: Signature-Input without Signature", ErrMissingParam)
	}
	s, err := parseMessageSignature(input, sigHeader, p)
	if err != nil {
		return nil, err
	}
	if err := checkMessagePolicy(s, r, body, p, now); err != nil {
		return nil, err
	}
	scheme := v.Scheme
	if scheme == "" {
		scheme = "https"
	}
	base, err := s.signatureBase(r, scheme)
	if err != nil {
		return nil, err
	}
	res := &Result{KeyID: s.keyID, Standard: StandardRFC9421}
	err = v.withKey(ctx, s.keyID, p, res, func(pub crypto.PublicKey) (string, error) {
		return verifyMessageCrypto(s.alg, pub, []byte(base), s.signature)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// withKey fetches the key and runs check with it; if check fails with a
// cached key in a way a new key could fix, it refetches once and retries.
func (v *Verifier) withKey(ctx context.Context, keyID string, p Policy, res *Result, check func(crypto.PublicKey) (string, error)) error {
	if v.Keys == nil {
		return fmt.Errorf("%w: no KeyFetcher configured", ErrKeyUnavailable)
	}
	try := func(refetch bool) (PublicKey, string, error) {
		key, err := v.Keys.FetchKey(ctx, keyID, refetch)
		if err != nil {
			return key, "", fmt.Errorf("%w: %s: %v", ErrKeyUnavailable, keyID, err)
		}
		if err := checkPublicKey(key.Key, p); err != nil {
			return key, "", err
		}
		alg, err := check(key.Key)
		return key, alg, err
	}
	key, alg, err := try(false)
	if err != nil && key.Cached && retryable(err) {
		key, alg, err = try(true)
		res.Refetched = true
	}
	if err != nil {
		return err
	}
	res.Key, res.Algorithm = key, alg
	return nil
}

func retryable(err error) bool {
	return errors.Is(err, ErrBadSignature) || errors.Is(err, ErrKeyMismatch) || errors.Is(err, ErrUnsupportedKey)
}

// verifyCavageCrypto verifies a draft-cavage signature. rsa-sha256 needs an
// RSA key. hs2019 (or no algorithm) takes the scheme from the key, as the
// draft says: RSA keys verify RSASSA-PKCS1-v1_5 with SHA-256, which is what
// Mastodon and every fediverse server sending hs2019 actually produce;
// Ed25519 keys verify Ed25519.
func verifyCavageCrypto(alg string, pub crypto.PublicKey, signed, sig []byte) (string, error) {
	if alg == "" {
		alg = AlgorithmHS2019
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return alg, verifyPKCS1v15(k, signed, sig)
	case ed25519.PublicKey:
		if alg == AlgorithmRSASHA256 {
			return "", fmt.Errorf("%w: %s with an Ed25519 key", ErrKeyMismatch, alg)
		}
		return alg, verifyEd25519(k, signed, sig)
	}
	return "", fmt.Errorf("%w: %T for %s", ErrKeyMismatch, pub, alg)
}

// verifyMessageCrypto verifies an RFC 9421 signature. Without an alg
// parameter the key decides; an RSA key then accepts either RSA scheme
// (both are sound with the same key, and senders differ).
func verifyMessageCrypto(alg string, pub crypto.PublicKey, base, sig []byte) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch alg {
		case AlgorithmRSAv15SHA256:
			return alg, verifyPKCS1v15(k, base, sig)
		case AlgorithmRSAPSSSHA512:
			return alg, verifyPSS(k, base, sig)
		case "":
			if verifyPKCS1v15(k, base, sig) == nil {
				return AlgorithmRSAv15SHA256, nil
			}
			return AlgorithmRSAPSSSHA512, verifyPSS(k, base, sig)
		}
	case ed25519.PublicKey:
		if alg == "" || alg == AlgorithmEd25519 {
			return AlgorithmEd25519, verifyEd25519(k, base, sig)
		}
	case *ecdsa.PublicKey:
		if alg == "" || alg == AlgorithmECDSAP256SHA256 {
			return AlgorithmECDSAP256SHA256, verifyECDSAP256(k, base, sig)
		}
	}
	return "", fmt.Errorf("%w: %T for %q", ErrKeyMismatch, pub, alg)
}

func verifyPKCS1v15(k *rsa.PublicKey, msg, sig []byte) error {
	sum := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig); err != nil {
		return ErrBadSignature
	}
	return nil
}

func verifyPSS(k *rsa.PublicKey, msg, sig []byte) error {
	sum := sha512.Sum512(msg)
	if err := rsa.VerifyPSS(k, crypto.SHA512, sum[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}); err != nil {
		return ErrBadSignature
	}
	return nil
}

func verifyEd25519(k ed25519.PublicKey, msg, sig []byte) error {
	if !ed25519.Verify(k, msg, sig) {
		return ErrBadSignature
	}
	return nil
}

// verifyECDSAP256 verifies RFC 9421's fixed-size r||s encoding (Section 3.3.4).
func verifyECDSAP256(k *ecdsa.PublicKey, msg, sig []byte) error {
	if len(sig) != 64 {
		return fmt.Errorf("%w: ECDSA signature of %d bytes", ErrBadSignature, len(sig))
	}
	sum := sha256.Sum256(msg)
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(k, sum[:], r, s) {
		return ErrBadSignature
	}
	return nil
}
