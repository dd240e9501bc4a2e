package httpsig

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Algorithm names of draft-cavage-http-signatures-12 that Verify accepts.
const (
	AlgorithmRSASHA256 = "rsa-sha256"
	AlgorithmHS2019    = "hs2019"
)

// cavageSignature is a parsed draft-cavage Signature header.
type cavageSignature struct {
	keyID     string
	algorithm string   // lowercased; "" when absent
	headers   []string // lowercased, in order
	signature []byte
	created   string // digits as sent, "" when absent
	expires   string // digits (maybe with a fraction) as sent, "" when absent
}

func (s *cavageSignature) covers(name string) bool {
	for _, h := range s.headers {
		if h == name {
			return true
		}
	}
	return false
}

// parseCavage parses a Signature header value: comma-separated
// name="quoted value" pairs (created and expires may be bare numbers).
// Parameter names are case-insensitive; a name given twice is an error, as
// are missing keyId or signature, and a header list with unknown
// pseudo-headers, repeated or invalid names.
func parseCavage(value string, p Policy) (*cavageSignature, error) {
	if len(value) > p.MaxHeaderBytes {
		return nil, fmt.Errorf("%w: Signature is %d bytes", ErrHeaderTooLarge, len(value))
	}
	// Some old PeerTube versions put the Authorization scheme in the
	// Signature header; Mastodon tolerates it, so do we.
	value = strings.TrimPrefix(value, "Signature ")
	params := map[string]string{}
	i := 0
	skipOWS := func() {
		for i < len(value) && (value[i] == ' ' || value[i] == '\t') {
			i++
		}
	}
	for {
		skipOWS()
		start := i
		for i < len(value) && isTChar(value[i]) {
			i++
		}
		if i == start {
			return nil, fmt.Errorf("%w: expected a parameter name at offset %d", ErrMalformed, i)
		}
		name := strings.ToLower(value[start:i])
		skipOWS()
		if i == len(value) || value[i] != '=' {
			return nil, fmt.Errorf("%w: expected '=' after %q", ErrMalformed, name)
		}
		i++
		skipOWS()
		var v string
		if i < len(value) && value[i] == '"' {
			var b strings.Builder
			i++
			closed := false
			for i < len(value) {
				c := value[i]
				i++
				if c == '\\' && i < len(value) {
					c = value[i]
					i++
				} else if c == '"' {
					closed = true
					break
				}
				if c < 0x20 && c != '\t' || c == 0x7f {
					return nil, fmt.Errorf("%w: control character in %q", ErrMalformed, name)
				}
				b.WriteByte(c)
			}
			if !closed {
				return nil, fmt.Errorf("%w: unterminated value of %q", ErrMalformed, name)
			}
			v = b.String()
		} else {
			start := i
			for i < len(value) && (isDigit(value[i]) || value[i] == '.') {
				i++
			}
			if i == start {
				return nil, fmt.Errorf("%w: value of %q is neither quoted nor a number", ErrMalformed, name)
			}
			v = value[start:i]
		}
		if _, dup := params[name]; dup {
			return nil, fmt.Errorf("%w: %q", ErrDuplicateParam, name)
		}
		params[name] = v
		skipOWS()
		if i == len(value) {
			break
		}
		if value[i] != ',' {
			return nil, fmt.Errorf("%w: expected ',' at offset %d", ErrMalformed, i)
		}
		i++
	}

	s := &cavageSignature{
		keyID:     params["keyid"],
		algorithm: strings.ToLower(params["algorithm"]),
		created:   params["created"],
		expires:   params["expires"],
	}
	if s.keyID == "" {
		return nil, fmt.Errorf("%w: keyId", ErrMissingParam)
	}
	sig, ok := params["signature"]
	if !ok || sig == "" {
		return nil, fmt.Errorf("%w: signature", ErrMissingParam)
	}
	var err error
	if s.signature, err = base64.StdEncoding.Strict().DecodeString(sig); err != nil {
		return nil, fmt.Errorf("%w: signature", ErrBadBase64)
	}
	if s.created != "" && !isDigits(s.created) {
		return nil, fmt.Errorf("%w: created %q", ErrBadDate, s.created)
	}
	if s.expires != "" {
		whole, frac, _ := strings.Cut(s.expires, ".")
		if !isDigits(whole) || (frac != "" && !isDigits(frac)) || strings.HasSuffix(s.expires, ".") {
			return nil, fmt.Errorf("%w: expires %q", ErrBadDate, s.expires)
		}
	}

	// Without a header list, draft-12 covers "(created)" alone and older
	// drafts "date" alone; Mastodon picks by algorithm, and so do we. Either
	// then fails the policy with a precise error rather than a parse error.
	list, ok := params["headers"]
	if !ok {
		list = "(created)"
		if s.algorithm == AlgorithmRSASHA256 {
			list = "date"
		}
	}
	seen := map[string]bool{}
	for _, h := range strings.Fields(list) {
		h = strings.ToLower(h)
		if seen[h] {
			return nil, fmt.Errorf("%w: %q listed twice", ErrBadHeaderList, h)
		}
		seen[h] = true
		if !validCavageHeader(h) {
			return nil, fmt.Errorf("%w: %q", ErrBadHeaderList, h)
		}
		s.headers = append(s.headers, h)
		if len(s.headers) > p.MaxSignedHeaders {
			return nil, fmt.Errorf("%w: more than %d headers", ErrBadHeaderList, p.MaxSignedHeaders)
		}
	}
	if len(s.headers) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrBadHeaderList)
	}
	return s, nil
}

