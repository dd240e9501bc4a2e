package webpush

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenLifetime is how far ahead a VAPID JWT expires. RFC 8292 caps it at 24
// hours and push services reject anything beyond; Mastodon uses the full 24,
// but half leaves room for a sender clock running ahead of the push
// service's, and a token is minted per request anyway.
const tokenLifetime = 12 * time.Hour

// maxTokenLifetime is RFC 8292 section 2's limit, enforced by VerifyVAPID.
const maxTokenLifetime = 24 * time.Hour

// jwtHeader is fixed; writing it by hand keeps the member order of RFC 8292's
// example, so the signing input of the example can be reproduced exactly.
const jwtHeader = `{"typ":"JWT","alg":"ES256"}`

type vapidClaims struct {
	Aud string `json:"aud"`
	Exp int64  `json:"exp"`
	Sub string `json:"sub,omitempty"`
}

// signingInput is the part of a JWS that the signature covers.
func signingInput(c vapidClaims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString([]byte(jwtHeader)) + "." +
		base64.RawURLEncoding.EncodeToString(payload), nil
}

// token signs c. JWS (RFC 7518 section 3.4) wants ES256 signatures as the
// fixed-width concatenation r||s, not the ASN.1 that crypto/ecdsa's
// SignASN1 produces; push services reject the latter.
func (k VAPIDKeys) token(c vapidClaims) (string, error) {
	if k.Private == nil {
		return "", errors.New("webpush: no VAPID key")
	}
	input, err := signingInput(c)
	if err != nil {
		return "", err
	}
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, k.Private, digest[:])
	if err != nil {
		return "", fmt.Errorf("webpush: sign VAPID token: %w", err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// audience is the origin of a push endpoint, the JWT's aud. It is normalised
// the way Mastodon's Addressable normalized_site does (lower case, default
// port dropped), because push services compare it with their own origin as
// a string.
func audience(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("webpush: endpoint: %w", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "https" && scheme != "http") || u.Hostname() == "" {
		return "", fmt.Errorf("webpush: endpoint %q is not an absolute http(s) URL", endpoint)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host, nil
}

// subject turns the configured contact into the JWT's sub. RFC 8292 wants a
// mailto: or https: URI and Apple's push service refuses anything else, while
// an instance's contact is usually configured as a bare address, so that is
// made into a mailto:. An empty contact leaves sub out, which RFC 8292
// allows.
func subject(contact string) (string, error) {
	contact = strings.TrimSpace(contact)
	lower := strings.ToLower(contact)
	switch {
	case contact == "":
		return "", nil
	case strings.HasPrefix(lower, "mailto:") || strings.HasPrefix(lower, "https:"):
		return contact, nil
	case !strings.Contains(contact, ":") && strings.Contains(contact, "@"):
		return "mailto:" + contact, nil
	}
	return "", fmt.Errorf("webpush: contact %q is neither an e-mail address nor a mailto: or https: URL", contact)
}

// VerifyVAPID is the push service's check of a request's VAPID
// identification, for tests that need to prove a request was signed by the
// instance. It accepts both forms NewRequest writes: RFC 8292's
// "vapid t=<jwt>, k=<key>" and the legacy "WebPush <jwt>" with the key in
// Crypto-Key's p256ecdsa=. The JWT must be ES256 and verify under that key,
// its aud must be the endpoint's origin, its exp in the future but no more
// than 24 hours ahead, and a sub, if present, a mailto: or https: URI. It
// returns the key, base64url without padding, for comparison with
// VAPIDKeys.PublicKey.
func VerifyVAPID(header http.Header, endpoint string) (publicKey string, err error) {
	return verifyVAPID(header, endpoint, time.Now())
}

func verifyVAPID(header http.Header, endpoint string, now time.Time) (string, error) {
	jwt, key, err := vapidCredentials(header)
	if err != nil {
		return "", err
	}
	rawKey, err := decodeBase64(key)
	if err != nil {
		return "", fmt.Errorf("webpush: VAPID key: %w", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), rawKey)
	if err != nil {
		return "", fmt.Errorf("webpush: VAPID key: %w", err)
	}

	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", errors.New("webpush: VAPID token is not a compact JWS")
	}
	var hdr struct {
		Typ string `json:"typ"`
		Alg string `json:"alg"`
	}
	if err := decodeJWTPart(parts[0], &hdr); err != nil {
		return "", fmt.Errorf("webpush: VAPID token header: %w", err)
	}
	if hdr.Alg != "ES256" {
		return "", fmt.Errorf("webpush: VAPID token alg is %q, want ES256", hdr.Alg)
	}
	if hdr.Typ != "" && !strings.EqualFold(hdr.Typ, "JWT") {
		return "", fmt.Errorf("webpush: VAPID token typ is %q, want JWT", hdr.Typ)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", errors.New("webpush: VAPID signature is not 64 bytes of base64url (JWS r||s)")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		return "", errors.New("webpush: VAPID signature does not verify")
	}

	// Claims are only trusted, and so only read, once the signature holds.
	var c vapidClaims
	if err := decodeJWTPart(parts[1], &c); err != nil {
		return "", fmt.Errorf("webpush: VAPID claims: %w", err)
	}
	aud, err := audience(endpoint)
	if err != nil {
		return "", err
	}
	if c.Aud != aud {
		return "", fmt.Errorf("webpush: VAPID aud is %q, want %q", c.Aud, aud)
	}
	exp := time.Unix(c.Exp, 0)
	if !exp.After(now) {
		return "", fmt.Errorf("webpush: VAPID token expired at %s", exp.UTC().Format(time.RFC3339))
	}
	if exp.Sub(now) > maxTokenLifetime {
		return "", fmt.Errorf("webpush: VAPID token expires %s from now, more than 24h", exp.Sub(now).Round(time.Second))
	}
	if c.Sub != "" {
		l := strings.ToLower(c.Sub)
		if !strings.HasPrefix(l, "mailto:") && !strings.HasPrefix(l, "https:") {
			return "", fmt.Errorf("webpush: VAPID sub %q is not a mailto: or https: URI", c.Sub)
		}
	}
	return base64.RawURLEncoding.EncodeToString(rawKey), nil
}

// vapidCredentials finds the JWT and the key in either Authorization form.
func vapidCredentials(header http.Header) (jwt, key string, err error) {
	auth := strings.TrimSpace(header.Get("Authorization"))
	scheme, rest, _ := strings.Cut(auth, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "vapid":
		for _, p := range strings.Split(rest, ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
			value = strings.Trim(strings.TrimSpace(value), `"`)
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "t":
				jwt = value
			case "k":
				key = value
			}
		}
	case "webpush":
		jwt = rest
		for _, entry := range headerParams(header.Values("Crypto-Key")) {
			if v, ok := entry["p256ecdsa"]; ok {
				key = v
				break
			}
		}
	case "":
		return "", "", errors.New("webpush: no Authorization header")
	default:
		return "", "", fmt.Errorf("webpush: Authorization scheme %q is not vapid or WebPush", scheme)
	}
	if jwt == "" {
		return "", "", errors.New("webpush: Authorization carries no VAPID token")
	}
	if key == "" {
		return "", "", errors.New("webpush: no VAPID public key (k= or Crypto-Key p256ecdsa=)")
	}
	return jwt, key, nil
}

func decodeJWTPart(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return errors.New("not base64url")
	}
	return json.Unmarshal(b, v)
}

// headerParams splits headers of the draft-ietf-httpbis-encryption-encoding
// shape, `keyid="a"; dh=..., keyid="b"; p256ecdsa=...`, into one map per
// comma-separated entry, names lowercased and quotes removed. Base64 values
// never contain the separators, so a plain split is exact.
func headerParams(values []string) []map[string]string {
	var out []map[string]string
	for _, v := range values {
		for _, entry := range strings.Split(v, ",") {
			m := map[string]string{}
			for _, p := range strings.Split(entry, ";") {
				name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok {
					continue
				}
				m[strings.ToLower(strings.TrimSpace(name))] = strings.Trim(strings.TrimSpace(value), `"`)
			}
			if len(m) > 0 {
				out = append(out, m)
			}
		}
	}
	return out
}
