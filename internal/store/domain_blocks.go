package store

import (
	"context"
	"strings"
	"time"

	"herd/internal/model"
)

const domainBlockColumns = `id, domain, severity, reject_media, reject_reports, private_comment,
	public_comment, obfuscate, created_at, updated_at`

func scanDomainBlock(row interface{ Scan(...any) error }) (*model.DomainBlock, error) {
	var b model.DomainBlock
	var created, updated int64
	if err := row.Scan(&b.ID, &b.Domain, &b.Severity, &b.RejectMedia, &b.RejectReports, &b.PrivateComment,
		&b.PublicComment, &b.Obfuscate, &created, &updated); err != nil {
		return nil, err
	}
	b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
	return &b, nil
}

// DomainBlocks lists every domain block, newest first.
func (s *Store) DomainBlocks(ctx context.Context) ([]model.DomainBlock, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT "+domainBlockColumns+" FROM domain_blocks ORDER BY id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.DomainBlock{}
	for rows.Next() {
		b, err := scanDomainBlock(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// DomainBlockByID loads one block; model.ErrNotFound when there is none.
func (s *Store) DomainBlockByID(ctx context.Context, id int64) (*model.DomainBlock, error) {
	b, err := scanDomainBlock(s.q.QueryRowContext(ctx, "SELECT "+domainBlockColumns+" FROM domain_blocks WHERE id = $1", id))
	return b, notFound(err)
}

// InsertDomainBlock stores a new block; ErrDuplicate when its domain has one.
func (s *Store) InsertDomainBlock(ctx context.Context, b *model.DomainBlock) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO domain_blocks (`+domainBlockColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, b.ID, b.Domain, b.Severity, b.RejectMedia, b.RejectReports,
		b.PrivateComment, b.PublicComment, b.Obfuscate, ms(b.CreatedAt), ms(b.UpdatedAt))
	return dup(err)
}

// UpdateDomainBlock writes a block's settings (not its domain or created_at).
func (s *Store) UpdateDomainBlock(ctx context.Context, b *model.DomainBlock) error {
	n, err := affected(s.q.ExecContext(ctx, `UPDATE domain_blocks SET severity = $2, reject_media = $3,
		reject_reports = $4, private_comment = $5, public_comment = $6, obfuscate = $7, updated_at = $8
		WHERE id = $1`, b.ID, b.Severity, b.RejectMedia, b.RejectReports, b.PrivateComment, b.PublicComment,
		b.Obfuscate, ms(b.UpdatedAt)))
	if err == nil && n == 0 {
		err = model.ErrNotFound
	}
	return err
}

// DeleteDomainBlock removes a block; model.ErrNotFound when there is none.
func (s *Store) DeleteDomainBlock(ctx context.Context, id int64) error {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM domain_blocks WHERE id = $1", id))
	if err == nil && n == 0 {
		err = model.ErrNotFound
	}
	return err
}

// DomainAllows lists every allowed domain, newest first.
func (s *Store) DomainAllows(ctx context.Context) ([]model.DomainAllow, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT id, domain, created_at FROM domain_allows ORDER BY id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.DomainAllow{}
	for rows.Next() {
		var a model.DomainAllow
		var created int64
		if err := rows.Scan(&a.ID, &a.Domain, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = fromMS(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// DomainAllowByID loads one allow; model.ErrNotFound when there is none.
func (s *Store) DomainAllowByID(ctx context.Context, id int64) (*model.DomainAllow, error) {
	var a model.DomainAllow
	var created int64
	err := s.q.QueryRowContext(ctx, "SELECT id, domain, created_at FROM domain_allows WHERE id = $1", id).
		Scan(&a.ID, &a.Domain, &created)
	if err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt = fromMS(created)
	return &a, nil
}

// InsertDomainAllow stores an allowed domain; ErrDuplicate when it is one.
func (s *Store) InsertDomainAllow(ctx context.Context, a *model.DomainAllow) error {
	_, err := s.q.ExecContext(ctx, "INSERT INTO domain_allows (id, domain, created_at, updated_at) VALUES ($1,$2,$3,$3)",
		a.ID, a.Domain, ms(a.CreatedAt))
	return dup(err)
}

// DeleteDomainAllow removes an allowed domain; model.ErrNotFound when there is none.
func (s *Store) DeleteDomainAllow(ctx context.Context, id int64) error {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM domain_allows WHERE id = $1", id))
	if err == nil && n == 0 {
		err = model.ErrNotFound
	}
	return err
}

// AccountsOnDomain lists the ids of remote accounts on domain or any of its
// subdomains (on any port). LIKE only narrows the rows: '_' and '%' are
// wildcards to it, so the match itself is decided here.
func (s *Store) AccountsOnDomain(ctx context.Context, domain string) ([]int64, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT id, domain FROM accounts WHERE domain LIKE $1",
		"%"+domain+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, err
		}
		host := d
		if i := strings.LastIndexByte(d, ':'); i >= 0 && !strings.HasSuffix(d, "]") {
			host = d[:i]
		}
		if host == domain || strings.HasSuffix(host, "."+domain) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// SetAccountsDomainLimit marks the accounts among ids that carry no such
// mark yet as suspended (column "suspended_at") or silenced
// ("silenced_at") at the time at, which names the domain block.
func (s *Store) SetAccountsDomainLimit(ctx context.Context, ids []int64, column string, at time.Time) ([]int64, error) {
	return s.setDomainLimit(ctx, ids, "UPDATE accounts SET "+limitColumn(column)+" = $2 WHERE id = $1 AND "+
		limitColumn(column)+" IS NULL", ms(at))
}

// LiftAccountsDomainLimit clears the mark a domain block made at the time
// at among ids; accounts marked otherwise (by a moderator, or gone at
// their origin) keep theirs.
func (s *Store) LiftAccountsDomainLimit(ctx context.Context, ids []int64, column string, at time.Time) ([]int64, error) {
	cond := ""
	if column == "suspended_at" {
		cond = " AND gone_at IS NULL"
	}
	return s.setDomainLimit(ctx, ids, "UPDATE accounts SET "+limitColumn(column)+" = NULL WHERE id = $1 AND "+
		limitColumn(column)+" = $2"+cond, ms(at))
}

// setDomainLimit runs update for each id and returns those it changed.
func (s *Store) setDomainLimit(ctx context.Context, ids []int64, update string, at int64) ([]int64, error) {
	var changed []int64
	for _, id := range ids {
		n, err := affected(s.q.ExecContext(ctx, update, id, at))
		if err != nil {
			return nil, err
		}
		if n > 0 {
			changed = append(changed, id)
		}
	}
	return changed, nil
}

// limitColumn keeps the column name of the statements above a constant.
func limitColumn(column string) string {
	if column == "silenced_at" {
		return "silenced_at"
	}
	return "suspended_at"
}
