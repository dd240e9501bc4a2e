package httpsig

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	aliceKey = "https://a.example/users/alice#main-key"
	edKey    = "https://a.example/users/ed#key-ed25519"
)

// handSign signs r over exactly the given covered headers and returns the
// Signature value, with created/expires parameters when not empty.
func handSign(t *testing.T, r *http.Request, key crypto.Signer, keyID, alg string, headers []string, created, expires string) string {
	t.Helper()
	cs := &cavageSignature{keyID: keyID, algorithm: alg, headers: headers, created: created, expires: expires}
	signed, err := cs.signingString(r)
	if err != nil {
		t.Fatal(err)
	}
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sum := sha256.Sum256([]byte(signed))
		if sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:]); err != nil {
			t.Fatal(err)
		}
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(signed))
	}
	v := fmt.Sprintf(`keyId="%s",algorithm="%s",headers="%s",signature="%s"`,
		keyID, alg, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig))
	if created != "" {
		v += ",created=" + created
	}
	if expires != "" {
		v += ",expires=" + expires
	}
	return v
}

func unix(d time.Duration) string { return fmt.Sprint(t0.Add(d).Unix()) }

func TestCavageRoundTrip(t *testing.T) {
	k := mustKeys(t)
	body := []byte(`{"type":"Follow"}`)
	cases := []struct {
		name          string
		method, url   string
		body          []byte
		key           crypto.Signer
		keyID, alg    string
		contentDigest bool
		accept        string
	}{
		{"GET rsa-sha256", "GET", "https://b.example/users/bob", nil, k.rsa, aliceKey, "", false, "application/activity+json"},
		{"GET hs2019", "GET", "https://b.example/users/bob", nil, k.rsa, aliceKey, AlgorithmHS2019, false, ""},
		{"GET with query", "GET", "https://b.example/users/bob/outbox?page=true&min_id=0%2F1", nil, k.rsa, aliceKey, "", false, ""},
		{"GET with port", "GET", "https://b.example:8443/users/bob", nil, k.rsa, aliceKey, "", false, ""},
		{"POST rsa-sha256", "POST", "https://b.example/inbox", body, k.rsa, aliceKey, AlgorithmRSASHA256, false, ""},
		{"POST hs2019", "POST", "https://b.example/inbox", body, k.rsa, aliceKey, AlgorithmHS2019, false, ""},
		{"POST with Content-Digest", "POST", "https://b.example/inbox", body, k.rsa, aliceKey, "", true, ""},
		{"POST empty body", "POST", "https://b.example/inbox", []byte{}, k.rsa, aliceKey, "", false, ""},
		{"GET hs2019 Ed25519", "GET", "https://b.example/users/bob", nil, k.ed, edKey, AlgorithmHS2019, false, ""},
		{"POST hs2019 Ed25519", "POST", "https://b.example/inbox", body, k.ed, edKey, AlgorithmHS2019, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRequest(t, c.method, c.url, c.body)
			if c.accept != "" {
				r.Header.Set("Accept", c.accept)
			}
			s := Signer{KeyID: c.keyID, Key: c.key, Algorithm: c.alg, ContentDigest: c.contentDigest, Now: clock(t0)}
			if err := s.Sign(r, c.body); err != nil {
				t.Fatal(err)
			}
			f := &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public(), edKey: k.ed.Public()}}
			v := Verifier{Keys: f, Now: clock(t0.Add(time.Minute))}
			res, err := v.Verify(context.Background(), onServer(t, r, c.body), c.body)
			if err != nil {
				t.Fatalf("Verify: %v (Signature: %s)", err, r.Header.Get("Signature"))
			}
			if res.KeyID != c.keyID || res.Standard != StandardCavage || res.Key.Owner != "owner-of-"+c.keyID {
				t.Errorf("result = %+v", res)
			}
			if f.calls != 1 {
				t.Errorf("key fetched %d times, want 1", f.calls)
			}
		})
	}
}

