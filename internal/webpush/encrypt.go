package webpush

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
)

// The two content codings, as they appear in Content-Encoding.
const (
	// AES128GCM is RFC 8291 over RFC 8188, what browsers have spoken since
	// 2018 and what Mastodon uses for subscriptions marked standard.
	AES128GCM = "aes128gcm"
	// AESGCM is the draft-ietf-webpush-encryption-04 coding that Mastodon
	// keeps for subscriptions not marked standard.
	AESGCM = "aesgcm"
)

// MaxPayload is the most plaintext either coding takes. RFC 8291 section 4
// derives it for aes128gcm: push services need accept no more than 4096
// bytes of body, less the 86-byte header, one padding delimiter and the
// 16-byte tag. The legacy coding would fit a little more, but one limit for
// both keeps a notification from being deliverable to one client and not
// another.
const MaxPayload = 3993

// recordSize is the rs written into an aes128gcm header. RFC 8291 wants a
// single record, so the value matters only as an upper bound the receiver
// checks the body against; 4096 is what RFC 8291's example and browsers use.
const recordSize = 4096

// EncryptAES128GCM encrypts payload for a subscription with RFC 8291 and
// returns the whole request body (RFC 8188 header with salt, record size and
// the sender's ephemeral public key, then one record) and the headers that
// describe it. A fresh key pair and salt are drawn for every call, since
// reusing either would reuse an AES-GCM key and nonce.
func EncryptAES128GCM(p256dh, auth string, payload []byte) ([]byte, http.Header, error) {
	ua, secret, err := parseSubscriptionKeys(p256dh, auth)
	if err != nil {
		return nil, nil, err
	}
	as, salt, err := ephemeral()
	if err != nil {
		return nil, nil, err
	}
	body, err := encryptAES128GCM(ua, secret, payload, as, salt)
	if err != nil {
		return nil, nil, err
	}
	h := http.Header{}
	h.Set("Content-Encoding", AES128GCM)
	return body, h, nil
}

// EncryptAESGCM encrypts payload with the legacy aesgcm coding and returns
// the ciphertext and the headers without which it cannot be read:
// Content-Encoding, Encryption (the salt) and Crypto-Key (the sender's
// ephemeral key as dh=). A sender using "WebPush" VAPID appends its
// p256ecdsa= to that Crypto-Key, as NewRequest does.
func EncryptAESGCM(p256dh, auth string, payload []byte) ([]byte, http.Header, error) {
	ua, secret, err := parseSubscriptionKeys(p256dh, auth)
	if err != nil {
		return nil, nil, err
	}
	as, salt, err := ephemeral()
	if err != nil {
		return nil, nil, err
	}
	body, err := encryptAESGCM(ua, secret, payload, as, salt)
	if err != nil {
		return nil, nil, err
	}
	h := http.Header{}
	h.Set("Content-Encoding", AESGCM)
	h.Set("Encryption", "salt="+base64.RawURLEncoding.EncodeToString(salt))
	h.Set("Crypto-Key", "dh="+base64.RawURLEncoding.EncodeToString(as.PublicKey().Bytes()))
	return body, h, nil
}

func ephemeral() (*ecdh.PrivateKey, []byte, error) {
	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("webpush: ephemeral key: %w", err)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, fmt.Errorf("webpush: salt: %w", err)
	}
	return as, salt, nil
}

// encryptAES128GCM is the deterministic core of EncryptAES128GCM; the
// ephemeral key and salt come in from outside so that RFC 8291's example can
// be reproduced byte for byte.
func encryptAES128GCM(ua *ecdh.PublicKey, auth, plaintext []byte, as *ecdh.PrivateKey, salt []byte) ([]byte, error) {
	if len(plaintext) > MaxPayload {
		return nil, fmt.Errorf("webpush: payload is %d bytes, at most %d fit", len(plaintext), MaxPayload)
	}
	ikm, err := webPushIKM(as, ua, auth, as.PublicKey().Bytes(), ua.Bytes())
	if err != nil {
		return nil, err
	}
	gcm, nonce, err := aes128gcmKeys(ikm, salt)
	if err != nil {
		return nil, err
	}
	asPub := as.PublicKey().Bytes()
	body := make([]byte, 0, 16+4+1+len(asPub)+len(plaintext)+1+gcm.Overhead())
	body = append(body, salt...)
	body = binary.BigEndian.AppendUint32(body, recordSize)
	body = append(body, byte(len(asPub)))
	body = append(body, asPub...)
	// The only record is also the last, so its delimiter is 0x02 and no
	// further padding is added: padding would hide the length, but a push
	// message's size is already bounded and Mastodon does not pad either.
	record := append(append(make([]byte, 0, len(plaintext)+1), plaintext...), 0x02)
	return gcm.Seal(body, nonce, record, nil), nil
}

