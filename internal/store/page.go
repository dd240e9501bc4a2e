package store

import (
	"fmt"
	"strings"
)

// Page is Mastodon's cursor pagination over ids: results are newer than
// SinceID or MinID and older than MaxID. With MinID set the page is the one
// immediately after MinID (read oldest-first, returned newest-first).
type Page struct {
	MaxID   int64
	SinceID int64
	MinID   int64
	Limit   int
}

// where appends the page's bounds on column col to conds/args and returns
// the ORDER BY direction ("DESC", or "ASC" when paging up from MinID).
func (p Page) where(col string, conds []string, args []any) ([]string, []any, string) {
	if p.MaxID > 0 {
		args = append(args, p.MaxID)
		conds = append(conds, fmt.Sprintf("%s < $%d", col, len(args)))
	}
	if p.SinceID > 0 {
		args = append(args, p.SinceID)
		conds = append(conds, fmt.Sprintf("%s > $%d", col, len(args)))
	}
	order := "DESC"
	if p.MinID > 0 {
		args = append(args, p.MinID)
		conds = append(conds, fmt.Sprintf("%s > $%d", col, len(args)))
		order = "ASC"
	}
	return conds, args, order
}

// limit is the page size clamped to [1, 80]... by callers' defaults.
func (p Page) limit() int {
	if p.Limit <= 0 {
		return 20
	}
	return p.Limit
}

// reverseIfAsc turns an ascending (min_id) page back into newest-first.
func reverseIfAsc[T any](order string, s []T) {
	if order != "ASC" {
		return
	}
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// pageQuery builds "SELECT cols FROM from WHERE conds AND bounds ORDER BY col dir LIMIT n".
func (p Page) query(cols, from, col string, conds []string, args []any) (string, []any, string) {
	conds, args, order := p.where(col, conds, args)
	q := "SELECT " + cols + " FROM " + from
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY %s %s LIMIT %d", col, order, p.limit())
	return q, args, order
}
