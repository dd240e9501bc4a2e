package httpsig

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMastodonInterop verifies requests signed the way Mastodon signs
// them, built here by hand (signing string, Signature header, raw HTTP)
// without our Signer; then checks our Signer produces the very same
// header (RSASSA-PKCS1-v1_5 is deterministic).
func TestMastodonInterop(t *testing.T) {
	k := mustKeys(t)
	body := `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/users/alice#follows/1","type":"Follow","actor":"https://a.example/users/alice","object":"https://b.example/users/bob"}`
	sum := sha256.Sum256([]byte(body))
	digest := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
	date := "Sat, 28 Nov 2026 12:00:00 GMT"
	accept := `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

	cases := []struct {
		name, method, path, alg, covered string
		lines                            []string // the signing string, line by line
		extra                            string   // other request headers
		body                             string
	}{
		{
			name: "POST to an inbox", method: "POST", path: "/users/bob/inbox", alg: "rsa-sha256",
			covered: "(request-target) host date digest content-type",
			lines: []string{"(request-target): post /users/bob/inbox", "host: b.example", "date: " + date,
				"digest: " + digest, "content-type: application/activity+json"},
			extra: "Digest: " + digest + "\r\nContent-Type: application/activity+json\r\n", body: body,
		},
		{
			name: "signed GET (authorized fetch) with a query", method: "GET", path: "/users/bob/outbox?page=true", alg: "rsa-sha256",
			covered: "(request-target) host date accept",
			lines:   []string{"(request-target): get /users/bob/outbox?page=true", "host: b.example", "date: " + date, "accept: " + accept},
			extra:   "Accept: " + accept + "\r\n",
		},
		{
			name: "hs2019 POST (as GoToSocial sends)", method: "POST", path: "/inbox", alg: "hs2019",
			covered: "(request-target) host date digest",
			lines:   []string{"(request-target): post /inbox", "host: b.example", "date: " + date, "digest: " + digest},
			extra:   "Digest: " + digest + "\r\n", body: body,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hashed := sha256.Sum256([]byte(strings.Join(c.lines, "\n")))
			sig, err := rsa.SignPKCS1v15(rand.Reader, k.rsa, crypto.SHA256, hashed[:])
			if err != nil {
				t.Fatal(err)
			}
			header := `keyId="` + aliceKey + `",algorithm="` + c.alg + `",headers="` + c.covered + `",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`
			raw := c.method + " " + c.path + " HTTP/1.1\r\n" +
				"Host: b.example\r\n" +
				"User-Agent: http.rb/5.2.0 (Mastodon/4.3.0; +https://a.example/)\r\n" +
				"Date: " + date + "\r\n" +
				c.extra +
				"Signature: " + header + "\r\n" +
				"Content-Length: " + strconv.Itoa(len(c.body)) + "\r\n\r\n" + c.body
			f := &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}}
			v := Verifier{Keys: f, Now: clock(t0.Add(2 * time.Minute))}
			res, err := v.Verify(context.Background(), readRequest(t, raw), []byte(c.body))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.KeyID != aliceKey {
				t.Errorf("KeyID = %q", res.KeyID)
			}

			if c.alg != "rsa-sha256" {
				return
			}
			var sent []byte
			if c.body != "" {
				sent = []byte(c.body)
			}
			r := newRequest(t, c.method, "https://b.example"+c.path, sent)
			if c.method == "GET" {
				r.Header.Set("Accept", accept)
			}
			if err := (Signer{KeyID: aliceKey, Key: k.rsa, Now: clock(t0)}).Sign(r, sent); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Signature"); got != header {
				t.Errorf("our Signature differs from Mastodon's:\n got %s\nwant %s", got, header)
			}
		})
	}
}
