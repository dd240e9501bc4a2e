package httpsig

import (
	"context"
	"crypto"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The test-request message of RFC 9421 Appendix B.2 and its vectors.
const (
	rfcCreated       = 1618884473
	rfcContentDigest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
	rfcBody          = `{"hello": "world"}`

	rfcSigB21 = "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopem" +
		"LJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG" +
		"52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx" +
		"2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6" +
		"UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3" +
		"+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:"
	rfcInputB21 = `sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`

	rfcInputB23 = `sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`
	rfcSigB23   = "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yB" +
		"iMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fU" +
		"xN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1" +
		"pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9" +
		"bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5Z" +
		"JzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:"

	rfcInputB26 = `sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`
	rfcSigB26   = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"
)

func rfcRequest(t *testing.T, input, sig string) *http.Request {
	t.Helper()
	r := readRequest(t, "POST /foo?param=Value&Pet=dog HTTP/1.1\r\n"+
		"Host: example.com\r\n"+
		"Date: Tue, 20 Apr 2021 02:07:55 GMT\r\n"+
		"Content-Type: application/json\r\n"+
		"Content-Digest: "+rfcContentDigest+"\r\n"+
		"Content-Length: 18\r\n"+
		"\r\n"+rfcBody)
	if input != "" {
		r.Header.Set("Signature-Input", input)
		r.Header.Set("Signature", sig)
	}
	return r
}

func rfcVerifier(t *testing.T) (*Verifier, *fetcher) {
	k := mustKeys(t)
	f := &fetcher{keys: map[string]crypto.PublicKey{
		"test-key-rsa-pss": k.rsaPSSPublic,
		"test-key-ed25519": k.ed25519Public,
	}}
	return &Verifier{Keys: f, Now: clock(time.Unix(rfcCreated+60, 0))}, f
}

// verifyVector checks a vector's signature cryptographically, without the
// policy (the RFC's examples are not all requests our policy accepts).
func verifyVector(t *testing.T, r *http.Request, pub crypto.PublicKey) string {
	t.Helper()
	s, err := parseMessageSignature(r.Header.Get("Signature-Input"), r.Header.Get("Signature"), DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.signatureBase(r, "https")
	if err != nil {
		t.Fatal(err)
	}
	_, err = verifyMessageCrypto(s.alg, pub, []byte(base), s.signature)
	if err != nil {
		t.Fatalf("vector does not verify: %v\nbase:\n%s", err, base)
	}
	return base
}

// TestRFC9421VectorB23 verifies the RFC's full-coverage rsa-pss-sha512
// example through the whole Verifier and its policy, and its signature base
// byte for byte.
func TestRFC9421VectorB23(t *testing.T) {
	v, f := rfcVerifier(t)
	r := rfcRequest(t, rfcInputB23, rfcSigB23)
	res, err := v.Verify(context.Background(), r, []byte(rfcBody))
	if err != nil {
		t.Fatal(err)
	}
	if res.KeyID != "test-key-rsa-pss" || res.Algorithm != AlgorithmRSAPSSSHA512 || res.Standard != StandardRFC9421 || f.calls != 1 {
		t.Errorf("result = %+v, fetches %d", res, f.calls)
	}
	wantBase := `"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@query": ?param=Value&Pet=dog
"@authority": example.com
"content-type": application/json
"content-digest": ` + rfcContentDigest + `
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`
	if got := verifyVector(t, r, mustKeys(t).rsaPSSPublic); got != wantBase {
		t.Errorf("base:\n%s\nwant:\n%s", got, wantBase)
	}

	// The same vector, one byte of the body changed, fails on its digest.
	if _, err := v.Verify(context.Background(), rfcRequest(t, rfcInputB23, rfcSigB23), []byte(`{"hello": "World"}`)); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("tampered body: err = %v", err)
	}
	// And a moment too late, it has expired.
	late := *v
	late.Now = clock(time.Unix(rfcCreated, 0).Add(65*time.Minute + time.Second))
	if _, err := late.Verify(context.Background(), rfcRequest(t, rfcInputB23, rfcSigB23), []byte(rfcBody)); !errors.Is(err, ErrExpired) {
		t.Errorf("late: err = %v", err)
	}
}

// TestRFC9421VectorB21: the minimal signature verifies cryptographically,
// but covers nothing, so the policy refuses it.
func TestRFC9421VectorB21(t *testing.T) {
	r := rfcRequest(t, rfcInputB21, rfcSigB21)
	base := verifyVector(t, r, mustKeys(t).rsaPSSPublic)
	if want := `"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`; base != want {
		t.Errorf("base = %q, want %q", base, want)
	}
	v, f := rfcVerifier(t)
	if _, err := v.Verify(context.Background(), r, []byte(rfcBody)); !errors.Is(err, ErrRequestTargetNotSigned) || f.calls != 0 {
		t.Errorf("err = %v (fetches %d), want ErrRequestTargetNotSigned without a fetch", err, f.calls)
	}
}

// TestRFC9421VectorB26: the Ed25519 example verifies, our signer reproduces
// it exactly (Ed25519 is deterministic), and the policy refuses it for
// leaving the query (and the body's digest) unsigned.
func TestRFC9421VectorB26(t *testing.T) {
	k := mustKeys(t)
	r := rfcRequest(t, rfcInputB26, rfcSigB26)
	verifyVector(t, r, k.ed25519Public)

	v, _ := rfcVerifier(t)
	if _, err := v.Verify(context.Background(), r, []byte(rfcBody)); !errors.Is(err, ErrRequestTargetNotSigned) {
		t.Errorf("err = %v, want ErrRequestTargetNotSigned", err)
	}

	unsigned := rfcRequest(t, "", "")
	err := MessageSigner{
		KeyID: "test-key-ed25519", Key: k.ed, Label: "sig-b26",
		Components: []string{"date", "@method", "@path", "@authority", "content-type", "content-length"},
		Created:    time.Unix(rfcCreated, 0),
	}.Sign(unsigned, []byte(rfcBody))
	if err != nil {
		t.Fatal(err)
	}
	if got := unsigned.Header.Get("Signature-Input"); got != rfcInputB26 {
		t.Errorf("Signature-Input = %s\nwant %s", got, rfcInputB26)
	}
	if got := unsigned.Header.Get("Signature"); got != rfcSigB26 {
		t.Errorf("Signature = %s\nwant %s", got, rfcSigB26)
	}
}

// TestRFC9421VectorsRefused: the other examples use what we do not accept.
func TestRFC9421VectorsRefused(t *testing.T) {
	cases := []struct {
		name, input, sig string
		want             error
	}{
		{"B.2.2 @query-param", `sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`,
			"sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:",
			ErrBadHeaderList},
		{"B.2.5 hmac-sha256 named", `sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret";alg="hmac-sha256"`,
			"sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:", ErrUnsupportedAlgorithm},
	}
	for _, c := range cases {
		v, f := rfcVerifier(t)
		_, err := v.Verify(context.Background(), rfcRequest(t, c.input, c.sig), []byte(rfcBody))
		if !errors.Is(err, c.want) || f.calls != 0 {
			t.Errorf("%s: err = %v (fetches %d), want %v", c.name, err, f.calls, c.want)
		}
	}
}

// TestRFC9421Policy is the RFC 9421 side of the regression table.
func TestRFC9421Policy(t *testing.T) {
	k := mustKeys(t)
	body := []byte(`{"type":"Announce"}`)
	cases := []struct {
		name       string
		method     string
		url        string
		key        crypto.Signer
		alg        string
		components []string
		expires    time.Duration // from t0; 0 means none
		now        time.Duration
		scheme     string
		edit       func(r *http.Request)
		verify     []byte
		want       error
	}{
		{name: "POST rsa-v1_5-sha256 (no alg)"},
		{name: "POST rsa-v1_5-sha256 named", alg: AlgorithmRSAv15SHA256},
		{name: "POST rsa-pss-sha512", alg: AlgorithmRSAPSSSHA512},
		{name: "POST ed25519", key: k.ed},
		{name: "POST ed25519 named", key: k.ed, alg: AlgorithmEd25519},
		{name: "POST ecdsa-p256-sha256", key: k.p256, alg: AlgorithmECDSAP256SHA256},
		{name: "GET default components", method: "GET"},
		{name: "GET with query, path and query covered", method: "GET", url: "https://b.example/users/bob/outbox?page=true", components: []string{"@method", "@authority", "@path", "@query"}},
		{name: "GET @request-target and @authority", method: "GET", url: "https://b.example/users/bob/outbox?page=true", components: []string{"@method", "@request-target", "@authority"}},
		{name: "GET host header instead of @authority", method: "GET", components: []string{"@method", "@path", "host"}},
		{name: "http scheme on a test network", method: "GET", url: "http://b.example:8080/users/bob", scheme: "http"},
		{name: "@method unsigned", method: "GET", components: []string{"@target-uri"}, want: ErrRequestTargetNotSigned},
		{name: "path unsigned", method: "GET", components: []string{"@method", "@authority"}, want: ErrRequestTargetNotSigned},
		{name: "query unsigned", method: "GET", url: "https://b.example/users/bob/outbox?page=true", components: []string{"@method", "@authority", "@path"}, want: ErrRequestTargetNotSigned},
		{name: "authority unsigned", method: "GET", components: []string{"@method", "@path"}, want: ErrHostNotSigned},
		{name: "content-digest unsigned on POST", components: []string{"@method", "@target-uri"}, want: ErrDigestNotSigned},
		{name: "tampered body", verify: []byte(`{"type":"Delete"}`), want: ErrDigestMismatch},
		{name: "tampered signed header", components: []string{"@method", "@target-uri", "content-digest", "content-type"}, edit: func(r *http.Request) { r.Header.Set("Content-Type", "text/html") }, want: ErrBadSignature},
		{name: "tampered path", edit: func(r *http.Request) { r.RequestURI = "/other" }, want: ErrBadSignature},
		{name: "other scheme than signed", scheme: "http", want: ErrBadSignature},
		{name: "signed date checked too", components: []string{"@method", "@target-uri", "content-digest", "date"}, edit: func(r *http.Request) { r.Header.Set("Date", t0.Add(-3*time.Hour).Format(http.TimeFormat)) }, want: ErrExpired},
		{name: "created too old", now: 65*time.Minute + time.Second, want: ErrExpired},
		{name: "created at the edge", now: 65 * time.Minute},
		{name: "created in the future", now: -(time.Hour + time.Second), want: ErrFromFuture},
		{name: "created within skew ahead", now: -59 * time.Minute},
		{name: "expires stretches validity", expires: 3 * time.Hour, now: 4*time.Hour - time.Second},
		{name: "expires capped at 12 h", expires: 48 * time.Hour, now: 13*time.Hour + time.Second, want: ErrExpired},
		{name: "no created", edit: editInput(func(s string) string { return strings.Replace(s, ";created="+unix(0), "", 1) }), want: ErrDateNotSigned},
		{name: "duplicate created", edit: editInput(func(s string) string { return s + ";created=" + unix(0) }), want: ErrDuplicateParam},
		{name: "duplicate keyid", edit: editInput(func(s string) string { return s + `;keyid="x"` }), want: ErrDuplicateParam},
		{name: "duplicate label", edit: editInput(func(s string) string { return s + ", " + s }), want: ErrDuplicateParam},
		{name: "component listed twice", components: []string{"@method", "@target-uri", "content-digest", "@method"}, want: ErrBadHeaderList},
		{name: "unknown derived component", edit: editInput(func(s string) string { return strings.Replace(s, `"@method"`, `"@method" "@status"`, 1) }), want: ErrBadHeaderList},
		{name: "component parameter", edit: editInput(func(s string) string { return strings.Replace(s, `"@method"`, `"@method";req`, 1) }), want: ErrBadHeaderList},
		{name: "uppercase field name", edit: editInput(func(s string) string { return strings.Replace(s, `"content-digest"`, `"Content-Digest"`, 1) }), want: ErrBadHeaderList},
		{name: "component not a string", edit: editInput(func(s string) string { return strings.Replace(s, `"@method"`, `method`, 1) }), want: ErrBadHeaderList},
		{name: "two signatures", edit: func(r *http.Request) {
			r.Header.Set("Signature-Input", r.Header.Get("Signature-Input")+`, sig2=("@method");created=1;keyid="x"`)
			r.Header.Set("Signature", r.Header.Get("Signature")+", sig2=:AAAA:")
		}, want: ErrMultipleSignatures},
		{name: "labels differ", edit: func(r *http.Request) {
			r.Header.Set("Signature", "other"+strings.TrimPrefix(r.Header.Get("Signature"), "sig1"))
		}, want: ErrMalformed},
		{name: "hmac-sha256", edit: editInput(func(s string) string { return s + `;alg="hmac-sha256"` }), want: ErrUnsupportedAlgorithm},
		{name: "alg does not fit key", edit: editInput(func(s string) string { return s + `;alg="ed25519"` }), want: ErrKeyMismatch},
		{name: "signature not base64", edit: func(r *http.Request) { r.Header.Set("Signature", "sig1=:!!!!:") }, want: ErrBadBase64},
		{name: "signature an inner list", edit: func(r *http.Request) { r.Header.Set("Signature", "sig1=(:AAAA:)") }, want: ErrMalformed},
		{name: "keyid missing", edit: editInput(func(s string) string { return strings.Replace(s, `;keyid="`+aliceKey+`"`, "", 1) }), want: ErrMissingParam},
		{name: "keyid not a string", edit: editInput(func(s string) string { return strings.Replace(s, `;keyid="`+aliceKey+`"`, ";keyid=abc", 1) }), want: ErrMalformed},
		{name: "Signature missing", edit: func(r *http.Request) { r.Header.Del("Signature") }, want: ErrMissingParam},
		{name: "Signature-Input garbage", edit: func(r *http.Request) { r.Header.Set("Signature-Input", "sig1=(\"@method\"") }, want: ErrMalformed},
		{name: "Signature-Input oversized", edit: editInput(func(s string) string { return s + `;pad="` + strings.Repeat("a", 9000) + `"` }), want: ErrHeaderTooLarge},
		{name: "Signature-Input on two lines", edit: func(r *http.Request) {
			in := r.Header.Get("Signature-Input")
			r.Header.Set("Signature-Input", in[:3])
			r.Header.Add("Signature-Input", in[3:])
		}, want: ErrMalformed},
		{name: "Content-Digest missing", edit: func(r *http.Request) { r.Header.Del("Content-Digest") }, want: ErrMissingHeader},
		{name: "Content-Digest without a known algorithm", edit: func(r *http.Request) { r.Header.Set("Content-Digest", "md5=:AAAA:") }, want: ErrUnsupportedDigest},
		{name: "Content-Digest not a byte sequence", edit: func(r *http.Request) { r.Header.Set("Content-Digest", "sha-256=abc") }, want: ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, url := c.method, c.url
			if method == "" {
				method = "POST"
			}
			if url == "" {
				url = "https://b.example/inbox"
			}
			var sent []byte
			if method == "POST" {
				sent = body
			}
			r := newRequest(t, method, url, sent)
			r.Header.Set("Date", t0.Format(http.TimeFormat))
			key := c.key
			if key == nil {
				key = k.rsa
			}
			s := MessageSigner{KeyID: aliceKey, Key: key, Alg: c.alg, Components: c.components, Created: t0}
			if c.expires != 0 {
				s.Expires = t0.Add(c.expires)
			}
			if err := s.Sign(r, sent); err != nil {
				t.Fatal(err)
			}
			srv := onServer(t, r, sent)
			if c.edit != nil {
				c.edit(srv)
			}
			verify := sent
			if c.verify != nil {
				verify = c.verify
			}
			scheme := c.scheme
			if scheme == "" && strings.HasPrefix(url, "http:") {
				scheme = "http"
			}
			f := &fetcher{keys: map[string]crypto.PublicKey{aliceKey: key.Public()}}
			v := Verifier{Keys: f, Now: clock(t0.Add(c.now)), Scheme: scheme}
			res, err := v.Verify(context.Background(), srv, verify)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v\nSignature-Input: %.300s", err, c.want, srv.Header.Get("Signature-Input"))
			}
			if err == nil && (res.KeyID != aliceKey || res.Standard != StandardRFC9421) {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func editInput(f func(string) string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Signature-Input", f(r.Header.Get("Signature-Input"))) }
}