func TestSignerCoversWhatMastodonCovers(t *testing.T) {
	k := mustKeys(t)
	body := []byte(`{}`)
	cases := []struct {
		method, accept string
		body           []byte
		contentDigest  bool
		wantHeaders    string
	}{
		{"GET", "", nil, false, "(request-target) host date"},
		{"GET", "application/activity+json", nil, false, "(request-target) host date accept"},
		{"POST", "", body, false, "(request-target) host date digest content-type"},
		{"POST", "", body, true, "(request-target) host date digest content-digest content-type"},
	}
	for _, c := range cases {
		r := newRequest(t, c.method, "https://b.example/inbox", c.body)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		if err := (Signer{KeyID: aliceKey, Key: k.rsa, ContentDigest: c.contentDigest, Now: clock(t0)}).Sign(r, c.body); err != nil {
			t.Fatal(err)
		}
		sig := r.Header.Get("Signature")
		if !strings.Contains(sig, `headers="`+c.wantHeaders+`"`) || !strings.HasPrefix(sig, `keyId="`+aliceKey+`",algorithm="rsa-sha256",`) {
			t.Errorf("%s: Signature = %s, want headers %q", c.method, sig, c.wantHeaders)
		}
		if got := r.Header.Get("Date"); got != "Sat, 28 Nov 2026 12:00:00 GMT" {
			t.Errorf("Date = %q", got)
		}
		if c.body != nil {
			sum := sha256.Sum256(c.body)
			if got, want := r.Header.Get("Digest"), "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]); got != want {
				t.Errorf("Digest = %q, want %q", got, want)
			}
		}
		if c.contentDigest && !strings.HasPrefix(r.Header.Get("Content-Digest"), "sha-256=:") {
			t.Errorf("Content-Digest = %q", r.Header.Get("Content-Digest"))
		}
	}
}

