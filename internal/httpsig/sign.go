package httpsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// Signer signs outgoing requests the way Mastodon does
// (draft-cavage-http-signatures-12): a GET covers "(request-target) host
// date" and accept when present; a request with a body also gets a Digest
// header (SHA-256), which it covers, and content-type when present.
type Signer struct {
	// KeyID is published with the key, e.g. "https://host/users/x#main-key".
	KeyID string
	// Key is an *rsa.PrivateKey, or an ed25519.PrivateKey with hs2019.
	Key crypto.Signer
	// Algorithm is AlgorithmRSASHA256 (the default, what Mastodon sends)
	// or AlgorithmHS2019.
	Algorithm string
	// ContentDigest also adds and covers an RFC 9530 Content-Digest.
	ContentDigest bool
	// Now is the clock for the Date header; nil means time.Now.
	Now func() time.Time
}

// Sign adds Date (unless set), Digest (for a body) and Signature to r.
// body must be exactly the bytes r will send (nil for a GET); Sign does
// not touch r.Body.
func (s Signer) Sign(r *http.Request, body []byte) error {
	if err := checkKeyID(s.KeyID); err != nil {
		return err
	}
	alg := s.Algorithm
	if alg == "" {
		alg = AlgorithmRSASHA256
	}
	switch s.Key.(type) {
	case *rsa.PrivateKey:
		if alg != AlgorithmRSASHA256 && alg != AlgorithmHS2019 {
			return fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, alg)
		}
	case ed25519.PrivateKey:
		if alg != AlgorithmHS2019 {
			return fmt.Errorf("%w: Ed25519 keys sign only as hs2019", ErrKeyMismatch)
		}
	default:
		return fmt.Errorf("%w: cannot sign with %T", ErrUnsupportedKey, s.Key)
	}
	if hostOf(r) == "" {
		return fmt.Errorf("%w: request has no host", ErrMissingHeader)
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	if r.Header.Get("Date") == "" {
		r.Header.Set("Date", now(s.Now).UTC().Format(http.TimeFormat))
	}
	headers := []string{"(request-target)", "host", "date"}
	if hasBody(r, body) {
		r.Header.Set("Digest", DigestHeader(body))
		headers = append(headers, "digest")
		if s.ContentDigest {
			r.Header.Set("Content-Digest", ContentDigestHeader(body))
			headers = append(headers, "content-digest")
		}
		if r.Header.Get("Content-Type") != "" {
			headers = append(headers, "content-type")
		}
	} else if r.Header.Get("Accept") != "" {
		headers = append(headers, "accept")
	}
	cs := &cavageSignature{keyID: s.KeyID, algorithm: alg, headers: headers}
	signed, err := cs.signingString(r)
	if err != nil {
		return err
	}
	var sig []byte
	if k, ok := s.Key.(*rsa.PrivateKey); ok {
		sum := sha256.Sum256([]byte(signed))
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		if err != nil {
			return err
		}
	} else {
		sig = ed25519.Sign(s.Key.(ed25519.PrivateKey), []byte(signed))
	}
	r.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="%s",headers="%s",signature="%s"`,
		s.KeyID, alg, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig)))
	return nil
}

// checkKeyID refuses key ids that cannot be sent as a quoted string.
func checkKeyID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: keyId", ErrMissingParam)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return fmt.Errorf("%w: keyId contains %q", ErrMalformed, c)
		}
	}
	return nil
}

func now(clock func() time.Time) time.Time {
	if clock != nil {
		return clock()
	}
	return time.Now()
}

// MessageSigner signs outgoing requests with RFC 9421 (Signature-Input and
// Signature). Herd sends draft-cavage signatures, as Mastodon does; this
// signer exists for tests and for peers that ask for RFC 9421.
type MessageSigner struct {
	// KeyID becomes the keyid parameter.
	KeyID string
	// Key is an *rsa.PrivateKey, ed25519.PrivateKey or *ecdsa.PrivateKey (P-256).
	Key crypto.Signer
	// Alg names the algorithm in an alg parameter; empty omits the
	// parameter and signs with the key's default (rsa-v1_5-sha256 for
	// RSA, ed25519, ecdsa-p256-sha256).
	Alg string
	// Label is the signature's label; "sig1" when empty.
	Label string
	// Components to cover; when nil: @method, @target-uri, and for a
	// request with a body content-digest (added to the request).
	Components []string
	// Created is the signing time; zero means Now().
	Created time.Time
	// Expires, when not zero, becomes the expires parameter.
	Expires time.Time
	// Nonce, when not empty, becomes the nonce parameter.
	Nonce string
	// Now is the clock for Created; nil means time.Now.
	Now func() time.Time
}

// Sign adds Signature-Input and Signature (and Content-Digest when it is
// covered and absent) to r. body must be exactly what r will send.
func (s MessageSigner) Sign(r *http.Request, body []byte) error {
	if err := checkKeyID(s.KeyID); err != nil {
		return err
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	components := s.Components
	if components == nil {
		components = []string{"@method", "@target-uri"}
		if hasBody(r, body) {
			components = append(components, "content-digest")
		}
	}
	for _, c := range components {
		if c == "content-digest" && r.Header.Get("Content-Digest") == "" {
			r.Header.Set("Content-Digest", ContentDigestHeader(body))
		}
	}
	created := s.Created
	if created.IsZero() {
		created = now(s.Now)
	}
	ms := &messageSignature{components: components}
	ms.params = append(ms.params, sfParam{key: "created", value: sfItem{kind: sfInteger, num: created.Unix()}})
	if !s.Expires.IsZero() {
		ms.params = append(ms.params, sfParam{key: "expires", value: sfItem{kind: sfInteger, num: s.Expires.Unix()}})
	}
	ms.params = append(ms.params, sfParam{key: "keyid", value: sfItem{kind: sfString, str: s.KeyID}})
	if s.Alg != "" {
		ms.params = append(ms.params, sfParam{key: "alg", value: sfItem{kind: sfString, str: s.Alg}})
	}
	if s.Nonce != "" {
		ms.params = append(ms.params, sfParam{key: "nonce", value: sfItem{kind: sfString, str: s.Nonce}})
	}
	scheme := r.URL.Scheme
	if scheme == "" {
		scheme = "https"
	}
	base, err := ms.signatureBase(r, scheme)
	if err != nil {
		return err
	}
	sig, err := signMessage(s.Alg, s.Key, []byte(base))
	if err != nil {
		return err
	}
	label := s.Label
	if label == "" {
		label = "sig1"
	}
	items := make([]sfItem, len(components))
	for i, c := range components {
		items[i] = sfItem{kind: sfString, str: c}
	}
	r.Header.Set("Signature-Input", label+"="+serializeInnerList(items, ms.params))
	r.Header.Set("Signature", label+"=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

func signMessage(alg string, key crypto.Signer, base []byte) ([]byte, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		switch alg {
		case "", AlgorithmRSAv15SHA256:
			sum := sha256.Sum256(base)
			return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		case AlgorithmRSAPSSSHA512:
			sum := sha512.Sum512(base)
			return rsa.SignPSS(rand.Reader, k, crypto.SHA512, sum[:], &rsa.PSSOptions{SaltLength: 64})
		}
	case ed25519.PrivateKey:
		if alg == "" || alg == AlgorithmEd25519 {
			return ed25519.Sign(k, base), nil
		}
	case *ecdsa.PrivateKey:
		if alg == "" || alg == AlgorithmECDSAP256SHA256 {
			sum := sha256.Sum256(base)
			der, err := ecdsa.SignASN1(rand.Reader, k, sum[:])
			if err != nil {
				return nil, err
			}
			var rs struct{ R, S *big.Int }
			if _, err := asn1.Unmarshal(der, &rs); err != nil {
				return nil, errors.New("httpsig: ecdsa signature encoding")
			}
			out := make([]byte, 64)
			rs.R.FillBytes(out[:32])
			rs.S.FillBytes(out[32:])
			return out, nil
		}
	}
	return nil, fmt.Errorf("%w: %T with %q", ErrKeyMismatch, key, alg)
}
