package store

import (
	"fmt"
	"strings"

	"herd/internal/model"
)

// pageWhere appends the page's bounds on column col to conds/args and returns
// the ORDER BY direction ("DESC", or "ASC" when paging up from MinID).
func pageWhere(p model.Page, col string, conds []string, args []any) ([]string, []any, string) {
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

// pageLimit is the page size clamped to [1, 80]... by callers' defaults.
func pageLimit(p model.Page) int {
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
func pageQuery(p model.Page, cols, from, col string, conds []string, args []any) (string, []any, string) {
	conds, args, order := pageWhere(p, col, conds, args)
	q := "SELECT " + cols + " FROM " + from
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY %s %s LIMIT %d", col, order, pageLimit(p))
	return q, args, order
}
