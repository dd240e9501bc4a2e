package webpush

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Subscription is what a client registered through POST /api/v1/push/subscription.
type Subscription struct {
	// Endpoint is the push service URL the notification is POSTed to.
	Endpoint string
	// P256dh and Auth are the subscription's keys as the client sent them.
	P256dh, Auth string
	// Standard selects aes128gcm and RFC 8292 VAPID. Mastodon 4.4 added the
	// flag and left it false by default, because clients written before it
	// decrypt only aesgcm.
	Standard bool
}

// Urgency values of RFC 8030 section 5.3.
const (
	UrgencyVeryLow = "very-low"
	UrgencyLow     = "low"
	UrgencyNormal  = "normal"
	UrgencyHigh    = "high"
)

// NewRequest builds the POST that delivers payload to sub: encrypted in the
// subscription's coding, signed with the instance's VAPID key for contact
// (an e-mail address, or a mailto: or https: URI; see RFC 8292's sub), to be
// kept by the push service for ttl, with an RFC 8030 Urgency when urgency is
// not "". Sending it, and reading the push service's answer (404 and 410
// mean the subscription is gone), is left to the caller, who also owns the
// HTTP client and its SSRF rules.
//
// A standard subscription gets Content-Encoding aes128gcm and
// "Authorization: vapid t=<jwt>, k=<key>"; any other gets aesgcm with
// "Authorization: WebPush <jwt>" and the key as p256ecdsa= in Crypto-Key next
// to dh=, exactly as Mastodon sends them.
func NewRequest(ctx context.Context, sub Subscription, payload []byte, keys VAPIDKeys, contact string, ttl time.Duration, urgency string) (*http.Request, error) {
	if keys.Private == nil {
		return nil, errors.New("webpush: no VAPID key")
	}
	if ttl < 0 {
		return nil, fmt.Errorf("webpush: negative TTL %s", ttl)
	}
	switch urgency {
	case "", UrgencyVeryLow, UrgencyLow, UrgencyNormal, UrgencyHigh:
	default:
		return nil, fmt.Errorf("webpush: urgency %q is not one of RFC 8030's", urgency)
	}
	aud, err := audience(sub.Endpoint)
	if err != nil {
		return nil, err
	}
	subj, err := subject(contact)
	if err != nil {
		return nil, err
	}

	var body []byte
	var enc http.Header
	if sub.Standard {
		body, enc, err = EncryptAES128GCM(sub.P256dh, sub.Auth, payload)
	} else {
		body, enc, err = EncryptAESGCM(sub.P256dh, sub.Auth, payload)
	}
	if err != nil {
		return nil, err
	}
	jwt, err := keys.token(vapidClaims{Aud: aud, Exp: time.Now().Add(tokenLifetime).Unix(), Sub: subj})
	if err != nil {
		return nil, err
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webpush: %w", err)
	}
	for name, values := range enc {
		req.Header[name] = values
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	// RFC 8030 section 5.2 counts TTL in whole seconds; a fraction is dropped
	// rather than rounded up so that a notification is never kept longer
	// than asked.
	req.Header.Set("TTL", strconv.FormatInt(int64(ttl/time.Second), 10))
	if urgency != "" {
		req.Header.Set("Urgency", urgency)
	}
	if sub.Standard {
		req.Header.Set("Authorization", "vapid t="+jwt+", k="+keys.PublicKey())
	} else {
		req.Header.Set("Authorization", "WebPush "+jwt)
		req.Header.Set("Crypto-Key", enc.Get("Crypto-Key")+";p256ecdsa="+keys.PublicKey())
	}
	return req, nil
}
