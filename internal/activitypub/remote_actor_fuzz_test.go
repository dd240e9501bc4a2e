package activitypub

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"testing"
	"unicode/utf8"

	"herd/internal/core"
	"herd/internal/httpsig"
	"herd/internal/text"
)

// FuzzParseActor feeds arbitrary JSON to the actor reader as if fetched
// from https://remote.example/users/bob. Whatever it accepts must keep the
// rules: the id is the fetched one, the username can stand in an address,
// the key is the actor's and parses, text is capped and HTML sanitized.
func FuzzParseActor(f *testing.F) {
	const id = "https://remote.example/users/bob"
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	pemJSON, _ := json.Marshal(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	f.Add(`{"id":"` + id + `","type":"Person","preferredUsername":"bob","inbox":"` + id + `/inbox",` +
		`"publicKey":{"id":"` + id + `#main-key","owner":"` + id + `","publicKeyPem":` + string(pemJSON) + `}}`)
	f.Add(`{"id":"` + id + `","type":["Service","Person"],"preferredUsername":"bob","inbox":"` + id + `/inbox",` +
		`"summary":"<script>x</script><a href=javascript:1 onclick=2>y</a>","name":null,"url":[{"href":"https://r/@bob","mediaType":"text/html"}],` +
		`"icon":[{"url":{"href":"https://r/a.png"}}],"attachment":[{"type":"PropertyValue","name":"n","value":"<b onmouseover=x>v</b>"},1,"s",null],` +
		`"publicKey":[{"id":"` + id + `#k","owner":"` + id + `","publicKeyPem":` + string(pemJSON) + `}],"endpoints":{"sharedInbox":"https://remote.example/inbox"}}`)
	f.Add(`{"id":"` + id + `","type":"Person","preferredUsername":"b@c","inbox":5,"publicKey":"` + id + `#k"}`)
	f.Add(`[]`)
	c := core.New(core.Deps{Config: core.Config{Domain: "herd.example", Protocol: "https"}})
	fetcher := NewFetcher(nil, c, nil)
	f.Fuzz(func(t *testing.T, body string) {
		r, err := fetcher.parseActor(&Document{ID: id, Body: []byte(body)})
		if err != nil {
			return
		}
		if r.URI != id || r.Domain != "remote.example" || !validRemoteUsername(r.Username) {
			t.Fatalf("accepted id %q domain %q username %q", r.URI, r.Domain, r.Username)
		}
		if _, err := httpsig.ParsePublicKeyPEM([]byte(r.PublicKeyPEM)); err != nil {
			t.Fatalf("accepted a key that does not parse: %v", err)
		}
		if u, err := url.Parse(r.InboxURL); err != nil || u.Scheme != "https" || u.Host == "herd.example" {
			t.Fatalf("accepted inbox %q", r.InboxURL)
		}
		if utf8.RuneCountInString(r.DisplayName) > maxRemoteDisplayName || len(r.Fields) > maxRemoteFields {
			t.Fatalf("caps not applied")
		}
		if text.SanitizeRemote(r.Note) != r.Note {
			t.Fatalf("note not sanitized: %q", r.Note)
		}
		for _, fl := range r.Fields {
			if text.SanitizeRemote(fl.Value) != fl.Value || utf8.RuneCountInString(fl.Name) > maxRemoteFieldChars {
				t.Fatalf("field not sanitized or capped: %+v", fl)
			}
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
	})
}
