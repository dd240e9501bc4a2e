package api

import (
	"errors"
	"net/http"

	"herd/internal/core/accounts"
	"herd/internal/core/domains"
	"herd/internal/ids"
	"herd/internal/model"
)

// adminDomainBlock is Mastodon's Admin::DomainBlock entity.
type adminDomainBlock struct {
	ID             string  `json:"id"`
	Domain         string  `json:"domain"`
	Digest         string  `json:"digest"`
	CreatedAt      string  `json:"created_at"`
	Severity       string  `json:"severity"`
	RejectMedia    bool    `json:"reject_media"`
	RejectReports  bool    `json:"reject_reports"`
	PrivateComment *string `json:"private_comment"`
	PublicComment  *string `json:"public_comment"`
	Obfuscate      bool    `json:"obfuscate"`
}

func domainBlockEntity(b *model.DomainBlock) adminDomainBlock {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return adminDomainBlock{ID: ids.Format(b.ID), Domain: b.Domain, Digest: domains.DomainDigest(b.Domain),
		CreatedAt: timestamp(b.CreatedAt), Severity: b.Severity, RejectMedia: b.RejectMedia,
		RejectReports: b.RejectReports, PrivateComment: opt(b.PrivateComment), PublicComment: opt(b.PublicComment),
		Obfuscate: b.Obfuscate}
}

// adminDomainAllow is Mastodon's Admin::DomainAllow entity.
type adminDomainAllow struct {
	ID        string `json:"id"`
	Domain    string `json:"domain"`
	CreatedAt string `json:"created_at"`
}

func domainAllowEntity(d *model.DomainAllow) adminDomainAllow {
	return adminDomainAllow{ID: ids.Format(d.ID), Domain: d.Domain, CreatedAt: timestamp(d.CreatedAt)}
}

// adminPage cuts a newest-first list of rows by id with Mastodon's
// max_id/since_id/min_id/limit (default and maximum 100 here, as the admin
// controllers' LIMIT), and sets the Link header.
func adminPage[T any](a *API, w http.ResponseWriter, r *http.Request, rows []T, id func(T) int64) ([]T, error) {
	p, err := parseParams(r)
	if err != nil {
		return nil, err
	}
	pg, err := pageParams(p, 100, 200)
	if err != nil {
		return nil, err
	}
	var kept []T
	for _, row := range rows {
		i := id(row)
		if (pg.MaxID != 0 && i >= pg.MaxID) || (pg.SinceID != 0 && i <= pg.SinceID) || (pg.MinID != 0 && i <= pg.MinID) {
			continue
		}
		kept = append(kept, row)
	}
	if pg.MinID != 0 && len(kept) > pg.Limit {
		kept = kept[len(kept)-pg.Limit:] // the page just after min_id
	} else if len(kept) > pg.Limit {
		kept = kept[:pg.Limit]
	}
	if len(kept) > 0 {
		a.setLinkHeader(w, r, id(kept[0]), id(kept[len(kept)-1]))
	}
	return kept, nil
}

func (a *API) listDomainBlocks(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	blocks, err := a.core.Domains.DomainBlocks(r.Context())
	if err != nil {
		return err
	}
	page, err := adminPage(a, w, r, blocks, func(b model.DomainBlock) int64 { return b.ID })
	if err != nil {
		return err
	}
	out := make([]adminDomainBlock, 0, len(page))
	for i := range page {
		out = append(out, domainBlockEntity(&page[i]))
	}
	return writeJSON(w, out)
}

func (a *API) getDomainBlock(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := a.core.Domains.DomainBlock(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, domainBlockEntity(b))
}

// domainBlockParams reads the settings a create or update may send; those
// not sent stay nil (unchanged, or the default on create).
func domainBlockParams(p params) domains.DomainBlockParams {
	var out domains.DomainBlockParams
	str := func(key string) *string {
		if !p.has(key) {
			return nil
		}
		v := p.str(key)
		return &v
	}
	flag := func(key string) *bool {
		if !p.has(key) {
			return nil
		}
		v := p.boolean(key, false)
		return &v
	}
	out.Domain = p.str("domain")
	out.Severity = str("severity")
	out.RejectMedia, out.RejectReports, out.Obfuscate = flag("reject_media"), flag("reject_reports"), flag("obfuscate")
	out.PrivateComment, out.PublicComment = str("private_comment"), str("public_comment")
	return out
}

func (a *API) createDomainBlock(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	b, err := a.core.Domains.BlockDomain(r.Context(), domainBlockParams(p))
	var existing *domains.ExistingDomainBlockError
	if errors.As(err, &existing) {
		// Mastodon's ExistingDomainBlockErrorSerializer.
		return writeJSON(w, map[string]any{"error": existing.Err.Message,
			"existing_domain_block": domainBlockEntity(existing.Existing)}, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, domainBlockEntity(b))
}

func (a *API) updateDomainBlock(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	b, err := a.core.Domains.UpdateDomainBlock(r.Context(), id, domainBlockParams(p))
	if err != nil {
		return err
	}
	return writeJSON(w, domainBlockEntity(b))
}

func (a *API) deleteDomainBlock(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.core.Domains.UnblockDomain(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, map[string]any{})
}

func (a *API) listDomainAllows(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	allows, err := a.core.Domains.DomainAllows(r.Context())
	if err != nil {
		return err
	}
	page, err := adminPage(a, w, r, allows, func(d model.DomainAllow) int64 { return d.ID })
	if err != nil {
		return err
	}
	out := make([]adminDomainAllow, 0, len(page))
	for i := range page {
		out = append(out, domainAllowEntity(&page[i]))
	}
	return writeJSON(w, out)
}

func (a *API) getDomainAllow(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := a.core.Domains.DomainAllow(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, domainAllowEntity(d))
}

func (a *API) createDomainAllow(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	d, err := a.core.Domains.AllowDomain(r.Context(), p.str("domain"))
	if err != nil {
		return err
	}
	return writeJSON(w, domainAllowEntity(d))
}

func (a *API) deleteDomainAllow(w http.ResponseWriter, r *http.Request) error {
	if err := accounts.RequireAdmin(viewerOf(r)); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.core.Domains.DisallowDomain(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, map[string]any{})
}

// instanceDomainBlock is Mastodon's DomainBlock entity (the public list).
type instanceDomainBlock struct {
	Domain   string  `json:"domain"`
	Digest   string  `json:"digest"`
	Severity string  `json:"severity"`
	Comment  *string `json:"comment,omitempty"`
}

// getInstanceDomainBlocks handles GET /api/v1/instance/domain_blocks.
func (a *API) getInstanceDomainBlocks(w http.ResponseWriter, r *http.Request) error {
	blocks, err := a.core.Domains.PublicDomainBlocks(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	out := make([]instanceDomainBlock, 0, len(blocks))
	for _, b := range blocks {
		e := instanceDomainBlock{Domain: b.Domain, Digest: b.Digest, Severity: b.Severity}
		if b.Comment != "" {
			e.Comment = &b.Comment
		}
		out = append(out, e)
	}
	return writeJSON(w, out)
}