func validCavageHeader(h string) bool {
	switch h {
	case "(request-target)", "(created)", "(expires)":
		return true
	}
	for i := 0; i < len(h); i++ {
		if !isTChar(h[i]) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// signingString builds the string draft-cavage signs (Section 2.3): one
// "name: value" line per covered header, joined by "\n".
func (s *cavageSignature) signingString(r *http.Request) (string, error) {
	var b strings.Builder
	for i, h := range s.headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		var v string
		switch h {
		case "(request-target)":
			v = strings.ToLower(r.Method) + " " + requestTarget(r)
		case "(created)":
			if s.created == "" {
				return "", fmt.Errorf("%w: created, which (created) covers", ErrMissingParam)
			}
			v = s.created
		case "(expires)":
			if s.expires == "" {
				return "", fmt.Errorf("%w: expires, which (expires) covers", ErrMissingParam)
			}
			v = s.expires
		default:
			var err error
			if v, err = headerValue(r, h); err != nil {
				return "", err
			}
		}
		b.WriteString(h + ": " + v)
	}
	return b.String(), nil
}

// checkCavagePolicy applies the rules that need no key: algorithm name,
// what must be covered, freshness and the body digest. Verify runs it
// before fetching any key, so garbage costs us no network request.
func checkCavagePolicy(s *cavageSignature, r *http.Request, body []byte, p Policy, now time.Time) error {
	switch s.algorithm {
	case "", AlgorithmHS2019:
	case AlgorithmRSASHA256:
		// Draft-12 Section 2.3: (created) and (expires) are errors with
		// the legacy algorithm names; Mastodon rejects them too.
		if s.covers("(created)") || s.covers("(expires)") {
			return fmt.Errorf("%w: (created)/(expires) with rsa-sha256", ErrBadHeaderList)
		}
	default:
		return fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, s.algorithm)
	}
	if !s.covers("(request-target)") {
		return ErrRequestTargetNotSigned
	}
	if !s.covers("host") {
		return ErrHostNotSigned
	}
	if !s.covers("date") && !s.covers("(created)") {
		return ErrDateNotSigned
	}
	if hasBody(r, body) && !s.covers("digest") && !s.covers("content-digest") {
		return ErrDigestNotSigned
	}

	// Only signed times count: an unsigned created or expires parameter
	// could be rewritten by anyone replaying the request.
	var expires time.Time
	if s.covers("(expires)") {
		if s.expires == "" {
			return fmt.Errorf("%w: expires, which (expires) covers", ErrMissingParam)
		}
		whole, _, _ := strings.Cut(s.expires, ".")
		sec, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return fmt.Errorf("%w: expires %q", ErrBadDate, s.expires)
		}
		expires = time.Unix(sec, 0)
	}
	if s.covers("(created)") {
		if s.created == "" {
			return fmt.Errorf("%w: created, which (created) covers", ErrMissingParam)
		}
		sec, err := strconv.ParseInt(s.created, 10, 64)
		if err != nil {
			return fmt.Errorf("%w: created %q", ErrBadDate, s.created)
		}
		if err := p.checkFreshness(now, time.Unix(sec, 0), expires); err != nil {
			return err
		}
	}
	if s.covers("date") {
		if err := checkDateHeader(r, p, now, expires); err != nil {
			return err
		}
	}

	if s.covers("digest") {
		v, err := boundedHeader(r, "Digest", p)
		if err != nil {
			return err
		}
		if err := checkDigest(v, body); err != nil {
			return err
		}
	}
	if s.covers("content-digest") {
		v, err := boundedHeader(r, "Content-Digest", p)
		if err != nil {
			return err
		}
		if err := checkContentDigest(v, body); err != nil {
			return err
		}
	}
	return nil
}

// checkDateHeader judges the Date header as the signature's creation time.
func checkDateHeader(r *http.Request, p Policy, now, expires time.Time) error {
	v := r.Header.Get("Date")
	if v == "" {
		return fmt.Errorf("%w: date", ErrMissingHeader)
	}
	if len(r.Header.Values("Date")) > 1 {
		return fmt.Errorf("%w: more than one Date header", ErrBadDate)
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return fmt.Errorf("%w: Date %q", ErrBadDate, v)
	}
	return p.checkFreshness(now, t, expires)
}

// boundedHeader returns a header (all lines joined) that must be present
// and within the policy's size bound.
func boundedHeader(r *http.Request, name string, p Policy) (string, error) {
	v, err := joinedHeader(r, name, p.MaxHeaderBytes)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", fmt.Errorf("%w: %s", ErrMissingHeader, strings.ToLower(name))
	}
	return v, nil
}
