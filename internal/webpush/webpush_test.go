package webpush_test

import (
	"bytes"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"herd/internal/webpush"
)

type browser struct {
	priv         *ecdh.PrivateKey
	p256dh, auth string
}

func newBrowser(t *testing.T) browser {
	t.Helper()
	priv, p256dh, auth, err := webpush.NewUserAgentKeys()
	if err != nil {
		t.Fatal(err)
	}
	return browser{priv, p256dh, auth}
}

func (b browser) authBytes(t *testing.T) []byte {
	t.Helper()
	a, err := base64.RawURLEncoding.DecodeString(b.auth)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newKeys(t *testing.T) webpush.VAPIDKeys {
	t.Helper()
	k, err := webpush.GenerateVAPID()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRoundTrip sends through a fake push service, as another package's
// tests will: for each coding the request carries the headers Mastodon
// sends, the subscriber's keys read the payload back, and the VAPID
// signature verifies under the instance's key for the endpoint's origin.
func TestRoundTrip(t *testing.T) {
	keys := newKeys(t)
	for _, tc := range []struct {
		name     string
		standard bool
		coding   string
		authPfx  string
	}{
		{"standard", true, "aes128gcm", "vapid t="},
		{"legacy", false, "aesgcm", "WebPush "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ua := newBrowser(t)
			payload := []byte(`{"notification_id":"1","notification_type":"mention","title":"Hi ☃","body":"…"}`)
			type received struct {
				header http.Header
				body   []byte
				url    string
			}
			got := make(chan received, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				got <- received{r.Header.Clone(), b, "http://" + r.Host + r.URL.Path}
				w.WriteHeader(http.StatusCreated)
			}))
			defer srv.Close()

			sub := webpush.Subscription{Endpoint: srv.URL + "/push/abc", P256dh: ua.p256dh, Auth: ua.auth, Standard: tc.standard}
			req, err := webpush.NewRequest(t.Context(), sub, payload, keys, "mailto:admin@herd.example", 48*time.Hour+500*time.Millisecond, webpush.UrgencyNormal)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d", resp.StatusCode)
			}
			r := <-got

			for name, want := range map[string]string{
				"Content-Encoding": tc.coding,
				"Content-Type":     "application/octet-stream",
				"TTL":              "172800",
				"Urgency":          "normal",
			} {
				if v := r.header.Get(name); v != want {
					t.Errorf("%s: %q, want %q", name, v, want)
				}
			}
			if a := r.header.Get("Authorization"); !strings.HasPrefix(a, tc.authPfx) {
				t.Errorf("Authorization %q, want prefix %q", a, tc.authPfx)
			}
			if tc.standard {
				if want := ", k=" + keys.PublicKey(); !strings.HasSuffix(r.header.Get("Authorization"), want) {
					t.Errorf("Authorization %q lacks %q", r.header.Get("Authorization"), want)
				}
				for _, h := range []string{"Encryption", "Crypto-Key"} {
					if v := r.header.Get(h); v != "" {
						t.Errorf("aes128gcm request has %s: %q", h, v)
					}
				}
			} else {
				if e := r.header.Get("Encryption"); !strings.HasPrefix(e, "salt=") {
					t.Errorf("Encryption %q", e)
				}
				ck := r.header.Get("Crypto-Key")
				if !strings.HasPrefix(ck, "dh=") || !strings.HasSuffix(ck, ";p256ecdsa="+keys.PublicKey()) {
					t.Errorf("Crypto-Key %q", ck)
				}
			}

			plain, err := webpush.Decrypt(r.header.Get("Content-Encoding"), r.header, r.body, ua.priv, ua.authBytes(t))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(plain, payload) {
				t.Errorf("decrypted %q, want %q", plain, payload)
			}
			key, err := webpush.VerifyVAPID(r.header, r.url)
			if err != nil {
				t.Fatal(err)
			}
			if key != keys.PublicKey() {
				t.Errorf("signed by %s, want %s", key, keys.PublicKey())
			}
		})
	}
}

