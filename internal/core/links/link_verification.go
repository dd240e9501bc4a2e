package links

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"herd/internal/core/fault"
	"herd/internal/jobs"
	"herd/internal/model"
	"herd/internal/store"
)

// Profile link verification, as Mastodon's: a profile field whose value is
// a web address is marked verified (Field.VerifiedAt) once the page it
// names links back to the account with rel="me". A local account's
// fields are checked when its owner saves them, a remote account's when
// its actor document brings new ones (after a random delay, so the
// linked site is not visited by every server at once). A verified field
// stays verified while its value is unchanged.

// QueueLinks is the job queue of link verifications: one job per account
// to check, payload a linkJob.
const QueueLinks = "links"

// LinkVerifier reads the rel="me" links of a web page; cards.Fetcher
// implements it over the guarded outbound client.
type LinkVerifier interface {
	RelMeLinks(ctx context.Context, url string) ([]string, error)
}

type linkJob struct {
	AccountID int64 `json:"account_id"`
}

// VerifiableURL is the web address a profile field's value names, as
// Mastodon decides what to verify and what to offer as <link rel="me">:
// for a local account the value typed, when it is one http(s) URL; for a
// remote account the value's only link, when its text is its address.
func VerifiableURL(a *model.Account, value string) (string, bool) {
	v := strings.TrimSpace(value)
	if !a.Local() {
		if v = linkOnlyHref(v); v == "" {
			return "", false
		}
	}
	u, err := url.Parse(v)
	if err != nil || strings.ContainsAny(v, " \t\r\n") || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

// linkOnlyHref is the address of a value that is nothing but one link
// showing its own address ("" otherwise). Mastodon renders such links
// with hidden spans around the shortened text; their text still adds up
// to the address.
func linkOnlyHref(value string) string {
	nodes, err := html.ParseFragment(strings.NewReader(value), &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"})
	if err != nil || len(nodes) != 1 || nodes[0].DataAtom != atom.A {
		return ""
	}
	var href string
	for _, at := range nodes[0].Attr {
		if at.Key == "href" {
			href = at.Val
		}
	}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(nodes[0])
	if href == "" || !sameLink(text.String(), href) {
		return ""
	}
	return href
}

// hasUnverifiedLinks reports whether a's fields name a web address not
// verified yet.
func hasUnverifiedLinks(a *model.Account) bool {
	for _, f := range a.Fields {
		if _, ok := VerifiableURL(a, f.Value); ok && f.VerifiedAt == nil {
			return true
		}
	}
	return false
}

// QueueLinkVerification enqueues the check of a's unverified links, if it
// has any, to run after delay.
func (s *Service) QueueLinkVerification(ctx context.Context, tx *store.Store, a *model.Account, delay time.Duration) error {
	if !hasUnverifiedLinks(a) {
		return nil
	}
	payload, err := json.Marshal(linkJob{AccountID: a.ID})
	if err != nil {
		return err
	}
	_, err = tx.EnqueueJob(ctx, QueueLinks, string(payload), time.Now().Add(delay))
	return err
}

// RemoteLinkDelay spreads the verification of a remote account's links
// as its cards are spread (Deps.RemoteCardSpread).
func (s *Service) RemoteLinkDelay() time.Duration {
	if s := s.remoteCardSpread(); s > 0 {
		return rand.N(s)
	}
	return 0
}

// KeepVerified carries the verification times of unchanged values from
// old fields to new ones (an actor document never brings them).
func KeepVerified(fields, old []model.Field) {
	for i := range fields {
		for _, o := range old {
			if o.Value == fields[i].Value && o.VerifiedAt != nil && fields[i].VerifiedAt == nil {
				fields[i].VerifiedAt = o.VerifiedAt
			}
		}
	}
}

// LinkJobs works a batch of link verification jobs. A page that cannot be
// fetched or does not link back leaves its field unverified, without a
// retry, as in Mastodon; only a failure to save is retried.
func (s *Service) LinkJobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	failed := map[int64]error{}
	for _, j := range batch {
		var job linkJob
		if err := json.Unmarshal([]byte(j.Payload), &job); err != nil || job.AccountID == 0 {
			s.log.Error("links: bad payload, dropped", "job", j.ID, "payload", j.Payload)
			continue
		}
		if err := s.verifyLinks(ctx, job.AccountID); err != nil {
			failed[j.ID] = err
		}
	}
	return failed
}

// verifyLinks checks an account's unverified links and marks those whose
// page links back to its profile page or its ActivityPub id.
func (s *Service) verifyLinks(ctx context.Context, accountID int64) error {
	if s.linkVerifier == nil {
		return nil
	}
	a, err := s.store.AccountByID(ctx, accountID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil || a.Suspended() {
		return err
	}
	backs := []string{a.URL, a.URI}
	if a.Local() {
		backs = append(backs, s.site.AccountURL(a.Username))
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	verified := map[string]bool{} // by field value
	for _, f := range a.Fields {
		target, ok := VerifiableURL(a, f.Value)
		if !ok || f.VerifiedAt != nil || verified[f.Value] {
			continue
		}
		links, err := s.linkVerifier.RelMeLinks(ctx, target)
		if err != nil {
			s.log.Debug("links: page not read", "url", target, "err", err)
			continue
		}
		for _, l := range links {
			for _, b := range backs {
				if b != "" && sameLink(l, b) {
					verified[f.Value] = true
				}
			}
		}
	}
	if len(verified) == 0 {
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		fresh, err := tx.AccountByID(ctx, accountID)
		if err != nil {
			return fault.NotFoundOr(err)
		}
		changed := false
		for i, f := range fresh.Fields { // the owner may have edited them meanwhile
			if verified[f.Value] && f.VerifiedAt == nil {
				fresh.Fields[i].VerifiedAt, changed = &now, true
			}
		}
		if !changed {
			return nil
		}
		if err := tx.UpdateAccountFields(ctx, accountID, fresh.Fields); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, accountID, accountID, "")
	})
	if err == nil || errors.Is(err, fault.ErrRecordNotFound) {
		s.accountChanged(accountID)
		return nil
	}
	return err
}

// sameLink compares two web addresses as verification does: the scheme
// and host in any case, a trailing slash or none.
func sameLink(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSuffix(strings.TrimSpace(s), "/")
		if u, err := url.Parse(s); err == nil {
			u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
			return u.String()
		}
		return s
	}
	return norm(a) == norm(b)
}
