package webpush

import (
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// NewUserAgentKeys makes what a browser makes when it subscribes: a P-256
// key pair whose public half is p256dh, and a 16-byte auth secret, both
// encoded as PushSubscription.toJSON encodes them (base64url, no padding).
// The private key is what Decrypt needs; it is for tests that play the
// browser.
func NewUserAgentKeys() (priv *ecdh.PrivateKey, p256dh, auth string, err error) {
	priv, err = ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", "", fmt.Errorf("webpush: user agent key: %w", err)
	}
	secret := make([]byte, authSecretLen)
	if _, err := rand.Read(secret); err != nil {
		return nil, "", "", fmt.Errorf("webpush: auth secret: %w", err)
	}
	return priv, base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		base64.RawURLEncoding.EncodeToString(secret), nil
}

// Decrypt is the user agent's side of both codings, for tests that play the
// browser or a fake push service's subscriber: contentEncoding and header
// are those of the received request (aesgcm needs its Encryption and
// Crypto-Key), uaPrivate and auth the subscription's secrets. It is strict
// where a browser is, so that a sender bug shows up as an error here rather
// than as a notification that silently never appears: padding must be
// well formed, records delimited as RFC 8188 says, and a stream that ends on
// a full record (a truncation) is refused.
func Decrypt(contentEncoding string, header http.Header, body []byte, uaPrivate *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	if uaPrivate == nil || uaPrivate.Curve() != ecdh.P256() {
		return nil, errors.New("webpush: decrypt needs the subscription's P-256 private key")
	}
	if len(auth) != authSecretLen {
		return nil, fmt.Errorf("webpush: auth secret is %d bytes, want %d", len(auth), authSecretLen)
	}
	switch strings.ToLower(strings.TrimSpace(contentEncoding)) {
	case AES128GCM:
		return decryptAES128GCM(body, uaPrivate, auth)
	case AESGCM:
		return decryptAESGCM(header, body, uaPrivate, auth)
	}
	return nil, fmt.Errorf("webpush: unknown content coding %q", contentEncoding)
}

func decryptAES128GCM(body []byte, ua *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	h, err := parseAES128GCMHeader(body)
	if err != nil {
		return nil, err
	}
	// RFC 8291 section 3.1 puts the sender's key in keyid; anything else
	// there means a sender that does not speak Web Push.
	as, err := ecdh.P256().NewPublicKey(h.keyID)
	if err != nil {
		return nil, errors.New("webpush: aes128gcm keyid is not an uncompressed P-256 point")
	}
	ikm, err := webPushIKM(ua, as, auth, h.keyID, ua.PublicKey().Bytes())
	if err != nil {
		return nil, err
	}
	return openAES128GCM(ikm, h)
}

type aes128gcmHeader struct {
	salt    []byte
	rs      uint32
	keyID   []byte
	records []byte
}

// parseAES128GCMHeader reads RFC 8188 section 2.1's header.
func parseAES128GCMHeader(body []byte) (aes128gcmHeader, error) {
	if len(body) < 21 {
		return aes128gcmHeader{}, errors.New("webpush: aes128gcm body shorter than its header")
	}
	h := aes128gcmHeader{salt: body[:16], rs: binary.BigEndian.Uint32(body[16:20])}
	idlen := int(body[20])
	if len(body) < 21+idlen {
		return aes128gcmHeader{}, errors.New("webpush: aes128gcm body shorter than its keyid")
	}
	h.keyID = body[21 : 21+idlen]
	h.records = body[21+idlen:]
	// A record must hold the tag and at least the delimiter octet.
	if h.rs < 18 {
		return aes128gcmHeader{}, fmt.Errorf("webpush: aes128gcm record size %d is below 18", h.rs)
	}
	return h, nil
}

// openAES128GCM decrypts RFC 8188 records once the input keying material is
// known. It is apart from the Web Push key agreement so that RFC 8188's own
// multi-record example, which has none, can exercise it.
func openAES128GCM(ikm []byte, h aes128gcmHeader) ([]byte, error) {
	gcm, nonce, err := aes128gcmKeys(ikm, h.salt)
	if err != nil {
		return nil, err
	}
	if len(h.records) == 0 {
		return nil, errors.New("webpush: aes128gcm body has no record")
	}
	var out []byte
	rs := int(h.rs)
	for seq, rest := uint64(0), h.records; len(rest) > 0; seq++ {
		n := min(rs, len(rest))
		rec, err := gcm.Open(nil, recordNonce(nonce, seq), rest[:n], nil)
		if err != nil {
			return nil, fmt.Errorf("webpush: aes128gcm record %d does not decrypt", seq)
		}
		rest = rest[n:]
		last := len(rest) == 0
		// Padding is zeros after a delimiter: 0x02 ends the last record,
		// 0x01 any other (RFC 8188 section 2).
		end := len(rec) - 1
		for end >= 0 && rec[end] == 0 {
			end--
		}
		switch {
		case end < 0:
			return nil, fmt.Errorf("webpush: aes128gcm record %d has no delimiter", seq)
		case last && rec[end] != 0x02:
			return nil, fmt.Errorf("webpush: aes128gcm last record ends with 0x%02x, want delimiter 0x02", rec[end])
		case !last && rec[end] != 0x01:
			return nil, fmt.Errorf("webpush: aes128gcm record %d ends with 0x%02x, want delimiter 0x01", seq, rec[end])
		}
		out = append(out, rec[:end]...)
	}
	return out, nil
}