func TestSignerRefusesWhatItCannotSign(t *testing.T) {
	k := mustKeys(t)
	cases := []struct {
		name string
		s    Signer
		want error
	}{
		{"Ed25519 as rsa-sha256", Signer{KeyID: edKey, Key: k.ed, Algorithm: AlgorithmRSASHA256}, ErrKeyMismatch},
		{"unknown algorithm", Signer{KeyID: aliceKey, Key: k.rsa, Algorithm: "rsa-sha512"}, ErrUnsupportedAlgorithm},
		{"quote in keyId", Signer{KeyID: `a"b`, Key: k.rsa}, ErrMalformed},
		{"no keyId", Signer{Key: k.rsa}, ErrMissingParam},
		{"ECDSA key", Signer{KeyID: aliceKey, Key: k.p256}, ErrUnsupportedKey},
	}
	for _, c := range cases {
		r := newRequest(t, "GET", "https://b.example/", nil)
		if err := c.s.Sign(r, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// TestCavagePolicy is the regression table of the federation issue's
// signature rules: each row breaks (or keeps, at an edge) one rule.
func TestCavagePolicy(t *testing.T) {
	k := mustKeys(t)
	body := []byte(`{"type":"Create"}`)
	std := []string{"(request-target)", "host", "date", "digest"}
	cases := []struct {
		name    string
		method  string
		headers []string // covered; nil means Signer's choice
		alg     string
		key     crypto.Signer
		keyID   string
		created string
		expires string
		digest  string        // Digest header to sign instead of the right one
		date    time.Duration // Date header, from t0
		now     time.Duration // verification time, from t0
		edit    func(r *http.Request)
		sigEdit func(sig string) string
		verify  []byte // body verified against; nil means the body sent
		want    error
	}{
		{name: "signed POST verifies", want: nil},
		{name: "tampered body", verify: []byte(`{"type":"Delete"}`), want: ErrDigestMismatch},
		{name: "tampered signed header", edit: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, want: ErrBadSignature},
		{name: "tampered path", edit: func(r *http.Request) { r.RequestURI = "/users/bob/inbox" }, want: ErrBadSignature},
		{name: "tampered host", edit: func(r *http.Request) { r.Host = "c.example" }, want: ErrBadSignature},
		{name: "tampered date within window", edit: func(r *http.Request) { r.Header.Set("Date", t0.Add(time.Second).Format(http.TimeFormat)) }, want: ErrBadSignature},
		{name: "tampered digest and body together", edit: func(r *http.Request) { r.Header.Set("Digest", DigestHeader([]byte("x"))) }, verify: []byte("x"), want: ErrBadSignature},
		{name: "wrong key", keyID: "https://a.example/users/mallory#main-key", want: ErrBadSignature},
		{name: "request-target unsigned", headers: []string{"host", "date", "digest"}, want: ErrRequestTargetNotSigned},
		{name: "host unsigned", headers: []string{"(request-target)", "date", "digest"}, want: ErrHostNotSigned},
		{name: "date unsigned", headers: []string{"(request-target)", "host", "digest"}, want: ErrDateNotSigned},
		{name: "no header list (date alone for rsa-sha256)", sigEdit: func(s string) string { return dropParam(s, "headers") }, want: ErrRequestTargetNotSigned},
		{name: "digest unsigned on POST", headers: []string{"(request-target)", "host", "date"}, want: ErrDigestNotSigned},
		{name: "digest unsigned on GET is fine", method: "GET", headers: []string{"(request-target)", "host", "date"}},
		{name: "Digest header missing", headers: std, edit: func(r *http.Request) { r.Header.Del("Digest") }, want: ErrMissingHeader},
		{name: "digest mismatch", edit: func(r *http.Request) { r.Header.Set("Digest", DigestHeader([]byte("other"))) }, want: ErrDigestMismatch},
		{name: "digest without SHA-256", edit: func(r *http.Request) { r.Header.Set("Digest", "SHA-512=abc") }, want: ErrUnsupportedDigest},
		{name: "digest not base64", edit: func(r *http.Request) { r.Header.Set("Digest", "SHA-256=!!!") }, want: ErrBadBase64},
		{name: "digest with several algorithms", headers: std, digest: "md5=x, sha-256=" + DigestHeader(body)[8:]},
		{name: "digest listing SHA-256 twice", headers: std, digest: DigestHeader(body) + "," + DigestHeader(body), want: ErrDuplicateParam},
		{name: "date 5 min + 1 h old: expired", now: 65*time.Minute + time.Second, want: ErrExpired},
		{name: "date 5 min + 1 h old: at the edge", now: 65 * time.Minute},
		{name: "date 1 h in the future: at the edge", date: time.Hour},
		{name: "date too far in the future", date: time.Hour + time.Second, want: ErrFromFuture},
		{name: "date within skew in the past", now: 64 * time.Minute},
		{name: "unparseable date", edit: func(r *http.Request) { r.Header.Set("Date", "yesterday") }, want: ErrBadDate},
		{name: "created instead of date", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "digest"}, created: unix(0), now: time.Minute},
		{name: "created too old", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "digest"}, created: unix(-66 * time.Minute), want: ErrExpired},
		{name: "created in the future", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "digest"}, created: unix(61 * time.Minute), want: ErrFromFuture},
		{name: "created signed but absent", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "digest"}, created: unix(0), sigEdit: func(s string) string { return dropParam(s, "created") }, want: ErrMissingParam},
		{name: "created with rsa-sha256", alg: AlgorithmRSASHA256, headers: []string{"(request-target)", "host", "(created)", "digest"}, created: unix(0), want: ErrBadHeaderList},
		{name: "expires stretches validity", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, created: unix(0), expires: unix(3 * time.Hour), now: 4*time.Hour - time.Second},
		{name: "expires stretched validity ends", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, created: unix(0), expires: unix(3 * time.Hour), now: 4*time.Hour + time.Second, want: ErrExpired},
		{name: "expires capped at 12 h: inside", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, created: unix(0), expires: unix(48 * time.Hour), now: 13*time.Hour - time.Second},
		{name: "expires capped at 12 h: past", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, created: unix(0), expires: unix(48 * time.Hour), now: 13*time.Hour + time.Second, want: ErrExpired},
		{name: "expires shortens validity", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, created: unix(0), expires: unix(time.Minute), now: 61*time.Minute + time.Second, want: ErrExpired},
		{name: "expires with a fraction", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, created: unix(0), expires: unix(time.Hour) + ".5", now: 2 * time.Hour},
		{name: "unsigned expires is ignored", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "(created)", "digest"}, created: unix(0), expires: unix(10 * time.Hour), now: 2 * time.Hour, want: ErrExpired},
		{name: "expires also bounds date", alg: AlgorithmHS2019, headers: []string{"(request-target)", "host", "date", "(expires)", "digest"}, expires: unix(2 * time.Hour), now: 3*time.Hour - time.Second},
		{name: "duplicate keyId", sigEdit: func(s string) string { return s + `,keyId="` + aliceKey + `"` }, want: ErrDuplicateParam},
		{name: "duplicate keyId in another case", sigEdit: func(s string) string { return s + `,keyid="x"` }, want: ErrDuplicateParam},
		{name: "duplicate signature", sigEdit: func(s string) string { return s + `,signature="AAAA"` }, want: ErrDuplicateParam},
		{name: "duplicate headers", sigEdit: func(s string) string { return s + `,headers="date"` }, want: ErrDuplicateParam},
		{name: "missing keyId", sigEdit: func(s string) string { return dropParam(s, "keyId") }, want: ErrMissingParam},
		{name: "missing signature", sigEdit: func(s string) string { return dropParam(s, "signature") }, want: ErrMissingParam},
		{name: "signature not base64", sigEdit: func(s string) string { return setParam(s, "signature", "not base64!") }, want: ErrBadBase64},
		{name: "unknown algorithm", sigEdit: func(s string) string { return setParam(s, "algorithm", "rsa-sha512") }, want: ErrUnsupportedAlgorithm},
		{name: "hmac algorithm", sigEdit: func(s string) string { return setParam(s, "algorithm", "hmac-sha256") }, want: ErrUnsupportedAlgorithm},
		{name: "no algorithm means hs2019", sigEdit: func(s string) string { return dropParam(s, "algorithm") }},
		{name: "rsa-sha256 with an Ed25519 key", key: k.ed, keyID: edKey, alg: AlgorithmRSASHA256, headers: std, want: ErrKeyMismatch},
		{name: "unknown pseudo-header", sigEdit: func(s string) string { return setParam(s, "headers", "(request-target) host date digest (foo)") }, want: ErrBadHeaderList},
		{name: "header listed twice", sigEdit: func(s string) string { return setParam(s, "headers", "(request-target) host date digest date") }, want: ErrBadHeaderList},
		{name: "invalid header name", sigEdit: func(s string) string { return setParam(s, "headers", "(request-target) host date digest x/y") }, want: ErrBadHeaderList},
		{name: "too many headers", sigEdit: func(s string) string {
			return setParam(s, "headers", "(request-target) host date digest"+manyHeaders(40))
		}, want: ErrBadHeaderList},
		{name: "signed header absent", headers: append(std, "x-extra"), edit: func(r *http.Request) { r.Header.Del("X-Extra") }, want: ErrMissingHeader},
		{name: "oversized header", sigEdit: func(s string) string { return s + `,pad="` + strings.Repeat("a", 9000) + `"` }, want: ErrHeaderTooLarge},
		{name: "unknown parameters are ignored", sigEdit: func(s string) string { return s + `,foo="bar"` }},
		{name: "Authorization-style prefix (old PeerTube)", sigEdit: func(s string) string { return "Signature " + s }},
		{name: "spaces after commas", sigEdit: func(s string) string { return strings.ReplaceAll(s, `",`, `", `) }},
		{name: "trailing comma", sigEdit: func(s string) string { return s + "," }, want: ErrMalformed},
		{name: "unterminated quote", sigEdit: func(s string) string { return s + `,x="abc` }, want: ErrMalformed},
		{name: "not signed at all", sigEdit: func(string) string { return "" }, want: ErrNotSigned},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = "POST"
			}
			var sent []byte
			if method == "POST" {
				sent = body
			}
			r := newRequest(t, method, "https://b.example/inbox", sent)
			r.Header.Set("Date", t0.Add(c.date).Format(http.TimeFormat))
			r.Header.Set("X-Extra", "1")
			key, keyID := c.key, c.keyID
			if key == nil {
				key = k.rsa
			}
			if keyID == "" {
				keyID = aliceKey
			}
			if c.headers == nil {
				if err := (Signer{KeyID: keyID, Key: key, Algorithm: c.alg}).Sign(r, sent); err != nil {
					t.Fatal(err)
				}
			} else {
				if sent != nil {
					r.Header.Set("Digest", DigestHeader(sent))
				}
				if c.digest != "" {
					r.Header.Set("Digest", c.digest)
				}
				alg := c.alg
				if alg == "" {
					alg = AlgorithmRSASHA256
				}
				r.Header.Set("Signature", handSign(t, onServer(t, r.Clone(context.Background()), sent), key, keyID, alg, c.headers, c.created, c.expires))
			}
			if c.sigEdit != nil {
				if v := c.sigEdit(r.Header.Get("Signature")); v == "" {
					r.Header.Del("Signature")
				} else {
					r.Header.Set("Signature", v)
				}
			}
			srv := onServer(t, r, sent)
			if c.edit != nil {
				c.edit(srv)
			}
			verify := sent
			if c.verify != nil {
				verify = c.verify
			}
			f := &fetcher{keys: map[string]crypto.PublicKey{
				aliceKey: k.rsa.Public(), edKey: k.ed.Public(),
				"https://a.example/users/mallory#main-key": k.rsa2.Public(),
			}}
			v := Verifier{Keys: f, Now: clock(t0.Add(c.now))}
			res, err := v.Verify(context.Background(), srv, verify)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v\nSignature: %.300s", err, c.want, srv.Header.Get("Signature"))
			}
			if c.want == nil && res.KeyID != keyID {
				t.Errorf("KeyID = %q, want %q", res.KeyID, keyID)
			}
		})
	}
}

