package activitypub

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"herd/internal/httpsig"
)

// Authorized fetch (Mastodon's AUTHORIZED_FETCH, implied by limited-
// federation mode): actors, statuses and collections are served to
// ActivityPub clients only when the GET carries a valid HTTP signature
// from a domain this instance federates with. Unsigned or badly signed
// requests get 401, a signer on a suspended (or, in limited-federation
// mode, not allowed) domain gets 403 before its key is fetched. Browsers
// asking for a page, WebFinger, host-meta, NodeInfo and the instance actor
// stay public, so that other servers can find the keys to sign with.

// signed wraps a document handler with the authorized-fetch check.
func (h *Handler) signed(next func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !h.core.Domains.AuthorizedFetch() || !wantsActivityJSON(r) {
			return next(w, r)
		}
		w.Header().Add("Vary", "Signature")
		if status, msg := h.verifyGET(r); status != 0 {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(status)
			_, err := w.Write([]byte(`{"error":"` + msg + `"}`))
			return err
		}
		// The answer depends on who asked: no shared cache may keep it.
		return next(privateCache{w}, r)
	}
}

// verifyGET checks a GET's signature and returns 0 when it is good, or the
// status and message to refuse it with.
func (h *Handler) verifyGET(r *http.Request) (int, string) {
	f := h.fetcher.Load()
	if f == nil {
		return http.StatusUnauthorized, "Request not signed"
	}
	keys := &federatedKeys{inner: &inboxKeys{fetcher: f, cache: h.keys}, allowed: h.core.Domains.FederationAllowed}
	v := httpsig.Verifier{Keys: keys, Scheme: h.core.Config.Protocol}
	if _, err := v.Verify(r.Context(), r, nil); err != nil {
		if keys.refused {
			return http.StatusForbidden, "Request not allowed from this domain"
		}
		h.log.Info("authorized fetch: signature refused", "path", r.URL.Path, "err", err)
		return http.StatusUnauthorized, "Request not signed or signature invalid"
	}
	return 0, ""
}

// federatedKeys refuses keys on domains federation is not allowed with,
// before anything is fetched from them, and finds the others through the
// inbox's key lookup (signed GETs and inbox POSTs alike). allowed nil
// admits every domain.
type federatedKeys struct {
	inner   *inboxKeys
	allowed func(ctx context.Context, host string) bool
	refused bool
}

func (k *federatedKeys) FetchKey(ctx context.Context, keyID string, refetch bool) (httpsig.PublicKey, error) {
	u, err := url.Parse(keyID)
	if err != nil || u.Host == "" {
		return httpsig.PublicKey{}, fmt.Errorf("%w: key id %q", ErrRefusedURI, keyID)
	}
	if k.allowed != nil && !k.allowed(ctx, u.Host) {
		k.refused = true
		return httpsig.PublicKey{}, fmt.Errorf("%w: %s", ErrBlockedDomain, u.Host)
	}
	return k.inner.FetchKey(ctx, keyID, refetch)
}

// privateCache turns the public caching writeDocument allows into private
// caching: under authorized fetch a document may differ by signer.
type privateCache struct{ http.ResponseWriter }

func (p privateCache) WriteHeader(status int) {
	p.fix()
	p.ResponseWriter.WriteHeader(status)
}

func (p privateCache) Write(b []byte) (int, error) {
	p.fix()
	return p.ResponseWriter.Write(b)
}

func (p privateCache) fix() {
	h := p.Header()
	if cc := h.Get("Cache-Control"); strings.Contains(cc, "public") {
		h.Set("Cache-Control", strings.Replace(cc, "public", "private", 1))
	}
}
