package activitypub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// webFingerAccept is what Herd asks a WebFinger endpoint for.
const webFingerAccept = "application/jrd+json, application/json"

// webFinger asks host's WebFinger endpoint about user@host and returns
// the href of its ActivityPub self link and the answer's subject (without
// "acct:"; user@host when the answer has none).
func (f *Fetcher) webFinger(ctx context.Context, user, host string) (href, subject string, err error) {
	scheme := "https"
	if f.core.Config.Protocol == "http" {
		scheme = "http"
	}
	q := url.Values{"resource": {"acct:" + user + "@" + host}}
	endpoint := scheme + "://" + host + "/.well-known/webfinger?" + q.Encode()
	body, _, err := f.get(ctx, endpoint, webFingerAccept, false)
	if err != nil {
		return "", "", err
	}
	var jrd struct {
		Subject string `json:"subject"`
		Links   []struct {
			Rel  string `json:"rel"`
			Type string `json:"type"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if err := json.Unmarshal(body, &jrd); err != nil {
		return "", "", fmt.Errorf("%w: WebFinger of %s@%s: %v", ErrNotActivityPub, user, host, err)
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && isActivityPubType(l.Type) && l.Href != "" {
			href = l.Href
			break
		}
	}
	if href == "" {
		return "", "", fmt.Errorf("%w: WebFinger of %s@%s has no ActivityPub self link", ErrNotActivityPub, user, host)
	}
	if _, err := f.CheckURI(href); err != nil {
		return "", "", err
	}
	subject = strings.TrimPrefix(jrd.Subject, "acct:")
	if subject == "" {
		subject = user + "@" + host
	}
	return href, subject, nil
}

// splitAcct parses "user@host" (a leading "@" or "acct:" allowed) into a
// username and a canonical host, refusing what cannot be an address of
// another server.
func splitAcct(acct string) (user, host string, err error) {
	s := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(acct), "acct:"), "@")
	user, host, ok := strings.Cut(s, "@")
	if !ok || !validRemoteUsername(user) || host == "" || strings.ContainsAny(host, "/?#@\\ ") {
		return "", "", fmt.Errorf("%w: address %q", ErrRefusedURI, acct)
	}
	u, err := url.Parse("https://" + host)
	if err != nil || u.Host != host {
		return "", "", fmt.Errorf("%w: address %q", ErrRefusedURI, acct)
	}
	return user, strings.ToLower(strings.TrimSuffix(host, ".")), nil
}