// TestPayloadSizes covers the edges of what fits: nothing at all, and
// MaxPayload, in both codings; one byte more is refused, not truncated.
func TestPayloadSizes(t *testing.T) {
	keys := newKeys(t)
	ua := newBrowser(t)
	for _, standard := range []bool{true, false} {
		sub := webpush.Subscription{Endpoint: "https://push.example.net/x", P256dh: ua.p256dh, Auth: ua.auth, Standard: standard}
		for _, n := range []int{0, webpush.MaxPayload} {
			payload := bytes.Repeat([]byte{'p'}, n)
			req, err := webpush.NewRequest(t.Context(), sub, payload, keys, "", 0, "")
			if err != nil {
				t.Fatalf("standard=%v n=%d: %v", standard, n, err)
			}
			body, _ := io.ReadAll(req.Body)
			if len(body) > 4096 {
				t.Errorf("standard=%v n=%d: body %d bytes, over 4096", standard, n, len(body))
			}
			if req.ContentLength != int64(len(body)) {
				t.Errorf("ContentLength %d, body %d", req.ContentLength, len(body))
			}
			if req.Header.Get("Urgency") != "" || req.Header.Get("TTL") != "0" {
				t.Errorf("Urgency %q TTL %q", req.Header.Get("Urgency"), req.Header.Get("TTL"))
			}
			plain, err := webpush.Decrypt(req.Header.Get("Content-Encoding"), req.Header, body, ua.priv, ua.authBytes(t))
			if err != nil {
				t.Fatalf("standard=%v n=%d: %v", standard, n, err)
			}
			if !bytes.Equal(plain, payload) {
				t.Errorf("standard=%v n=%d: payload changed", standard, n)
			}
		}
		if _, err := webpush.NewRequest(t.Context(), sub, make([]byte, webpush.MaxPayload+1), keys, "", 0, ""); err == nil {
			t.Errorf("standard=%v: oversized payload accepted", standard)
		}
	}
}

// TestDecryptRefusesTampering shows the receiver catches a flipped bit, a
// wrong auth secret, a wrong private key and a swapped content coding,
// which is what lets a fake push service's test trust a successful Decrypt.
func TestDecryptRefusesTampering(t *testing.T) {
	keys := newKeys(t)
	ua := newBrowser(t)
	other := newBrowser(t)
	for _, standard := range []bool{true, false} {
		sub := webpush.Subscription{Endpoint: "https://push.example.net/x", P256dh: ua.p256dh, Auth: ua.auth, Standard: standard}
		req, err := webpush.NewRequest(t.Context(), sub, []byte("secret"), keys, "", time.Minute, "")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(req.Body)
		coding := req.Header.Get("Content-Encoding")

		flipped := bytes.Clone(body)
		flipped[len(flipped)-1] ^= 1
		if _, err := webpush.Decrypt(coding, req.Header, flipped, ua.priv, ua.authBytes(t)); err == nil {
			t.Errorf("%s: flipped body decrypted", coding)
		}
		if _, err := webpush.Decrypt(coding, req.Header, body, ua.priv, other.authBytes(t)); err == nil {
			t.Errorf("%s: wrong auth decrypted", coding)
		}
		if _, err := webpush.Decrypt(coding, req.Header, body, other.priv, ua.authBytes(t)); err == nil {
			t.Errorf("%s: wrong key decrypted", coding)
		}
		wrong := map[string]string{"aes128gcm": "aesgcm", "aesgcm": "aes128gcm"}[coding]
		if _, err := webpush.Decrypt(wrong, req.Header, body, ua.priv, ua.authBytes(t)); err == nil {
			t.Errorf("%s: decrypted as %s", coding, wrong)
		}
	}
	if _, err := webpush.Decrypt("br", nil, []byte("x"), ua.priv, ua.authBytes(t)); err == nil {
		t.Error("unknown coding accepted")
	}
}

// TestVerifyVAPIDRefuses shows VerifyVAPID is a real check: a token that is
// altered in any part, or presented for another origin or with another key,
// fails, so a test that gets a key back knows the instance signed.
func TestVerifyVAPIDRefuses(t *testing.T) {
	keys := newKeys(t)
	ua := newBrowser(t)
	const endpoint = "https://push.example.net/wpush/v2/abc"
	standard, err := webpush.NewRequest(t.Context(), webpush.Subscription{Endpoint: endpoint, P256dh: ua.p256dh, Auth: ua.auth, Standard: true}, []byte("x"), keys, "", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := webpush.NewRequest(t.Context(), webpush.Subscription{Endpoint: endpoint, P256dh: ua.p256dh, Auth: ua.auth}, []byte("x"), keys, "", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*http.Request{standard, legacy} {
		if k, err := webpush.VerifyVAPID(r.Header, endpoint); err != nil || k != keys.PublicKey() {
			t.Fatalf("untouched request: %q, %v", k, err)
		}
	}

	auth := standard.Header.Get("Authorization")
	jwt := strings.TrimSuffix(strings.TrimPrefix(auth, "vapid t="), ", k="+keys.PublicKey())
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q", jwt)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if len(sig) != 64 {
		t.Fatalf("signature is %d bytes, want JOSE r||s of 64", len(sig))
	}
	sig[10] ^= 0x80
	tamperedSig := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
	forgedClaims := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"aud":"https://push.example.net","exp":4102444800}`)) + "." + parts[2]
	noneAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"none"}`)) + "." + parts[1] + "."
	otherKey := newKeys(t).PublicKey()

	cases := map[string]struct {
		header   http.Header
		endpoint string
	}{
		"tampered signature":        {vapidHeader("vapid t=" + tamperedSig + ", k=" + keys.PublicKey()), endpoint},
		"forged claims":             {vapidHeader("vapid t=" + forgedClaims + ", k=" + keys.PublicKey()), endpoint},
		"alg none":                  {vapidHeader("vapid t=" + noneAlg + ", k=" + keys.PublicKey()), endpoint},
		"another key":               {vapidHeader("vapid t=" + jwt + ", k=" + otherKey), endpoint},
		"another origin":            {standard.Header, "https://push.example.org/wpush/v2/abc"},
		"another port":              {standard.Header, "https://push.example.net:8443/wpush/v2/abc"},
		"no header":                 {http.Header{}, endpoint},
		"bearer":                    {vapidHeader("Bearer " + jwt), endpoint},
		"no key":                    {vapidHeader("vapid t=" + jwt), endpoint},
		"legacy without Crypto-Key": {vapidHeader(legacy.Header.Get("Authorization")), endpoint},
	}
	for name, c := range cases {
		if k, err := webpush.VerifyVAPID(c.header, c.endpoint); err == nil {
			t.Errorf("%s: verified as %s", name, k)
		}
	}
}

