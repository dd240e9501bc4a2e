package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"herd/internal/db"
	"herd/internal/model"
)

// TimelineFilter narrows the public, hashtag and profile timelines in SQL,
// so a page is filled with statuses the viewer will actually see; core
// still checks each page with VisibleStatuses.
type TimelineFilter struct {
	ViewerID       int64 // 0 = anonymous; hides authors in a block either way or muted by the viewer
	LocalOnly      bool
	RemoteOnly     bool
	OnlyMedia      bool
	NoReplies      bool // leave out replies to others (self-replies stay), as Mastodon's without_replies
	NoReblogs      bool
	TagIDs         []int64 // any of these tags (hashtag timeline); empty = no tag condition
	AllTagIDs      []int64 // and every one of these
	NoneTagIDs     []int64 // and none of these
	Visibilities   []model.Visibility
	MentionsViewer bool // also statuses of other visibilities that mention the viewer
	KeepMuted      bool // a profile shows a muted account's posts; timelines do not
	// HideSilenced leaves out accounts silenced by a domain block unless
	// the viewer follows them (public and hashtag timelines, as Mastodon).
	HideSilenced bool
	Now          time.Time
}

// conds renders the filter over statuses aliased s.
func (f TimelineFilter) conds(conds []string, args []any) ([]string, []any) {
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	if f.LocalOnly {
		conds = append(conds, "s.local")
	}
	if f.RemoteOnly {
		conds = append(conds, "NOT s.local")
	}
	if f.OnlyMedia {
		conds = append(conds, "s.has_media")
	}
	if f.NoReplies {
		conds = append(conds, "(s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)")
	}
	if f.NoReblogs {
		// The unary plus keeps SQLite off statuses_reblog: without ANALYZE
		// statistics it takes "IS NULL" for a selective lookup, though ~90%
		// of rows match, and then sorts them all (>30 s on 1M statuses);
		// with it the plan walks the primary key backwards. PostgreSQL
		// plans it the same either way.
		conds = append(conds, "+s.reblog_of_id IS NULL")
	}
	if len(f.Visibilities) > 0 {
		vis := make([]string, len(f.Visibilities))
		for i, v := range f.Visibilities {
			vis[i] = arg(string(v))
		}
		c := "s.visibility IN (" + strings.Join(vis, ",") + ")"
		if f.MentionsViewer && f.ViewerID != 0 {
			c = "(" + c + " OR EXISTS (SELECT 1 FROM mentions mv WHERE mv.status_id = s.id AND mv.account_id = " + arg(f.ViewerID) + "))"
		}
		conds = append(conds, c)
	}
	tagIn := func(tagIDs []int64) string {
		in, a := db.In(len(args)+1, tagIDs)
		args = append(args, a...)
		return in
	}
	if len(f.TagIDs) > 0 {
		// A list subquery, not a correlated EXISTS: with EXISTS SQLite walks
		// every status newest first testing each, which reads the whole
		// table for a rare tag. (A single tag joins from status_tags instead,
		// see PublicStatusesPage.)
		conds = append(conds, "s.id IN (SELECT t.status_id FROM status_tags t WHERE t.tag_id IN "+tagIn(f.TagIDs)+")")
	}
	for _, id := range f.AllTagIDs {
		conds = append(conds, "EXISTS (SELECT 1 FROM status_tags t WHERE t.status_id = s.id AND t.tag_id = "+arg(id)+")")
	}
	if len(f.NoneTagIDs) > 0 {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM status_tags t WHERE t.status_id = s.id AND t.tag_id IN "+tagIn(f.NoneTagIDs)+")")
	}
	if f.HideSilenced {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND (a.suspended_at IS NOT NULL"+
			" OR (a.silenced_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM follows fo WHERE fo.account_id = "+arg(f.ViewerID)+
			" AND fo.target_account_id = a.id))))")
	} else {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND a.suspended_at IS NOT NULL)")
	}
	if f.ViewerID != 0 {
		v, now := arg(f.ViewerID), arg(ms(f.Now))
		conds = append(conds,
			"NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = "+v+" AND b.target_account_id = s.account_id)"+
				" OR (b.account_id = s.account_id AND b.target_account_id = "+v+"))",
			"NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = "+v+" AND m.target_account_id = s.account_id"+
				" AND (m.expires_at IS NULL OR m.expires_at > "+now+") AND NOT "+arg(f.KeepMuted)+")")
	}
	return conds, args
}

func (s *Store) statusPage(ctx context.Context, conds []string, args []any, f TimelineFilter, p model.Page) ([]*model.Status, error) {
	return s.statusPageFrom(ctx, "statuses s", "s.id", conds, args, f, p)
}

