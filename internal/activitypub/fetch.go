package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"herd/internal/core"
	"herd/internal/core/site"
	"herd/internal/httpsig"
	"herd/internal/safehttp"
)

// fetchAccept is the Accept header of every ActivityPub GET, as Mastodon
// sends it.
const fetchAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// asProfile is the JSON-LD profile that makes application/ld+json an
// ActivityStreams document.
const asProfile = "https://www.w3.org/ns/activitystreams"

// Errors of Fetch. Each is wrapped with the URL it concerns.
var (
	// ErrGone: the remote answered 410 Gone (the object or actor was deleted).
	ErrGone = errors.New("activitypub: gone")
	// ErrNotFound: the remote answered 404.
	ErrNotFound = errors.New("activitypub: not found")
	// ErrRefusedURI: the URI is not one Herd fetches (not https, or on
	// this instance's host, which no remote may speak for).
	ErrRefusedURI = errors.New("activitypub: refused URI")
	// ErrNotActivityPub: the answer was not an ActivityPub document (wrong
	// content type, not a JSON object, no id).
	ErrNotActivityPub = errors.New("activitypub: not an ActivityPub document")
	// ErrIDMismatch: the document's id is not the URL it came from, even
	// after fetching it again from its id.
	ErrIDMismatch = errors.New("activitypub: document id does not match its URL")
	// ErrInvalidActor: the document is not an acceptable actor (see
	// ResolveActor).
	ErrInvalidActor = errors.New("activitypub: invalid actor")
	// ErrBlockedDomain: the host is suspended by a domain block (or, in
	// limited-federation mode, not allowed): nothing is fetched from it.
	ErrBlockedDomain = errors.New("activitypub: domain blocked")
)

// StatusError is an unexpected HTTP status from a remote (other than 404
// and 410, which are ErrNotFound and ErrGone).
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("activitypub: GET %s: status %d", e.URL, e.Status)
}

// SigningKey returns the key Fetcher signs its GETs with: the instance
// actor's (Mastodon signs every fetch with it, and servers in authorized
// fetch mode refuse unsigned ones). ok is false when there is none yet,
// and the GET goes unsigned.
type SigningKey func(ctx context.Context) (s httpsig.Signer, ok bool, err error)

// InstanceActorKey signs with the instance actor's key (made on first
// use), as Mastodon signs the fetches it makes for the instance. The key
// is parsed once and kept: it never changes.
func InstanceActorKey(c *core.Core) SigningKey {
	var mu sync.Mutex
	var signer httpsig.Signer
	return func(ctx context.Context) (httpsig.Signer, bool, error) {
		mu.Lock()
		defer mu.Unlock()
		if signer.Key == nil {
			_, priv, err := c.Federation.InstanceActorKeys(ctx)
			if err != nil {
				return httpsig.Signer{}, false, err
			}
			key, err := httpsig.ParsePrivateKeyPEM([]byte(priv))
			if err != nil {
				return httpsig.Signer{}, false, err
			}
			signer = httpsig.Signer{KeyID: c.BaseURL() + "/actor#main-key", Key: key}
		}
		return signer, true, nil
	}
}

// Fetcher GETs ActivityPub documents from other servers through the one
// safe HTTP client, under the federation rules of DESIGN.md: only https
// ids (http too when this instance itself runs on http, for local
// tests), never a URI on this instance's host, only ActivityPub content
// types, bodies up to 1 MB, and a document whose id is not the URL it
// came from is fetched again from its id, once, and otherwise refused.
type Fetcher struct {
	client *safehttp.Client
	core   *core.Core
	key    SigningKey
}

// NewFetcher builds a Fetcher. c says which host is local and which
// schemes are allowed (its Config.Domain and Config.Protocol); key may be
// nil for unsigned fetches.
func NewFetcher(client *safehttp.Client, c *core.Core, key SigningKey) *Fetcher {
	return &Fetcher{client: client, core: c, key: key}
}

// Document is a fetched ActivityPub object.
type Document struct {
	// ID is the document's id, equal to the URL it was finally fetched from.
	ID string
	// Body is the JSON as received (at most 1 MB).
	Body []byte
}

// CheckURI parses a URI Herd is about to fetch or to trust as an id and
// refuses it with ErrRefusedURI when it is not https (or http on an http
// instance), has no host, carries userinfo, or names this instance's host.
func (f *Fetcher) CheckURI(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return nil, fmt.Errorf("%w: %q", ErrRefusedURI, raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && f.core.Config.Protocol == "http":
	default:
		return nil, fmt.Errorf("%w: scheme of %q", ErrRefusedURI, raw)
	}
	if f.core.IsLocalHost(u) {
		return nil, fmt.Errorf("%w: %q is on this instance", ErrRefusedURI, raw)
	}
	return u, nil
}

