package httpsig

import (
	"net/http"
	"testing"
)

// fuzzRequest is a server-side request the fuzzed headers are judged against.
func fuzzRequest(t *testing.T) *http.Request {
	return readRequest(t, "POST /inbox?x=1 HTTP/1.1\r\nHost: b.example\r\n"+
		"Date: Sat, 28 Nov 2026 12:00:00 GMT\r\nDigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\r\n"+
		"Content-Digest: sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:\r\nContent-Length: 0\r\n\r\n")
}

// FuzzParseSignature: the draft-cavage parser never panics, and whatever
// it accepts satisfies its own invariants and can be judged and turned
// into a signing string without panicking.
func FuzzParseSignature(f *testing.F) {
	for _, s := range []string{
		`keyId="https://a.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="AAAA"`,
		`keyId="k",algorithm="hs2019",created=1795867200,expires=1795870800.5,headers="(request-target) host (created) (expires) digest",signature="AAAA"`,
		`Signature keyId="k", headers="date", signature="AAAA"`,
		`keyId="k\"q",signature="AAAA",keyid="x"`,
		`keyId="k",signature="AAAA",headers=""`,
		`keyId="k",signature="AA==",headers="(request-target) (foo)"`,
		`,,,`, `keyId=`, `a="`, `keyId="k",signature="AAAA",`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		p := DefaultPolicy()
		s, err := parseCavage(value, p)
		if err != nil {
			if s != nil {
				t.Fatal("signature returned with an error")
			}
			return
		}
		if s.keyID == "" || len(s.signature) == 0 || len(s.headers) == 0 || len(s.headers) > p.MaxSignedHeaders {
			t.Fatalf("accepted a signature breaking an invariant: %+v", s)
		}
		seen := map[string]bool{}
		for _, h := range s.headers {
			if seen[h] || !validCavageHeader(h) {
				t.Fatalf("accepted header list %q", s.headers)
			}
			seen[h] = true
		}
		r := fuzzRequest(t)
		_ = checkCavagePolicy(s, r, nil, p, t0)
		_, _ = s.signingString(r)
	})
}

// FuzzParseSignatureInput: the RFC 8941 / RFC 9421 parsers never panic;
// an accepted inner list serializes to a canonical form that parses back
// to itself; an accepted signature yields a signature base.
func FuzzParseSignatureInput(f *testing.F) {
	for _, s := range [][2]string{
		{rfcInputB23, rfcSigB23},
		{rfcInputB21, rfcSigB21},
		{`sig1=("@method" "@target-uri" "content-digest");created=1795867200;expires=1795870800;keyid="k";alg="rsa-v1_5-sha256";nonce="n"`, `sig1=:AAAA:`},
		{`sig1=("@method";req "@query-param";name="x");created=1`, `sig1=:AAAA:`},
		{`a=1.5, b=?0, c=tok, d=:AA==:, e=("x" 1 2.0 ?1 :AA==: tok);p`, `a=:AA==:`},
		{`sig1=();created=1;created=2`, `sig1=:AAAA:, sig2=:BBBB:`},
		{`sig1=(`, `sig1=:`},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, input, sig string) {
		if d, err := parseDictionary(input); err == nil {
			for _, m := range d {
				if !m.isList {
					continue
				}
				canon := serializeInnerList(m.members, m.item.params)
				again, err := parseDictionary("k=" + canon)
				if err != nil {
					t.Fatalf("canonical form %q does not parse: %v", canon, err)
				}
				if got := serializeInnerList(again[0].members, again[0].item.params); got != canon {
					t.Fatalf("round trip: %q became %q", canon, got)
				}
			}
		}
		p := DefaultPolicy()
		s, err := parseMessageSignature(input, sig, p)
		if err != nil {
			return
		}
		if s.keyID == "" || len(s.signature) == 0 || len(s.components) > p.MaxSignedHeaders {
			t.Fatalf("accepted a signature breaking an invariant: %+v", s)
		}
		r := fuzzRequest(t)
		_ = checkMessagePolicy(s, r, nil, p, t0)
		_, _ = s.signatureBase(r, "https")
	})
}
