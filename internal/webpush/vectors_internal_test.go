package webpush

import (
	"bytes"
	"crypto/ecdh"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The published examples are fixed keys and salts, which only the unexported
// cores accept; that is why this file is an internal test.

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return b
}

func p256Private(t *testing.T, s string) *ecdh.PrivateKey {
	t.Helper()
	k, err := ecdh.P256().NewPrivateKey(b64(t, s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// RFC 8291 section 5 (keys and salt from its Appendix A).
const (
	rfc8291Plaintext = "When I grow up, I want to be a watermelon"
	rfc8291ASPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
	rfc8291ASPublic  = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
	rfc8291UAPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
	rfc8291UAPublic  = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
	rfc8291Salt      = "DGv6ra1nlYgDCS1FRnbzlw"
	rfc8291Auth      = "BTBZMqHH6r4Tts7J_aSIgg"
	rfc8291Body      = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml" +
		"mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT" +
		"pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
)

// TestRFC8291Example proves the aes128gcm sender byte for byte against the
// RFC: key agreement, both HKDF stages, the header layout, the 0x02
// delimiter and the record nonce all have to be right for this to match.
func TestRFC8291Example(t *testing.T) {
	as := p256Private(t, rfc8291ASPrivate)
	if got := base64.RawURLEncoding.EncodeToString(as.PublicKey().Bytes()); got != rfc8291ASPublic {
		t.Fatalf("as_public %s, want %s", got, rfc8291ASPublic)
	}
	ua, auth, err := parseSubscriptionKeys(rfc8291UAPublic, rfc8291Auth)
	if err != nil {
		t.Fatal(err)
	}
	body, err := encryptAES128GCM(ua, auth, []byte(rfc8291Plaintext), as, b64(t, rfc8291Salt))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(body); got != rfc8291Body {
		t.Errorf("body\n got %s\nwant %s", got, rfc8291Body)
	}

	// And the receiving side reads the RFC's body, not just our own.
	plain, err := Decrypt("aes128gcm", nil, b64(t, rfc8291Body), p256Private(t, rfc8291UAPrivate), auth)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != rfc8291Plaintext {
		t.Errorf("decrypted %q", plain)
	}
}

// The example of draft-ietf-webpush-encryption-04 (the same as
// draft-ietf-httpbis-encryption-encoding-02/03's Web Push example). Its
// sender's private key is not printed in the draft; it is the one Chromium's
// and others' test suites carry, and it is checked against the draft's
// public key below.
const (
	draftPlaintext = "I am the walrus"
	draftASPrivate = "nCScek-QpEjmOOlT-rQ38nZzvdPlqa00Zy0i6m2OJvY"
	draftASPublic  = "BNoRDbb84JGm8g5Z5CFxurSqsXWJ11ItfXEWYVLE85Y7CYkDjXsIEc4aqxYaQ1G8BqkXCJ6DPpDrWtdWj_mugHU"
	draftUAPrivate = "9FWl15_QUQAWDaD3k3l50ZBZQJ4au27F1V4F0uLSD_M"
	draftUAPublic  = "BCEkBjzL8Z3C-oi2Q7oE5t2Np-p7osjGLg93qUP0wvqRT21EEWyf0cQDQcakQMqz4hQKYOQ3il2nNZct4HgAUQU"
	draftAuth      = "R29vIGdvbyBnJyBqb29iIQ"
	draftSalt      = "lngarbyKfMoi9Z75xYXmkg"
	draftBody      = "6nqAQUME8hNqw5J3kl8cpVVJylXKYqZOeseZG8UueKpA"
)

// TestDraftAESGCMExample proves the legacy sender byte for byte (the
// "Content-Encoding: auth" step, the P-256 context and the two-byte padding
// length) and that Decrypt reads the draft's own headers, quoted and keyed.
func TestDraftAESGCMExample(t *testing.T) {
	as := p256Private(t, draftASPrivate)
	if got := base64.RawURLEncoding.EncodeToString(as.PublicKey().Bytes()); got != draftASPublic {
		t.Fatalf("sender public %s, want %s", got, draftASPublic)
	}
	ua, auth, err := parseSubscriptionKeys(draftUAPublic, draftAuth)
	if err != nil {
		t.Fatal(err)
	}
	body, err := encryptAESGCM(ua, auth, []byte(draftPlaintext), as, b64(t, draftSalt))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(body); got != draftBody {
		t.Errorf("body %s, want %s", got, draftBody)
	}

	h := http.Header{}
	h.Set("Encryption", `keyid="dhkey"; salt="`+draftSalt+`"`)
	h.Set("Crypto-Key", `keyid="p256ecdsa"; p256ecdsa="BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs", keyid="dhkey"; dh="`+draftASPublic+`"`)
	plain, err := Decrypt("aesgcm", h, b64(t, draftBody), p256Private(t, draftUAPrivate), auth)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != draftPlaintext {
		t.Errorf("decrypted %q", plain)
	}
}

// TestAESGCMSmallRecords drives the legacy decoder through many records and
// the closing padding-only record, with the "rs=3" example that the ecec
// library's suite (Mozilla's reference decoder) carries.
func TestAESGCMSmallRecords(t *testing.T) {
	h := http.Header{}
	h.Set("Encryption", "salt=5LIDBXbvkBvvb7ZdD-T4PQ; rs=3")
	h.Set("Crypto-Key", "dh=BCg6ZIGuE2ZNm2ti6Arf4CDVD_8--aLXAGLYhpghwjl1xxVjTLLpb7zihuEOGGbyt8Qj0_fYHBP4ObxwJNl56bk")
	body := b64(t, "oY4e5eDatDVt2fpQylxbPJM-3vrfhDasfPc8Q1PWt4tPfMVbz_sDNL_cvr0DXXkdFzS1lxsJsj550USx4MMl01ihjImXCjrw9R5xFgFrCAqJD3GwXA1vzS4T5yvGVbUp3SndMDdT1OCcEofTn7VC6xZ-zP8rzSQfDCBBxmPU7OISzr8Z4HyzFCGJeBfqiZ7yUfNlKF1x5UaZ4X6iU_TXx5KlQy_toV1dXZ2eEAMHJUcSdArvB6zRpFdEIxdcHcJyo1BIYgAYTDdAIy__IJVCPY_b2CE5W_6ohlYKB7xDyH8giNuWWXAgBozUfScLUVjPC38yJTpAUi6w6pXgXUWffende5FreQpnMFL1L4G-38wsI_-ISIOzdO8QIrXHxmtc1S5xzYu8bMqSgCinvCEwdeGFCmighRjj8t1zRWo0D14rHbQLPR_b1P5SvEeJTtS9Nm3iibM")
	plain, err := Decrypt("aesgcm", h, body, p256Private(t, "4h23G_KkXC9TvBSK2v0Q7ImpS2YAuRd8hQyN0rFAwBg"), b64(t, "g2rWVHUCpUxgcL9Tz7vyeQ"))
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != "Small record size" {
		t.Errorf("decrypted %q", plain)
	}
	// Dropping the closing record must be noticed, not read as a shorter
	// message.
	if _, err := Decrypt("aesgcm", h, body[:len(body)-18], p256Private(t, "4h23G_KkXC9TvBSK2v0Q7ImpS2YAuRd8hQyN0rFAwBg"), b64(t, "g2rWVHUCpUxgcL9Tz7vyeQ")); err == nil {
		t.Error("a body cut at a record boundary decrypted")
	}
}

// TestRFC8188MultipleRecords runs the aes128gcm record layer over RFC 8188
// section 3.2's two-record example (keyid "a1", rs 25, one padding octet), so
// the sequence-number nonce and the 0x01/0x02 delimiters are checked beyond
// the single record Web Push sends.
func TestRFC8188MultipleRecords(t *testing.T) {
	h, err := parseAES128GCMHeader(b64(t, "uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxyjuqRyJFjEDyoF1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA"))
	if err != nil {
		t.Fatal(err)
	}
	if h.rs != 25 || string(h.keyID) != "a1" {
		t.Fatalf("rs %d keyid %q", h.rs, h.keyID)
	}
	plain, err := openAES128GCM(b64(t, "BO3ZVPxUlnLORbVGMpbT1Q"), h)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != "I am the walrus" {
		t.Errorf("decrypted %q", plain)
	}
	// Without its second record the first one's 0x01 delimiter says the
	// message is incomplete.
	h.records = h.records[:25]
	if _, err := openAES128GCM(b64(t, "BO3ZVPxUlnLORbVGMpbT1Q"), h); err == nil {
		t.Error("a truncated multi-record body decrypted")
	}
}

// RFC 8292 section 2.4.
const (
	rfc8292Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5uZXQiLCJleHAiOjE0NTM1MjM3NjgsInN1YiI6Im1haWx0bzpwdXNoQGV4YW1wbGUuY29tIn0.i3CYb7t4xfxCDquptFOepC9GAu_HLGkMlMuCGSK2rpiUfnK9ojFwDXb1JrErtmysazNjjvW2L9OkSSHzvoD1oA"
	rfc8292Key   = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"
	rfc8292Exp   = 1453523768
)

// TestRFC8292Example checks the VAPID encoding against a signature this code
// did not make: ES256 signatures are randomised, so the RFC's token cannot be
// reproduced, but our signing input for its claims must equal its, and its
// raw r||s signature must verify through VerifyVAPID's path (at a time
// before the example's exp).
func TestRFC8292Example(t *testing.T) {
	input, err := signingInput(vapidClaims{Aud: "https://push.example.net", Exp: rfc8292Exp, Sub: "mailto:push@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if want := rfc8292Token[:strings.LastIndex(rfc8292Token, ".")]; input != want {
		t.Errorf("signing input\n got %s\nwant %s", input, want)
	}

	h := http.Header{}
	h.Set("Authorization", "vapid t="+rfc8292Token+", k="+rfc8292Key)
	before := time.Unix(rfc8292Exp, 0).Add(-time.Hour)
	key, err := verifyVAPID(h, "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV", before)
	if err != nil {
		t.Fatal(err)
	}
	if key != rfc8292Key {
		t.Errorf("key %s", key)
	}
	if _, err := verifyVAPID(h, "https://push.example.net/x", time.Unix(rfc8292Exp, 0)); err == nil {
		t.Error("the example verified at its own exp")
	}
	if _, err := verifyVAPID(h, "https://push.example.net/x", time.Unix(rfc8292Exp, 0).Add(-25*time.Hour)); err == nil {
		t.Error("an exp more than 24h ahead verified")
	}
}

// TestTokenClaims checks what NewRequest puts in the JWT beyond what
// VerifyVAPID enforces: a bare contact address becomes a mailto: URI, and exp
// is about 12 hours out.
func TestTokenClaims(t *testing.T) {
	keys, err := GenerateVAPID()
	if err != nil {
		t.Fatal(err)
	}
	_, p256dh, auth, err := NewUserAgentKeys()
	if err != nil {
		t.Fatal(err)
	}
	sub := Subscription{Endpoint: "https://Push.Example.net:443/wpush/v2/abc", P256dh: p256dh, Auth: auth, Standard: true}
	req, err := NewRequest(t.Context(), sub, []byte("x"), keys, "admin@herd.example", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	jwt, _, err := vapidCredentials(req.Header)
	if err != nil {
		t.Fatal(err)
	}
	var c vapidClaims
	if err := decodeJWTPart(strings.Split(jwt, ".")[1], &c); err != nil {
		t.Fatal(err)
	}
	if c.Sub != "mailto:admin@herd.example" {
		t.Errorf("sub %q", c.Sub)
	}
	if c.Aud != "https://push.example.net" {
		t.Errorf("aud %q", c.Aud)
	}
	if d := time.Until(time.Unix(c.Exp, 0)); d < 11*time.Hour || d > 12*time.Hour+time.Minute {
		t.Errorf("exp %s from now", d)
	}
	var hdr map[string]string
	if err := decodeJWTPart(strings.Split(jwt, ".")[0], &hdr); err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"typ": "JWT", "alg": "ES256"}; !equalMaps(hdr, want) {
		t.Errorf("header %v", hdr)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestAudienceAndSubject(t *testing.T) {
	for in, want := range map[string]string{
		"https://fcm.googleapis.com/fcm/send/x":                    "https://fcm.googleapis.com",
		"HTTPS://Updates.Push.Services.Mozilla.com:443/wpush/v2/x": "https://updates.push.services.mozilla.com",
		"http://127.0.0.1:8080/push":                               "http://127.0.0.1:8080",
		"http://[::1]:80/push":                                     "http://[::1]",
		"https://[2001:db8::1]:8443/p":                             "https://[2001:db8::1]:8443",
	} {
		got, err := audience(in)
		if err != nil || got != want {
			t.Errorf("audience(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "/relative", "ftp://x.example/", "https:///nohost"} {
		if _, err := audience(bad); err == nil {
			t.Errorf("audience(%q) accepted", bad)
		}
	}
	for in, want := range map[string]string{
		"":                      "",
		"a@b.example":           "mailto:a@b.example",
		"mailto:a@b.example":    "mailto:a@b.example",
		"https://b.example/ops": "https://b.example/ops",
	} {
		got, err := subject(in)
		if err != nil || got != want {
			t.Errorf("subject(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"http://b.example", "not an address", "tel:+1555"} {
		if _, err := subject(bad); err == nil {
			t.Errorf("subject(%q) accepted", bad)
		}
	}
}

// TestAES128GCMMaxPayload pins the arithmetic behind MaxPayload: the largest
// payload makes a body of exactly the 4096 bytes every push service takes.
func TestAES128GCMMaxPayload(t *testing.T) {
	ua, auth, err := parseSubscriptionKeys(rfc8291UAPublic, rfc8291Auth)
	if err != nil {
		t.Fatal(err)
	}
	body, err := encryptAES128GCM(ua, auth, bytes.Repeat([]byte{'x'}, MaxPayload), p256Private(t, rfc8291ASPrivate), b64(t, rfc8291Salt))
	if err != nil {
		t.Fatal(err)
	}
	if len(body) != 4096 {
		t.Errorf("body is %d bytes", len(body))
	}
}
