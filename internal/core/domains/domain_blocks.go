package domains

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// DomainBlockParams are the settings of a domain block as the admin API
// and CLI take them; nil fields keep their value (or default on create:
// severity silence, as Mastodon).
type DomainBlockParams struct {
	Domain         string // create only
	Severity       *string
	RejectMedia    *bool
	RejectReports  *bool
	PrivateComment *string
	PublicComment  *string
	Obfuscate      *bool
}

// ExistingDomainBlockError refuses a block that an existing one (on the
// domain itself, or on a parent domain at least as strict) already covers;
// the admin API shows the existing block, as Mastodon does.
type ExistingDomainBlockError struct {
	Err      *fault.Error // 422 with Mastodon's message
	Existing *model.DomainBlock
}

func (e *ExistingDomainBlockError) Error() string { return e.Err.Error() }
func (e *ExistingDomainBlockError) Unwrap() error { return e.Err }

// apply copies the set fields of p onto b and validates the result.
func (p DomainBlockParams) apply(b *model.DomainBlock) error {
	if p.Severity != nil {
		b.Severity = *p.Severity
	}
	switch b.Severity {
	case model.SeveritySilence, model.SeveritySuspend, model.SeverityNoop:
	default:
		return fault.Unprocessable("Validation failed: Severity is not included in the list")
	}
	set := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	set(&b.RejectMedia, p.RejectMedia)
	set(&b.RejectReports, p.RejectReports)
	set(&b.Obfuscate, p.Obfuscate)
	if p.PrivateComment != nil {
		b.PrivateComment = strings.TrimSpace(*p.PrivateComment)
	}
	if p.PublicComment != nil {
		b.PublicComment = strings.TrimSpace(*p.PublicComment)
	}
	return nil
}

// stricterThan is Mastodon's DomainBlock#stricter_than?: whether b limits
// at least everything other does, so a block on a subdomain of an already
// blocked domain is only accepted when it adds something.
func stricterThan(b, other *model.DomainBlock) bool {
	if b.Severity == model.SeveritySuspend {
		return true
	}
	if other.Severity == model.SeveritySuspend || (other.Severity == model.SeveritySilence && b.Severity == model.SeverityNoop) {
		return false
	}
	return (b.RejectMedia || !other.RejectMedia) && (b.RejectReports || !other.RejectReports)
}

// DomainBlocks lists the domain blocks, newest first (admin).
func (s *Service) DomainBlocks(ctx context.Context) ([]model.DomainBlock, error) {
	return s.store.DomainBlocks(ctx)
}

// DomainBlock loads one domain block (admin).
func (s *Service) DomainBlock(ctx context.Context, id int64) (*model.DomainBlock, error) {
	b, err := s.store.DomainBlockByID(ctx, id)
	return b, fault.NotFoundOr(err)
}

// BlockDomain creates a domain block and applies it at once: a suspension
// suspends every known account of the domain and its subdomains, a
// silence silences them, each marked with the block's creation time so
// that lifting it restores exactly those (Mastodon's BlockDomainService).
func (s *Service) BlockDomain(ctx context.Context, p DomainBlockParams) (*model.DomainBlock, error) {
	domain, err := NormalizeDomain(p.Domain)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	b := &model.DomainBlock{ID: ids.New(), Domain: domain, Severity: model.SeveritySilence, CreatedAt: now, UpdatedAt: now}
	if err := p.apply(b); err != nil {
		return nil, err
	}
	if existing := s.DomainBlockFor(ctx, domain); existing != nil && (existing.Domain == domain || !stricterThan(b, existing)) {
		return nil, existingBlock(existing)
	}
	var touched []int64
	var stale []string
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		touched, stale = nil, nil
		if err := tx.InsertDomainBlock(ctx, b); err != nil {
			return err
		}
		if b.RejectMedia {
			if err := s.domainMediaChanged(ctx, tx, b.Domain, true, &touched, &stale); err != nil {
				return err
			}
		}
		return s.limitDomainAccounts(ctx, tx, b, true, &touched)
	})
	if errors.Is(err, store.ErrDuplicate) {
		// Created on another node since this one last loaded the policy.
		s.ForgetDomainPolicy()
		if existing := s.DomainBlockFor(ctx, domain); existing != nil {
			return nil, existingBlock(existing)
		}
	}
	if err != nil {
		return nil, err
	}
	s.forgetDomainChange(touched)
	s.deleteFiles(ctx, stale...)
	return b, nil
}

// forgetDomainChange drops this node's copies of what a domain block
// change touched at once; other nodes follow the events log.
func (s *Service) forgetDomainChange(accounts []int64) {
	s.ForgetDomainPolicy()
	for _, id := range accounts {
		s.accountChanged(id)
	}
}

func existingBlock(b *model.DomainBlock) error {
	return &ExistingDomainBlockError{Err: fault.Unprocessable("You have already imposed stricter limits on " + b.Domain + "."),
		Existing: b}
}