func decryptAESGCM(header http.Header, body []byte, ua *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	salt, rs, keyID, err := aesgcmEncryption(header)
	if err != nil {
		return nil, err
	}
	dh, err := aesgcmDH(header, keyID)
	if err != nil {
		return nil, err
	}
	as, err := ecdh.P256().NewPublicKey(dh)
	if err != nil {
		return nil, errors.New("webpush: Crypto-Key dh is not an uncompressed P-256 point")
	}
	gcm, nonce, err := aesgcmKeys(ua, as, auth, salt, ua.PublicKey().Bytes(), dh)
	if err != nil {
		return nil, err
	}
	return openAESGCM(gcm, nonce, rs, body)
}

// aesgcmEncryption reads the Encryption header's first entry, the one a
// single-coding message has.
func aesgcmEncryption(header http.Header) (salt []byte, rs int, keyID string, err error) {
	entries := headerParams(header.Values("Encryption"))
	if len(entries) == 0 {
		return nil, 0, "", errors.New("webpush: aesgcm needs an Encryption header")
	}
	e := entries[0]
	salt, err = decodeBase64(e["salt"])
	if err != nil || len(salt) != 16 {
		return nil, 0, "", errors.New("webpush: Encryption salt is not 16 bytes of base64")
	}
	// 4096 is the draft's default; the padding length alone takes 2.
	rs = 4096
	if v, ok := e["rs"]; ok {
		rs, err = strconv.Atoi(v)
		if err != nil || rs <= 2 {
			return nil, 0, "", fmt.Errorf("webpush: Encryption rs %q is not a record size above 2", v)
		}
	}
	return salt, rs, e["keyid"], nil
}

// aesgcmDH finds the sender's key in Crypto-Key, in the entry that the
// Encryption header's keyid names if it names one, since a legacy Crypto-Key
// may also carry the VAPID key and others.
func aesgcmDH(header http.Header, keyID string) ([]byte, error) {
	for _, e := range headerParams(header.Values("Crypto-Key")) {
		v, ok := e["dh"]
		if !ok || (keyID != "" && e["keyid"] != keyID) {
			continue
		}
		dh, err := decodeBase64(v)
		if err != nil {
			return nil, errors.New("webpush: Crypto-Key dh is not base64")
		}
		return dh, nil
	}
	return nil, errors.New("webpush: aesgcm needs a Crypto-Key header with dh=")
}

// openAESGCM decrypts draft-ietf-httpbis-encryption-encoding-03 records: rs
// bytes of plaintext each, the last shorter, every one led by a two-byte
// count of zero padding bytes that follow it.
func openAESGCM(gcm cipher.AEAD, nonce []byte, rs int, body []byte) ([]byte, error) {
	if len(body) == 0 {
		return nil, errors.New("webpush: aesgcm body is empty")
	}
	full := rs + gcm.Overhead()
	var out []byte
	for seq, rest := uint64(0), body; len(rest) > 0; seq++ {
		n := min(full, len(rest))
		rec, err := gcm.Open(nil, recordNonce(nonce, seq), rest[:n], nil)
		if err != nil {
			return nil, fmt.Errorf("webpush: aesgcm record %d does not decrypt", seq)
		}
		rest = rest[n:]
		// The draft has a sender end on a short record so that cutting a
		// stream at a record boundary is detectable.
		if len(rest) == 0 && n == full {
			return nil, errors.New("webpush: aesgcm body ends on a full record, it may be truncated")
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("webpush: aesgcm record %d is too short for its padding length", seq)
		}
		pad := int(binary.BigEndian.Uint16(rec))
		if 2+pad > len(rec) {
			return nil, fmt.Errorf("webpush: aesgcm record %d claims %d padding bytes, has %d", seq, pad, len(rec)-2)
		}
		for _, b := range rec[2 : 2+pad] {
			if b != 0 {
				return nil, fmt.Errorf("webpush: aesgcm record %d has non-zero padding", seq)
			}
		}
		out = append(out, rec[2+pad:]...)
	}
	return out, nil
}