// Fetch GETs the document at uri (see Fetcher). The returned document's id
// equals uri, or the id it named when that one, fetched in turn, agreed.
func (f *Fetcher) Fetch(ctx context.Context, uri string) (*Document, error) {
	doc, err := f.fetchOnce(ctx, uri)
	if err != nil {
		return nil, err
	}
	if doc.ID == uri {
		return doc, nil
	}
	// The document says it lives elsewhere: believe it only from there
	// (Mastodon's fetch_resource with id_is_known false).
	if _, err := f.CheckURI(doc.ID); err != nil {
		return nil, err
	}
	again, err := f.fetchOnce(ctx, doc.ID)
	if err != nil {
		return nil, err
	}
	if again.ID != doc.ID {
		return nil, fmt.Errorf("%w: %s says %s, which says %s", ErrIDMismatch, uri, doc.ID, again.ID)
	}
	return again, nil
}

// fetchOnce GETs uri and returns the document whatever its id says, after
// checking that the id is on the host the answer finally came from (after
// redirects), so a redirect cannot lend one host's authority to another.
func (f *Fetcher) fetchOnce(ctx context.Context, uri string) (*Document, error) {
	body, final, err := f.get(ctx, uri, fetchAccept, true)
	if err != nil {
		return nil, err
	}
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(body, &head) != nil {
		return nil, fmt.Errorf("%w: %s is not a JSON object", ErrNotActivityPub, uri)
	}
	var id string
	if json.Unmarshal(head.ID, &id) != nil || id == "" {
		return nil, fmt.Errorf("%w: %s has no id", ErrNotActivityPub, uri)
	}
	idURL, err := f.CheckURI(id)
	if err != nil {
		return nil, err
	}
	if site.CanonicalHost(idURL) != site.CanonicalHost(final) {
		return nil, fmt.Errorf("%w: %s answered from %s with id %s", ErrIDMismatch, uri, final.Host, id)
	}
	return &Document{ID: id, Body: body}, nil
}

// get GETs uri (signed when asked and a key is available) and returns the
// body of a 200 answer with an acceptable content type (JSON, without its
// NUL characters: withoutNUL), and the URL the answer came from after
// redirects.
func (f *Fetcher) get(ctx context.Context, uri, accept string, activityPub bool) ([]byte, *url.URL, error) {
	u, err := f.CheckURI(uri)
	if err != nil {
		return nil, nil, err
	}
	if !f.core.Domains.FederationAllowed(ctx, u.Host) {
		return nil, nil, fmt.Errorf("%w: %s", ErrBlockedDomain, uri)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrRefusedURI, err)
	}
	req.Header.Set("Accept", accept)
	if activityPub && f.key != nil {
		s, ok, err := f.key(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("activitypub: signing key: %w", err)
		}
		if ok {
			if err := s.Sign(req, nil); err != nil {
				return nil, nil, fmt.Errorf("activitypub: sign GET %s: %w", uri, err)
			}
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	final := resp.Request.URL
	if final.Host != u.Host && !f.core.Domains.FederationAllowed(ctx, final.Host) {
		resp.Body.Close()
		return nil, nil, fmt.Errorf("%w: %s redirected to %s", ErrBlockedDomain, uri, final)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusGone:
		resp.Body.Close()
		return nil, nil, fmt.Errorf("%w: %s", ErrGone, uri)
	case http.StatusNotFound:
		resp.Body.Close()
		return nil, nil, fmt.Errorf("%w: %s", ErrNotFound, uri)
	default:
		resp.Body.Close()
		return nil, nil, &StatusError{URL: uri, Status: resp.StatusCode}
	}
	if activityPub && !isActivityPubType(resp.Header.Get("Content-Type")) {
		resp.Body.Close()
		return nil, nil, fmt.Errorf("%w: %s has content type %q", ErrNotActivityPub, uri, resp.Header.Get("Content-Type"))
	}
	body, err := safehttp.ReadLimited(resp, safehttp.DefaultMaxBody)
	if err != nil {
		return nil, nil, err
	}
	return withoutNUL(body), final, nil
}

// isActivityPubType accepts application/activity+json, and
// application/ld+json with the ActivityStreams profile (among others), as
// Mastodon does.
func isActivityPubType(header string) bool {
	mt, params, err := mime.ParseMediaType(header)
	if err != nil {
		return false
	}
	switch mt {
	case "application/activity+json":
		return true
	case "application/ld+json":
		for _, p := range strings.Fields(params["profile"]) {
			if p == asProfile {
				return true
			}
		}
	}
	return false
}