// UpdateDomainBlock changes a block's settings; a new severity lifts the
// old one's effect on accounts and applies the new one.
func (s *Service) UpdateDomainBlock(ctx context.Context, id int64, p DomainBlockParams) (*model.DomainBlock, error) {
	var b *model.DomainBlock
	var touched []int64
	var stale []string
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		touched, stale = nil, nil
		var err error
		if b, err = tx.DomainBlockByID(ctx, id); err != nil {
			return err
		}
		old := *b
		if err := p.apply(b); err != nil {
			return err
		}
		b.UpdatedAt = time.Now()
		if err := tx.UpdateDomainBlock(ctx, b); err != nil {
			return err
		}
		if old.RejectMedia != b.RejectMedia {
			if err := s.domainMediaChanged(ctx, tx, b.Domain, b.RejectMedia, &touched, &stale); err != nil {
				return err
			}
		}
		if old.Severity == b.Severity {
			return tx.AppendEvent(ctx, store.EventDomainPolicy, b.ID, 0, "")
		}
		if err := s.limitDomainAccounts(ctx, tx, &old, false, &touched); err != nil {
			return err
		}
		return s.limitDomainAccounts(ctx, tx, b, true, &touched)
	})
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	s.forgetDomainChange(touched)
	s.deleteFiles(ctx, stale...)
	return b, nil
}

// UnblockDomain deletes a block and lifts its effect: the accounts it
// suspended or silenced are restored (Mastodon's UnblockDomainService).
func (s *Service) UnblockDomain(ctx context.Context, id int64) error {
	var touched []int64
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		b, err := tx.DomainBlockByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteDomainBlock(ctx, id); err != nil {
			return err
		}
		if b.RejectMedia {
			if err := s.domainMediaChanged(ctx, tx, b.Domain, false, &touched, nil); err != nil {
				return err
			}
		}
		return s.limitDomainAccounts(ctx, tx, b, false, &touched)
	})
	if err != nil {
		return fault.NotFoundOr(err)
	}
	s.forgetDomainChange(touched)
	return nil
}

// DomainBlockByDomain finds the block on exactly domain (admin CLI).
func (s *Service) DomainBlockByDomain(ctx context.Context, domain string) (*model.DomainBlock, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	blocks, err := s.store.DomainBlocks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range blocks {
		if blocks[i].Domain == d {
			return &blocks[i], nil
		}
	}
	return nil, fault.ErrRecordNotFound
}

// limitDomainAccounts applies (or, with on false, lifts) what block b does
// to the known accounts of its domain, adds those it changed to touched,
// and logs the change in the events log so every node reloads its domain
// policy and drops cached accounts.
func (s *Service) limitDomainAccounts(ctx context.Context, tx *store.Store, b *model.DomainBlock, on bool, touched *[]int64) error {
	if column := limitColumn(b); column != "" {
		accounts, err := tx.AccountsOnDomain(ctx, b.Domain)
		if err != nil {
			return err
		}
		var changed []int64
		if on {
			changed, err = tx.SetAccountsDomainLimit(ctx, accounts, column, b.CreatedAt)
		} else {
			changed, err = tx.LiftAccountsDomainLimit(ctx, accounts, column, b.CreatedAt)
		}
		if err != nil {
			return err
		}
		*touched = append(*touched, changed...)
		kind := store.EventAccountSuspended
		if column == "silenced_at" {
			kind = store.EventAccountUpdated
		}
		for _, id := range changed {
			if err := tx.AppendEvent(ctx, kind, id, id, ""); err != nil {
				return err
			}
		}
	}
	return tx.AppendEvent(ctx, store.EventDomainPolicy, b.ID, 0, "")
}

// limitColumn is the account column block b marks: suspended_at, or
// silenced_at, or none.
func limitColumn(b *model.DomainBlock) string {
	switch b.Severity {
	case model.SeveritySuspend:
		return "suspended_at"
	case model.SeveritySilence:
		return "silenced_at"
	}
	return ""
}

// LimitNewAccount marks a newly stored remote account as its domain's
// block marked the accounts known when it was made.
func (s *Service) LimitNewAccount(ctx context.Context, tx *store.Store, a *model.Account) error {
	b := s.DomainBlockFor(ctx, a.Domain)
	if b == nil || limitColumn(b) == "" {
		return nil
	}
	_, err := tx.SetAccountsDomainLimit(ctx, []int64{a.ID}, limitColumn(b), b.CreatedAt)
	return err
}

// DomainAllows lists the allowed domains, newest first (admin).
func (s *Service) DomainAllows(ctx context.Context) ([]model.DomainAllow, error) {
	return s.store.DomainAllows(ctx)
}

// DomainAllow loads one allowed domain (admin).
func (s *Service) DomainAllow(ctx context.Context, id int64) (*model.DomainAllow, error) {
	a, err := s.store.DomainAllowByID(ctx, id)
	return a, fault.NotFoundOr(err)
}