// webPushIKM is RFC 8291 section 3.3: the ECDH secret is mixed with the
// subscription's auth secret and both public keys, so that knowing p256dh
// alone (the push service does) is not enough to read anything. priv is the
// local half, whichever side is calling; asPub and uaPub are in the order
// the key_info string wants regardless.
func webPushIKM(priv *ecdh.PrivateKey, peer *ecdh.PublicKey, auth, asPub, uaPub []byte) ([]byte, error) {
	shared, err := priv.ECDH(peer)
	if err != nil {
		return nil, fmt.Errorf("webpush: ECDH: %w", err)
	}
	info := make([]byte, 0, 14+len(uaPub)+len(asPub))
	info = append(info, "WebPush: info\x00"...)
	info = append(info, uaPub...)
	info = append(info, asPub...)
	return hkdf.Key(sha256.New, shared, auth, string(info), 32)
}

// aes128gcmKeys is RFC 8188 section 2.2 and 2.3: the content key and the
// base nonce of every record, from the input keying material and the salt.
func aes128gcmKeys(ikm, salt []byte) (cipher.AEAD, []byte, error) {
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, nil, err
	}
	gcm, err := newGCM(cek)
	return gcm, nonce, err
}

// encryptAESGCM is the deterministic core of EncryptAESGCM, split out for
// the same reason as encryptAES128GCM. It follows the webpush gem that
// Mastodon has always used: one record, led by a two-byte zero padding
// length.
func encryptAESGCM(ua *ecdh.PublicKey, auth, plaintext []byte, as *ecdh.PrivateKey, salt []byte) ([]byte, error) {
	if len(plaintext) > MaxPayload {
		return nil, fmt.Errorf("webpush: payload is %d bytes, at most %d fit", len(plaintext), MaxPayload)
	}
	gcm, nonce, err := aesgcmKeys(as, ua, auth, salt, ua.Bytes(), as.PublicKey().Bytes())
	if err != nil {
		return nil, err
	}
	record := make([]byte, 2, 2+len(plaintext))
	record = append(record, plaintext...)
	return gcm.Seal(nil, nonce, record, nil), nil
}

// aesgcmKeys is draft-ietf-webpush-encryption-04 section 3 with
// draft-ietf-httpbis-encryption-encoding-03 section 4: the auth secret is
// mixed in by its own HKDF step labelled "Content-Encoding: auth", and both
// public keys go into a length-prefixed "P-256" context appended to the
// content key's and the nonce's info, receiver first.
func aesgcmKeys(priv *ecdh.PrivateKey, peer *ecdh.PublicKey, auth, salt, uaPub, asPub []byte) (cipher.AEAD, []byte, error) {
	shared, err := priv.ECDH(peer)
	if err != nil {
		return nil, nil, fmt.Errorf("webpush: ECDH: %w", err)
	}
	ikm, err := hkdf.Key(sha256.New, shared, auth, "Content-Encoding: auth\x00", 32)
	if err != nil {
		return nil, nil, err
	}
	context := []byte("P-256\x00")
	context = binary.BigEndian.AppendUint16(context, uint16(len(uaPub)))
	context = append(context, uaPub...)
	context = binary.BigEndian.AppendUint16(context, uint16(len(asPub)))
	context = append(context, asPub...)
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aesgcm\x00"+string(context), 16)
	if err != nil {
		return nil, nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00"+string(context), 12)
	if err != nil {
		return nil, nil, err
	}
	gcm, err := newGCM(cek)
	return gcm, nonce, err
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// recordNonce is the per-record nonce both codings share: the base nonce
// XORed with the record's sequence number as a 96-bit big-endian integer.
func recordNonce(base []byte, seq uint64) []byte {
	n := append([]byte(nil), base...)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seq)
	for i := range s {
		n[len(n)-8+i] ^= s[i]
	}
	return n
}
