package httpsig

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Algorithm names of RFC 9421 (Section 6.2.2) that Verify accepts.
const (
	AlgorithmRSAv15SHA256    = "rsa-v1_5-sha256"
	AlgorithmRSAPSSSHA512    = "rsa-pss-sha512"
	AlgorithmEd25519         = "ed25519"
	AlgorithmECDSAP256SHA256 = "ecdsa-p256-sha256"
)

// derivedComponents are the RFC 9421 derived components we build for a
// request. @query-param, @status and @scheme are not supported; neither
// are component parameters (sf, key, bs, req, tr).
var derivedComponents = map[string]bool{
	"@method": true, "@target-uri": true, "@authority": true,
	"@path": true, "@query": true, "@request-target": true,
}

// messageSignature is one parsed RFC 9421 signature.
type messageSignature struct {
	label      string
	components []string
	params     []sfParam // as sent, re-serialized canonically into the base
	signature  []byte

	keyID, alg, nonce string
	created, expires  time.Time // zero when absent
}

func (s *messageSignature) covers(name string) bool {
	for _, c := range s.components {
		if c == name {
			return true
		}
	}
	return false
}

// parseMessageSignature parses Signature-Input and Signature. It accepts
// exactly one signature (as Mastodon does), whose components are plain
// strings naming supported derived components or header fields, each at
// most once.
func parseMessageSignature(input, signature string, p Policy) (*messageSignature, error) {
	if len(input) > p.MaxHeaderBytes || len(signature) > p.MaxHeaderBytes {
		return nil, fmt.Errorf("%w: Signature-Input or Signature", ErrHeaderTooLarge)
	}
	inputs, err := parseDictionary(input)
	if err != nil {
		return nil, fmt.Errorf("Signature-Input: %w", err)
	}
	sigs, err := parseDictionary(signature)
	if err != nil {
		return nil, fmt.Errorf("Signature: %w", err)
	}
	if len(inputs) != 1 || len(sigs) != 1 {
		return nil, fmt.Errorf("%w: %d inputs, %d signatures", ErrMultipleSignatures, len(inputs), len(sigs))
	}
	in, sg := inputs[0], sigs[0]
	if in.key != sg.key {
		return nil, fmt.Errorf("%w: Signature-Input label %q, Signature label %q", ErrMalformed, in.key, sg.key)
	}
	if !in.isList {
		return nil, fmt.Errorf("%w: Signature-Input member is not an inner list", ErrMalformed)
	}
	if sg.isList || sg.item.kind != sfBytes {
		return nil, fmt.Errorf("%w: Signature member is not a byte sequence", ErrMalformed)
	}
	if len(sg.item.bytes) == 0 {
		return nil, fmt.Errorf("%w: signature", ErrMissingParam)
	}
	s := &messageSignature{label: in.key, params: in.item.params, signature: sg.item.bytes}
	if len(in.members) > p.MaxSignedHeaders {
		return nil, fmt.Errorf("%w: more than %d components", ErrBadHeaderList, p.MaxSignedHeaders)
	}
	for _, c := range in.members {
		if c.kind != sfString {
			return nil, fmt.Errorf("%w: component is not a string", ErrBadHeaderList)
		}
		if len(c.params) > 0 {
			return nil, fmt.Errorf("%w: component parameters on %q are not supported", ErrBadHeaderList, c.str)
		}
		name := c.str
		if strings.HasPrefix(name, "@") {
			if !derivedComponents[name] {
				return nil, fmt.Errorf("%w: unsupported component %q", ErrBadHeaderList, name)
			}
		} else if name == "" || name != strings.ToLower(name) || !validCavageHeader(name) || strings.HasPrefix(name, "(") {
			return nil, fmt.Errorf("%w: bad field name %q", ErrBadHeaderList, name)
		}
		if s.covers(name) {
			return nil, fmt.Errorf("%w: %q listed twice", ErrBadHeaderList, name)
		}
		s.components = append(s.components, name)
	}
	for _, prm := range s.params {
		v := prm.value
		switch prm.key {
		case "created", "expires":
			if v.kind != sfInteger || v.num < 0 {
				return nil, fmt.Errorf("%w: %s is not a non-negative integer", ErrBadDate, prm.key)
			}
			if prm.key == "created" {
				s.created = time.Unix(v.num, 0)
			} else {
				s.expires = time.Unix(v.num, 0)
			}
		case "keyid", "alg", "nonce", "tag":
			if v.kind != sfString {
				return nil, fmt.Errorf("%w: %s is not a string", ErrMalformed, prm.key)
			}
			switch prm.key {
			case "keyid":
				s.keyID = v.str
			case "alg":
				s.alg = v.str
			case "nonce":
				s.nonce = v.str
			}
		}
	}
	if s.keyID == "" {
		return nil, fmt.Errorf("%w: keyid", ErrMissingParam)
	}
	return s, nil
}