func vapidHeader(authorization string) http.Header {
	h := http.Header{}
	h.Set("Authorization", authorization)
	return h
}

// TestVAPIDStorage shows the stored form survives a round trip, has the
// shape Mastodon's API exposes (unpadded base64url of a 65-byte point), and
// that keys exported by a Mastodon instance (padded urlsafe base64) load.
func TestVAPIDStorage(t *testing.T) {
	keys := newKeys(t)
	priv, pub := keys.Marshal()
	if pub != keys.PublicKey() {
		t.Errorf("Marshal public %s, PublicKey %s", pub, keys.PublicKey())
	}
	raw, err := base64.RawURLEncoding.DecodeString(pub)
	if err != nil || len(raw) != 65 || raw[0] != 4 {
		t.Errorf("public key %q is not unpadded base64url of an uncompressed point", pub)
	}
	if len(priv) != 43 {
		t.Errorf("private key %q is not 32 bytes of unpadded base64url", priv)
	}
	again, err := webpush.ParseVAPID(priv)
	if err != nil {
		t.Fatal(err)
	}
	if again.PublicKey() != pub {
		t.Error("reparsed key differs")
	}
	d, _ := base64.RawURLEncoding.DecodeString(priv)
	for _, form := range []string{base64.URLEncoding.EncodeToString(d), base64.StdEncoding.EncodeToString(d)} {
		k, err := webpush.ParseVAPID(form)
		if err != nil || k.PublicKey() != pub {
			t.Errorf("ParseVAPID(%q): %v", form, err)
		}
	}
	// A bignum with a leading zero byte, as Ruby writes it.
	short := append(make([]byte, 31), 7)
	k, err := webpush.ParseVAPID(base64.URLEncoding.EncodeToString(short[1:]))
	if err != nil {
		t.Fatal(err)
	}
	if k2, _ := webpush.ParseVAPID(base64.RawURLEncoding.EncodeToString(short)); k2.PublicKey() != k.PublicKey() {
		t.Error("a short scalar is not left-padded")
	}

	for _, bad := range []string{"", "!!!", base64.RawURLEncoding.EncodeToString(make([]byte, 33)), base64.RawURLEncoding.EncodeToString(make([]byte, 32)), strings.Repeat("_", 43)} {
		if _, err := webpush.ParseVAPID(bad); err == nil {
			t.Errorf("ParseVAPID(%q) accepted", bad)
		}
	}
	if p, q := (webpush.VAPIDKeys{}).Marshal(); p != "" || q != "" {
		t.Error("empty keys marshal to something")
	}
}

