package httpsig

import (
	"context"
	"crypto"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestKeyRefetch: a signature that fails with a cached key is retried once
// with a refetched key (key rotation), never more, and only when the key
// could be at fault.
func TestKeyRefetch(t *testing.T) {
	k := mustKeys(t)
	cases := []struct {
		name          string
		rfc9421       bool
		f             *fetcher
		now           time.Duration
		want          error
		wantCalls     int
		wantRefetch   int
		wantRefetched bool
	}{
		{name: "cached current key: one fetch",
			f:    &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}, cached: true},
			want: nil, wantCalls: 1},
		{name: "cached old key, rotated: refetched once and verifies",
			f:    &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}, stale: map[string]crypto.PublicKey{aliceKey: k.rsa2.Public()}},
			want: nil, wantCalls: 2, wantRefetch: 1, wantRefetched: true},
		{name: "cached Ed25519 key, rotated to RSA: refetched",
			f:    &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}, stale: map[string]crypto.PublicKey{aliceKey: k.ed.Public()}},
			want: nil, wantCalls: 2, wantRefetch: 1, wantRefetched: true},
		{name: "cached and refetched keys both wrong: fails after one refetch",
			f:    &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa2.Public()}, stale: map[string]crypto.PublicKey{aliceKey: k.rsa2.Public()}},
			want: ErrBadSignature, wantCalls: 2, wantRefetch: 1},
		{name: "freshly fetched wrong key: no refetch",
			f:    &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa2.Public()}},
			want: ErrBadSignature, wantCalls: 1},
		{name: "fetch fails: no retry",
			f:    &fetcher{err: errors.New("connection refused")},
			want: ErrKeyUnavailable, wantCalls: 1},
		{name: "stale request: no fetch at all",
			f:   &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}},
			now: 2 * time.Hour, want: ErrExpired, wantCalls: 0},
		{name: "RFC 9421: cached old key, rotated: refetched once", rfc9421: true,
			f:    &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}, stale: map[string]crypto.PublicKey{aliceKey: k.rsa2.Public()}},
			want: nil, wantCalls: 2, wantRefetch: 1, wantRefetched: true},
		{name: "RFC 9421: both wrong: one refetch", rfc9421: true,
			f:    &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa2.Public()}, stale: map[string]crypto.PublicKey{aliceKey: k.rsa2.Public()}},
			want: ErrBadSignature, wantCalls: 2, wantRefetch: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := []byte(`{"type":"Like"}`)
			r := newRequest(t, "POST", "https://b.example/inbox", body)
			var err error
			if c.rfc9421 {
				err = MessageSigner{KeyID: aliceKey, Key: k.rsa, Created: t0}.Sign(r, body)
			} else {
				err = Signer{KeyID: aliceKey, Key: k.rsa, Now: clock(t0)}.Sign(r, body)
			}
			if err != nil {
				t.Fatal(err)
			}
			v := Verifier{Keys: c.f, Now: clock(t0.Add(c.now))}
			res, err := v.Verify(context.Background(), onServer(t, r, body), body)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.f.calls != c.wantCalls || c.f.refetch != c.wantRefetch {
				t.Errorf("fetches = %d (refetches %d), want %d (%d)", c.f.calls, c.f.refetch, c.wantCalls, c.wantRefetch)
			}
			if err == nil && res.Refetched != c.wantRefetched {
				t.Errorf("Refetched = %v, want %v", res.Refetched, c.wantRefetched)
			}
		})
	}
}

func TestVerifierWithoutFetcher(t *testing.T) {
	k := mustKeys(t)
	r := newRequest(t, "GET", "https://b.example/users/bob", nil)
	if err := (Signer{KeyID: aliceKey, Key: k.rsa, Now: clock(t0)}).Sign(r, nil); err != nil {
		t.Fatal(err)
	}
	_, err := (&Verifier{Now: clock(t0)}).Verify(context.Background(), onServer(t, r, nil), nil)
	if !errors.Is(err, ErrKeyUnavailable) {
		t.Fatalf("err = %v, want ErrKeyUnavailable", err)
	}
}

// TestWeakKeyFromFetcher: the key size rule applies to whatever the
// fetcher returns, not only to keys read with ParsePublicKeyPEM.
func TestWeakKeyFromFetcher(t *testing.T) {
	k := mustKeys(t)
	r := newRequest(t, http.MethodGet, "https://b.example/users/bob", nil)
	if err := (Signer{KeyID: aliceKey, Key: k.rsa, Now: clock(t0)}).Sign(r, nil); err != nil {
		t.Fatal(err)
	}
	f := &fetcher{keys: map[string]crypto.PublicKey{aliceKey: k.rsa.Public()}}
	v := Verifier{Keys: f, Now: clock(t0), Policy: Policy{MinRSABits: 3072}}
	if _, err := v.Verify(context.Background(), onServer(t, r, nil), nil); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("err = %v, want ErrUnsupportedKey", err)
	}
}