// statusPageFrom pages statuses read from `from` (which binds s) in the
// order of idCol.
func (s *Store) statusPageFrom(ctx context.Context, from, idCol string, conds []string, args []any, f TimelineFilter, p model.Page) ([]*model.Status, error) {
	conds, args = f.conds(conds, args)
	q, args, order := pageQuery(p, prefixed("s", statusCols), from, idCol, conds, args)
	out, err := scanStatuses(s.q.QueryContext(ctx, q, args...))
	reverseIfAsc(order, out)
	return out, err
}

// PublicStatusesPage pages public original statuses (the public and
// hashtag timelines), newest first.
func (s *Store) PublicStatusesPage(ctx context.Context, f TimelineFilter, p model.Page) ([]*model.Status, error) {
	f.Visibilities, f.NoReblogs = []model.Visibility{model.Public}, true
	if len(f.TagIDs) == 1 {
		// One tag (the usual hashtag timeline): walk that tag's entries in
		// status_tags (tag_id, status_id) backwards, 20 index steps a page
		// whatever the tag's size, then look each status up.
		tag := f.TagIDs[0]
		f.TagIDs = nil
		return s.statusPageFrom(ctx, "status_tags t JOIN statuses s ON s.id = t.status_id", "t.status_id",
			[]string{"t.tag_id = $1"}, []any{tag}, f, p)
	}
	return s.statusPage(ctx, nil, nil, f, p)
}

// AccountStatusesPage pages one account's statuses (a profile), newest first.
func (s *Store) AccountStatusesPage(ctx context.Context, accountID int64, f TimelineFilter, p model.Page) ([]*model.Status, error) {
	return s.statusPage(ctx, []string{"s.account_id = $1"}, []any{accountID}, f, p)
}

// PinnedStatusesOf loads an account's pinned statuses, most recently pinned
// first, filtered like a profile page.
func (s *Store) PinnedStatusesOf(ctx context.Context, accountID int64, f TimelineFilter) ([]*model.Status, error) {
	conds, args := f.conds([]string{"p.account_id = $1", "s.account_id = $1"}, []any{accountID})
	return scanStatuses(s.q.QueryContext(ctx, "SELECT "+prefixed("s", statusCols)+" FROM pins p JOIN statuses s ON s.id = p.status_id"+
		" WHERE "+strings.Join(conds, " AND ")+" ORDER BY p.id DESC", args...))
}

// TagIDsByNames resolves hashtag names (lowercased) to tag ids, skipping
// unknown ones.
func (s *Store) TagIDsByNames(ctx context.Context, lowerNames []string) ([]int64, error) {
	if len(lowerNames) == 0 {
		return nil, nil
	}
	ph := make([]string, len(lowerNames))
	args := make([]any, len(lowerNames))
	for i, n := range lowerNames {
		ph[i], args[i] = "$"+itoa(i+1), n
	}
	return scanIDs(s.q.QueryContext(ctx, "SELECT id FROM tags WHERE name_lower IN ("+strings.Join(ph, ",")+")", args...))
}

// AncestorsOf walks a status's reply chain up to the root (at most limit
// statuses), returned root first.
func (s *Store) AncestorsOf(ctx context.Context, st *model.Status, limit int) ([]*model.Status, error) {
	if st.InReplyToID == 0 {
		return nil, nil
	}
	list, err := scanStatuses(s.q.QueryContext(ctx, `WITH RECURSIVE up(id, parent, depth) AS (
			SELECT id, in_reply_to_id, 1 FROM statuses WHERE id = $1
			UNION ALL
			SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < $2)
		SELECT `+statusCols+` FROM statuses WHERE id IN (SELECT id FROM up)`, st.InReplyToID, limit))
	if err != nil {
		return nil, err
	}
	// Ordered by the chain, not by id: remote statuses take their ids from
	// their published time, which has whole seconds, so a parent and its
	// reply may sort either way.
	byID := make(map[int64]*model.Status, len(list))
	for _, s := range list {
		byID[s.ID] = s
	}
	chain := make([]*model.Status, 0, len(list))
	for id := st.InReplyToID; id != 0 && byID[id] != nil && len(chain) < len(list); id = byID[id].InReplyToID {
		chain = append(chain, byID[id])
	}
	slices.Reverse(chain)
	return chain, nil
}

// DescendantsOf loads the replies under a status, and theirs, at most
// limit statuses and depth levels deep, in id order (core orders the tree).
func (s *Store) DescendantsOf(ctx context.Context, statusID int64, limit, depth int) ([]*model.Status, error) {
	return scanStatuses(s.q.QueryContext(ctx, `WITH RECURSIVE down(id, depth) AS (
			SELECT id, 1 FROM statuses WHERE in_reply_to_id = $1
			UNION ALL
			SELECT s.id, down.depth + 1 FROM statuses s JOIN down ON s.in_reply_to_id = down.id WHERE down.depth < $2)
		SELECT `+statusCols+` FROM statuses WHERE id IN (SELECT id FROM down) ORDER BY id LIMIT $3`, statusID, depth, limit))
}