// signatureBase builds the RFC 9421 signature base (Section 2.5). scheme is
// the scheme the request arrived by, needed for @target-uri.
func (s *messageSignature) signatureBase(r *http.Request, scheme string) (string, error) {
	var b strings.Builder
	target := requestTarget(r)
	path, query, _ := strings.Cut(target, "?")
	for _, c := range s.components {
		var v string
		switch c {
		case "@method":
			v = r.Method
		case "@target-uri":
			v = scheme + "://" + authority(r, scheme) + target
		case "@authority":
			v = authority(r, scheme)
		case "@path":
			v = path
			if v == "" {
				v = "/"
			}
		case "@query":
			v = "?" + query
		case "@request-target":
			v = target
		default:
			var err error
			if v, err = headerValue(r, c); err != nil {
				return "", err
			}
		}
		b.WriteString(`"` + c + `": ` + v + "\n")
	}
	items := make([]sfItem, len(s.components))
	for i, c := range s.components {
		items[i] = sfItem{kind: sfString, str: c}
	}
	b.WriteString(`"@signature-params": ` + serializeInnerList(items, s.params))
	return b.String(), nil
}

// checkMessagePolicy applies the rules that need no key, as for draft
// signatures: the method and the whole target (authority, path and any
// query) covered, created present and fresh, and on a request with a body
// its content digest covered and matching.
func checkMessagePolicy(s *messageSignature, r *http.Request, body []byte, p Policy, now time.Time) error {
	switch s.alg {
	case "", AlgorithmRSAv15SHA256, AlgorithmRSAPSSSHA512, AlgorithmEd25519, AlgorithmECDSAP256SHA256:
	default:
		return fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, s.alg)
	}
	if !s.covers("@method") {
		return fmt.Errorf("%w: @method", ErrRequestTargetNotSigned)
	}
	whole := s.covers("@target-uri") || s.covers("@request-target")
	if !whole && !s.covers("@path") {
		return fmt.Errorf("%w: neither @target-uri, @request-target nor @path", ErrRequestTargetNotSigned)
	}
	if _, _, hasQuery := strings.Cut(requestTarget(r), "?"); hasQuery && !whole && !s.covers("@query") {
		return fmt.Errorf("%w: the query is not covered", ErrRequestTargetNotSigned)
	}
	if !s.covers("@target-uri") && !s.covers("@authority") && !s.covers("host") {
		return ErrHostNotSigned
	}
	if hasBody(r, body) && !s.covers("content-digest") && !s.covers("digest") {
		return ErrDigestNotSigned
	}
	// RFC 9421 recommends created; Mastodon requires it, and so do we.
	if s.created.IsZero() {
		return fmt.Errorf("%w: created", ErrDateNotSigned)
	}
	if err := p.checkFreshness(now, s.created, s.expires); err != nil {
		return err
	}
	if s.covers("date") {
		if err := checkDateHeader(r, p, now, s.expires); err != nil {
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
	if s.covers("digest") {
		v, err := boundedHeader(r, "Digest", p)
		if err != nil {
			return err
		}
		if err := checkDigest(v, body); err != nil {
			return err
		}
	}
	return nil
}
