package httpsig

import "errors"

// The rules a request can break. Verify returns one of these wrapped with
// detail ("%w: …"), so callers pick the rule with errors.Is and log the
// whole message. Every one of them means the inbox answers 401, except
// ErrNotSigned, which a caller may accept for unsigned GETs when
// authorized fetch is off.
var (
	// ErrNotSigned: the request has neither Signature nor Signature-Input.
	ErrNotSigned = errors.New("httpsig: request is not signed")
	// ErrMalformed: a signature header does not parse.
	ErrMalformed = errors.New("httpsig: malformed signature header")
	// ErrHeaderTooLarge: a signature or digest header exceeds Policy.MaxHeaderBytes.
	ErrHeaderTooLarge = errors.New("httpsig: signature header too large")
	// ErrDuplicateParam: a signature parameter (or dictionary key) appears twice.
	ErrDuplicateParam = errors.New("httpsig: duplicate signature parameter")
	// ErrMissingParam: keyId/keyid, signature or created is missing or empty.
	ErrMissingParam = errors.New("httpsig: missing signature parameter")
	// ErrBadBase64: the signature or a digest is not valid base64.
	ErrBadBase64 = errors.New("httpsig: value is not valid base64")
	// ErrUnsupportedAlgorithm: the named algorithm is not one we verify.
	ErrUnsupportedAlgorithm = errors.New("httpsig: unsupported signature algorithm")
	// ErrBadHeaderList: the list of signed headers or components names an
	// unknown pseudo-header or component, repeats a name, or is too long.
	ErrBadHeaderList = errors.New("httpsig: bad list of signed headers")
	// ErrMissingHeader: a header the signature covers is absent from the request.
	ErrMissingHeader = errors.New("httpsig: signed header missing from request")
	// ErrRequestTargetNotSigned: the method and path are not covered.
	ErrRequestTargetNotSigned = errors.New("httpsig: request target not signed")
	// ErrHostNotSigned: the host (authority) is not covered.
	ErrHostNotSigned = errors.New("httpsig: host not signed")
	// ErrDateNotSigned: neither date nor a signed creation time is covered.
	ErrDateNotSigned = errors.New("httpsig: neither date nor created signed")
	// ErrDigestNotSigned: a request with a body does not sign its digest.
	ErrDigestNotSigned = errors.New("httpsig: body digest not signed")
	// ErrDigestMismatch: the digest header does not match the body.
	ErrDigestMismatch = errors.New("httpsig: digest does not match body")
	// ErrUnsupportedDigest: the digest header offers no SHA-256 (or SHA-512 in Content-Digest).
	ErrUnsupportedDigest = errors.New("httpsig: no supported digest algorithm")
	// ErrBadDate: the Date header or a created/expires value does not parse.
	ErrBadDate = errors.New("httpsig: unparseable signature time")
	// ErrExpired: the signature is older than the policy allows.
	ErrExpired = errors.New("httpsig: signature expired")
	// ErrFromFuture: the signature claims to be made further ahead than the clock skew allows.
	ErrFromFuture = errors.New("httpsig: signature made in the future")
	// ErrKeyUnavailable: the KeyFetcher could not produce a key.
	ErrKeyUnavailable = errors.New("httpsig: public key unavailable")
	// ErrUnsupportedKey: the key is of an unsupported type or too weak (RSA under 2048 bits).
	ErrUnsupportedKey = errors.New("httpsig: unsupported or weak public key")
	// ErrKeyMismatch: the key's type does not fit the named algorithm
	// (for example hmac or ed25519 named for an RSA key).
	ErrKeyMismatch = errors.New("httpsig: key type does not fit algorithm")
	// ErrBadSignature: the signature does not verify with the key.
	ErrBadSignature = errors.New("httpsig: signature does not verify")
	// ErrMultipleSignatures: an RFC 9421 request carries more than one signature.
	ErrMultipleSignatures = errors.New("httpsig: more than one signature")
)