// setParam replaces a quoted parameter's value in a Signature header.
func setParam(sig, name, value string) string {
	parts := strings.Split(sig, ",")
	for i, p := range parts {
		if strings.HasPrefix(p, name+"=") {
			parts[i] = name + `="` + value + `"`
		}
	}
	return strings.Join(parts, ",")
}

// dropParam removes a parameter from a Signature header.
func dropParam(sig, name string) string {
	var out []string
	for _, p := range strings.Split(sig, ",") {
		if !strings.HasPrefix(p, name+"=") {
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

// manyHeaders returns n distinct header names, each after a space.
func manyHeaders(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " x-%d", i)
	}
	return b.String()
}

// BenchmarkVerifyCavage measures verifying a signed inbox POST (RSA-2048),
// the inbox's cost per delivery before it stores the activity.
func BenchmarkVerifyCavage(b *testing.B) {
	k := mustKeys(b)
	body := []byte(`{"type":"Create","object":{"type":"Note","content":"hello"}}`)
	r := newRequest(b, "POST", "https://b.example/inbox", body)
	if err := (Signer{KeyID: aliceKey, Key: k.rsa, Now: clock(t0)}).Sign(r, body); err != nil {
		b.Fatal(err)
	}
	srv := onServer(b, r, body)
	v := Verifier{Keys: &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}, cached: true}, Now: clock(t0)}
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), srv, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSign measures signing an outgoing POST (RSA-2048), the
// delivery worker's cost per inbox.
func BenchmarkSign(b *testing.B) {
	k := mustKeys(b)
	body := []byte(`{"type":"Create","object":{"type":"Note","content":"hello"}}`)
	s := Signer{KeyID: aliceKey, Key: k.rsa, Now: clock(t0)}
	for b.Loop() {
		r := newRequest(b, "POST", "https://b.example/inbox", body)
		if err := s.Sign(r, body); err != nil {
			b.Fatal(err)
		}
	}
}
