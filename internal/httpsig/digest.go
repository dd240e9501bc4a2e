package httpsig

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
)

// DigestHeader returns the value of the Digest header Mastodon sends and
// requires on POST: "SHA-256=" and the base64 SHA-256 of the body.
func DigestHeader(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// ContentDigestHeader returns an RFC 9530 Content-Digest value:
// "sha-256=:base64:".
func ContentDigestHeader(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// checkDigest verifies a Digest header (RFC 3230) against the body the way
// Mastodon does: a comma-separated list of algorithm=base64, algorithm
// names compared case-insensitively; SHA-256 must be among them and match.
func checkDigest(value string, body []byte) error {
	var want []byte
	for _, part := range strings.Split(value, ",") {
		alg, enc, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(alg, "sha-256") {
			continue
		}
		if want != nil {
			return fmt.Errorf("%w: SHA-256 given twice in Digest", ErrDuplicateParam)
		}
		b, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(enc))
		if err != nil {
			return fmt.Errorf("%w: Digest SHA-256 value", ErrBadBase64)
		}
		if len(b) != sha256.Size {
			return fmt.Errorf("%w: Digest SHA-256 value is %d bytes", ErrDigestMismatch, len(b))
		}
		want = b
	}
	if want == nil {
		return fmt.Errorf("%w: Digest offers no SHA-256", ErrUnsupportedDigest)
	}
	sum := sha256.Sum256(body)
	if subtle.ConstantTimeCompare(sum[:], want) != 1 {
		return fmt.Errorf("%w: Digest SHA-256", ErrDigestMismatch)
	}
	return nil
}

// checkContentDigest verifies an RFC 9530 Content-Digest dictionary: every
// sha-256 and sha-512 member must match the body, and at least one must be
// present. Other algorithms are ignored, as RFC 9530 allows.
func checkContentDigest(value string, body []byte) error {
	members, err := parseDictionary(value)
	if err != nil {
		return err
	}
	checked := 0
	for _, m := range members {
		var sum []byte
		switch m.key {
		case "sha-256":
			s := sha256.Sum256(body)
			sum = s[:]
		case "sha-512":
			s := sha512.Sum512(body)
			sum = s[:]
		default:
			continue
		}
		if m.isList || m.item.kind != sfBytes {
			return fmt.Errorf("%w: Content-Digest %s is not a byte sequence", ErrMalformed, m.key)
		}
		if subtle.ConstantTimeCompare(sum, m.item.bytes) != 1 {
			return fmt.Errorf("%w: Content-Digest %s", ErrDigestMismatch, m.key)
		}
		checked++
	}
	if checked == 0 {
		return fmt.Errorf("%w: Content-Digest offers neither sha-256 nor sha-512", ErrUnsupportedDigest)
	}
	return nil
}