// AllowDomain adds domain to the allowlist of limited-federation mode; an
// already allowed domain is answered with its existing entry, as Mastodon.
func (s *Service) AllowDomain(ctx context.Context, domain string) (*model.DomainAllow, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	if a, err := s.domainAllowByDomain(ctx, d); err == nil {
		return a, nil
	}
	a := &model.DomainAllow{ID: ids.New(), Domain: d, CreatedAt: time.Now()}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.InsertDomainAllow(ctx, a); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventDomainPolicy, a.ID, 0, "")
	})
	if errors.Is(err, store.ErrDuplicate) {
		return s.domainAllowByDomain(ctx, d)
	}
	if err != nil {
		return nil, err
	}
	s.ForgetDomainPolicy()
	return a, nil
}

// DisallowDomain removes an allowed domain.
func (s *Service) DisallowDomain(ctx context.Context, id int64) error {
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteDomainAllow(ctx, id); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventDomainPolicy, id, 0, "")
	})
	if err != nil {
		return fault.NotFoundOr(err)
	}
	s.ForgetDomainPolicy()
	return nil
}

// DomainAllowByDomain finds the allow of exactly domain (admin CLI).
func (s *Service) DomainAllowByDomain(ctx context.Context, domain string) (*model.DomainAllow, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	return s.domainAllowByDomain(ctx, d)
}

func (s *Service) domainAllowByDomain(ctx context.Context, d string) (*model.DomainAllow, error) {
	allows, err := s.store.DomainAllows(ctx)
	if err != nil {
		return nil, err
	}
	for i := range allows {
		if allows[i].Domain == d {
			return &allows[i], nil
		}
	}
	return nil, fault.ErrRecordNotFound
}

// PublicDomainBlock is a row of /api/v1/instance/domain_blocks.
type PublicDomainBlock struct {
	Domain   string // obfuscated when the block says so
	Digest   string // SHA-256 hex of the real domain
	Severity string
	Comment  string
}

// PublicDomainBlocks lists the blocks the instance shows the public: those
// that limit users (silence, suspend), silences first then suspensions,
// each by domain, as Mastodon orders them. Per Deps.ShowDomainBlocks the
// list is shown to all, to signed-in users only, or to no one (404).
func (s *Service) PublicDomainBlocks(ctx context.Context, v *model.Viewer) ([]PublicDomainBlock, error) {
	switch s.showDomainBlocks {
	case ShowDomainBlocksAll:
	case ShowDomainBlocksUsers:
		if v.AccountID() == 0 {
			return nil, fault.ErrRecordNotFound
		}
	default:
		return nil, fault.ErrRecordNotFound
	}
	blocks, err := s.store.DomainBlocks(ctx)
	if err != nil {
		return nil, err
	}
	rank := map[string]int{model.SeveritySilence: 1, model.SeveritySuspend: 2}
	sort.SliceStable(blocks, func(i, j int) bool {
		if rank[blocks[i].Severity] != rank[blocks[j].Severity] {
			return rank[blocks[i].Severity] < rank[blocks[j].Severity]
		}
		return blocks[i].Domain < blocks[j].Domain
	})
	out := []PublicDomainBlock{}
	for _, b := range blocks {
		if rank[b.Severity] == 0 {
			continue
		}
		out = append(out, PublicDomainBlock{Domain: publicDomain(b), Digest: DomainDigest(b.Domain),
			Severity: b.Severity, Comment: b.PublicComment})
	}
	return out, nil
}

// DomainDigest is the SHA-256 hex of a domain, which lets others check
// whether an obfuscated block is about a domain they know.
func DomainDigest(domain string) string {
	sum := sha256.Sum256([]byte(domain))
	return hex.EncodeToString(sum[:])
}

// publicDomain hides the middle of an obfuscated domain behind '*', dots
// kept, the first and last quarter shown (Mastodon's public_domain).
func publicDomain(b model.DomainBlock) string {
	if !b.Obfuscate {
		return b.Domain
	}
	chars := []rune(b.Domain)
	n := len(chars)
	visible := n / 4
	for i, r := range chars {
		if i > visible && i < n-visible && r != '.' {
			chars[i] = '*'
		}
	}
	return string(chars)
}

// domainMediaChanged follows a domain's reject_media being set (reject
// true) or lifted: its accounts show other pictures, so they are logged
// as changed (every node drops its copies) and added to touched; when set,
// their cached avatars and headers are forgotten and their keys added to
// stale, to delete once committed, as Mastodon's BlockDomainService clears
// the domain's account images. Lifted, pictures are fetched again when an
// account is next stored.
func (s *Service) domainMediaChanged(ctx context.Context, tx *store.Store, domain string, reject bool, touched *[]int64, stale *[]string) error {
	accounts, err := tx.AccountsOnDomain(ctx, domain)
	if err != nil {
		return err
	}
	for _, id := range accounts {
		if reject {
			a, err := tx.AccountByID(ctx, id)
			if err != nil {
				return err
			}
			if a.AvatarKey != "" || a.HeaderKey != "" {
				if err := tx.SetAccountImageKeys(ctx, id, "", ""); err != nil {
					return err
				}
				*stale = append(*stale, a.AvatarKey, a.HeaderKey)
			}
		}
		if err := tx.AppendEvent(ctx, store.EventAccountUpdated, id, id, ""); err != nil {
			return err
		}
		*touched = append(*touched, id)
	}
	return nil
}
