package httpsig

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"testing"
)

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestParsePublicKeyPEM(t *testing.T) {
	k := mustKeys(t)
	pkix2048, err := x509.MarshalPKIXPublicKey(k.rsa.Public())
	if err != nil {
		t.Fatal(err)
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weakPKIX, _ := x509.MarshalPKIXPublicKey(&weak.PublicKey)
	pss, err := asn1.Marshal(struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}{
		pkix.AlgorithmIdentifier{Algorithm: oidRSASSAPSS},
		asn1.BitString{Bytes: x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey), BitLength: 8 * len(x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey))},
	})
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384PKIX, _ := x509.MarshalPKIXPublicKey(&p384.PublicKey)

	cases := []struct {
		name string
		pem  []byte
		want error
		typ  string
	}{
		{"PKIX RSA (what Mastodon publishes)", pemOf("PUBLIC KEY", pkix2048), nil, "rsa"},
		{"PKCS#1 RSA PUBLIC KEY", []byte(rfcKeyRSAPublic), nil, "rsa"},
		{"PKIX RSA with leading whitespace", append([]byte("\n  \n"), pemOf("PUBLIC KEY", pkix2048)...), nil, "rsa"},
		{"PKIX under the RSASSA-PSS identifier", pemOf("PUBLIC KEY", pss), nil, "rsa"},
		{"PKIX Ed25519", []byte(rfcKeyEd25519Public), nil, "ed25519"},
		{"PKIX ECDSA P-256", []byte(rfcKeyP256Public), nil, "ecdsa"},
		{"RSA 1024 bits (PKIX)", pemOf("PUBLIC KEY", weakPKIX), ErrUnsupportedKey, ""},
		{"RSA 1024 bits (PKCS#1)", pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&weak.PublicKey)), ErrUnsupportedKey, ""},
		{"ECDSA P-384", pemOf("PUBLIC KEY", p384PKIX), ErrUnsupportedKey, ""},
		{"certificate block", pemOf("CERTIFICATE", pkix2048), ErrUnsupportedKey, ""},
		{"private key block", []byte(rfcKeyRSAPrivate), ErrUnsupportedKey, ""},
		{"not PEM", []byte("hello"), ErrUnsupportedKey, ""},
		{"garbage DER", pemOf("PUBLIC KEY", []byte{0x30, 0x03, 1, 2, 3}), ErrUnsupportedKey, ""},
	}
	for _, c := range cases {
		pub, err := ParsePublicKeyPEM(c.pem)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
			continue
		}
		if c.want != nil {
			continue
		}
		var ok bool
		switch c.typ {
		case "rsa":
			_, ok = pub.(*rsa.PublicKey)
		case "ed25519":
			_, ok = pub.(ed25519.PublicKey)
		case "ecdsa":
			_, ok = pub.(*ecdsa.PublicKey)
		}
		if !ok {
			t.Errorf("%s: got %T, want %s", c.name, pub, c.typ)
		}
	}
}

func TestParsePrivateKeyPEM(t *testing.T) {
	k := mustKeys(t)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(k.rsa)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		pem  []byte
		want error
	}{
		{"PKCS#1 (what Mastodon stores)", []byte(rfcKeyRSAPrivate), nil},
		{"PKCS#8 RSA", pemOf("PRIVATE KEY", pkcs8), nil},
		{"PKCS#8 Ed25519", []byte(rfcKeyEd25519Private), nil},
		{"public key", []byte(rfcKeyRSAPublic), ErrUnsupportedKey},
		{"not PEM", []byte("x"), ErrUnsupportedKey},
	}
	for _, c := range cases {
		if _, err := ParsePrivateKeyPEM(c.pem); !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}
