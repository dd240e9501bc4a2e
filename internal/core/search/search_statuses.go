package search

import (
	"context"
	"strings"

	"herd/internal/model"
	"herd/internal/store"
)

// parsedQuery is a status search query split as Mastodon's
// QueryParser reads it: words and "quoted phrases" that must all
// appear, -words that must not, and a from: operator naming the author.
type parsedQuery struct {
	terms, excluded []string
	from            string
}

func parseStatusQuery(q string) parsedQuery {
	var p parsedQuery
	for len(q) > 0 {
		q = strings.TrimLeft(q, " \t\n")
		if q == "" {
			break
		}
		neg := false
		if q[0] == '-' && len(q) > 1 {
			neg, q = true, q[1:]
		}
		var term string
		if q[0] == '"' {
			end := strings.IndexByte(q[1:], '"')
			if end < 0 {
				term, q = q[1:], ""
			} else {
				term, q = q[1:1+end], q[2+end:]
			}
		} else {
			end := strings.IndexAny(q, " \t\n")
			if end < 0 {
				end = len(q)
			}
			term, q = q[:end], q[end:]
			if name, ok := strings.CutPrefix(term, "from:"); ok && !neg && name != "" {
				p.from = name
				continue
			}
		}
		if term == "" {
			continue
		}
		if neg {
			p.excluded = append(p.excluded, term)
		} else {
			p.terms = append(p.terms, term)
		}
	}
	return p
}

// searchStatuses finds statuses for a signed-in viewer (see
// store.SearchStatuses for which ones), then applies the visibility rules
// with timeline semantics, as Mastodon leaves out blocked and muted
// accounts' posts from search.
func (s *Service) searchStatuses(ctx context.Context, v *model.Viewer, query string, q Query) ([]*model.StatusView, error) {
	pq := parseStatusQuery(query)
	ss := store.StatusSearch{ViewerID: v.AccountID(), Terms: pq.terms, Excluded: pq.excluded, AccountID: q.AccountID,
		MaxID: q.MaxID, MinID: q.MinID, Limit: q.Limit, Offset: q.Offset}
	if pq.from != "" {
		var author *model.Account
		var err error
		if pq.from == "me" {
			author = v.Account
		} else if author, err = s.lookupAccount(ctx, pq.from); err != nil {
			return []*model.StatusView{}, nil
		}
		if ss.AccountID != 0 && ss.AccountID != author.ID {
			return []*model.StatusView{}, nil
		}
		ss.AccountID = author.ID
	}
	if len(ss.Terms) == 0 && ss.AccountID == 0 {
		return []*model.StatusView{}, nil // only exclusions: nothing to look for
	}
	found, err := s.store.SearchStatuses(ctx, ss)
	if err != nil {
		return nil, err
	}
	return s.timelineViews(ctx, v.AccountID(), found)
}