// TestValidateSubscriptionKeys covers what a client can get wrong when it
// subscribes, and that every refusal is recognisable as such.
func TestValidateSubscriptionKeys(t *testing.T) {
	ua := newBrowser(t)
	point, _ := base64.RawURLEncoding.DecodeString(ua.p256dh)
	auth, _ := base64.RawURLEncoding.DecodeString(ua.auth)

	good := map[string][2]string{
		"unpadded base64url": {ua.p256dh, ua.auth},
		"padded base64url":   {base64.URLEncoding.EncodeToString(point), base64.URLEncoding.EncodeToString(auth)},
		"standard base64":    {base64.StdEncoding.EncodeToString(point), base64.StdEncoding.EncodeToString(auth)},
		"unpadded standard":  {base64.RawStdEncoding.EncodeToString(point), base64.RawStdEncoding.EncodeToString(auth)},
	}
	for name, k := range good {
		if err := webpush.ValidateSubscriptionKeys(k[0], k[1]); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	offCurve := bytes.Clone(point)
	offCurve[64] ^= 1 // y no longer matches x
	compressed := append([]byte{2 + point[64]&1}, point[1:33]...)
	wrongPrefix := bytes.Clone(point)
	wrongPrefix[0] = 3
	infinity := make([]byte, 65)
	infinity[0] = 4
	enc := base64.RawURLEncoding.EncodeToString
	bad := map[string][2]string{
		"empty p256dh":       {"", ua.auth},
		"empty auth":         {ua.p256dh, ""},
		"bad base64 p256dh":  {"not*base64", ua.auth},
		"bad base64 auth":    {ua.p256dh, "%%%"},
		"point not on curve": {enc(offCurve), ua.auth},
		"zero point":         {enc(infinity), ua.auth},
		"compressed point":   {enc(compressed), ua.auth},
		"wrong prefix":       {enc(wrongPrefix), ua.auth},
		"short point":        {enc(point[:64]), ua.auth},
		"long point":         {enc(append(bytes.Clone(point), 0)), ua.auth},
		"auth of 15 bytes":   {ua.p256dh, enc(auth[:15])},
		"auth of 17 bytes":   {ua.p256dh, enc(append(bytes.Clone(auth), 0))},
		"keys swapped":       {ua.auth, ua.p256dh},
	}
	for name, k := range bad {
		err := webpush.ValidateSubscriptionKeys(k[0], k[1])
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !errors.Is(err, webpush.ErrInvalidSubscriptionKeys) {
			t.Errorf("%s: %v does not wrap ErrInvalidSubscriptionKeys", name, err)
		}
	}
	// The message says what is wrong, not only that something is.
	err := webpush.ValidateSubscriptionKeys(enc(offCurve), ua.auth)
	if err == nil || !strings.Contains(err.Error(), "not a point on P-256") {
		t.Errorf("off-curve error: %v", err)
	}
	err = webpush.ValidateSubscriptionKeys(ua.p256dh, enc(auth[:15]))
	if err == nil || !strings.Contains(err.Error(), "15 bytes") {
		t.Errorf("short auth error: %v", err)
	}
}

// TestNewRequestRefuses shows bad arguments fail before anything is
// encrypted or sent.
func TestNewRequestRefuses(t *testing.T) {
	keys := newKeys(t)
	ua := newBrowser(t)
	sub := webpush.Subscription{Endpoint: "https://push.example.net/x", P256dh: ua.p256dh, Auth: ua.auth, Standard: true}
	ctx := t.Context()
	cases := map[string]func() error{
		"no VAPID key": func() error {
			_, err := webpush.NewRequest(ctx, sub, nil, webpush.VAPIDKeys{}, "", 0, "")
			return err
		},
		"negative TTL": func() error {
			_, err := webpush.NewRequest(ctx, sub, nil, keys, "", -time.Second, "")
			return err
		},
		"unknown urgency": func() error {
			_, err := webpush.NewRequest(ctx, sub, nil, keys, "", 0, "urgent")
			return err
		},
		"bad contact": func() error {
			_, err := webpush.NewRequest(ctx, sub, nil, keys, "http://herd.example", 0, "")
			return err
		},
		"relative endpoint": func() error {
			s := sub
			s.Endpoint = "/push"
			_, err := webpush.NewRequest(ctx, s, nil, keys, "", 0, "")
			return err
		},
		"bad subscription keys": func() error {
			s := sub
			s.Auth = "AAAA"
			_, err := webpush.NewRequest(ctx, s, nil, keys, "", 0, "")
			if !errors.Is(err, webpush.ErrInvalidSubscriptionKeys) {
				return nil
			}
			return err
		},
	}
	for name, f := range cases {
		if f() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestEncryptFreshness shows two encryptions of the same payload share no
// salt or ephemeral key; a repeat would reuse an AES-GCM key and nonce.
func TestEncryptFreshness(t *testing.T) {
	ua := newBrowser(t)
	a, _, err := webpush.EncryptAES128GCM(ua.p256dh, ua.auth, []byte("same"))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := webpush.EncryptAES128GCM(ua.p256dh, ua.auth, []byte("same"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a[:16], b[:16]) || bytes.Equal(a[21:86], b[21:86]) {
		t.Error("salt or sender key repeated")
	}
	_, ha, err := webpush.EncryptAESGCM(ua.p256dh, ua.auth, []byte("same"))
	if err != nil {
		t.Fatal(err)
	}
	_, hb, err := webpush.EncryptAESGCM(ua.p256dh, ua.auth, []byte("same"))
	if err != nil {
		t.Fatal(err)
	}
	if ha.Get("Encryption") == hb.Get("Encryption") || ha.Get("Crypto-Key") == hb.Get("Crypto-Key") {
		t.Error("legacy salt or sender key repeated")
	}
}
