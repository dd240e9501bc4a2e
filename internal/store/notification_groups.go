package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"herd/internal/model"
)

// effectiveGroup is the SQL for a notification's group key on alias t when
// only groupedTypes may group: other types stand alone, as
// "ungrouped-{id}" (Mastodon's paginate_groups does the same with
// grouped_types).
func effectiveGroup(t string, groupedTypes []string, args []any) (string, []any) {
	if len(groupedTypes) == 0 {
		return "('ungrouped-' || " + t + ".id)", args
	}
	in, args := stringsIn(args, groupedTypes)
	return "CASE WHEN " + t + ".type IN " + in + " THEN " + t + ".group_key ELSE ('ungrouped-' || " + t + ".id) END", args
}

// GroupedNotificationsPage lists the notifications that head a page of
// groups, as Mastodon 4.3's to_a_grouped_paginated_by_id: walking the
// notifications inside the page's bounds (newest first, or oldest first
// above MinID), each group is represented by the first of its notifications
// met, and the page holds up to Limit groups. Result is newest first.
func (s *Store) GroupedNotificationsPage(ctx context.Context, recipientID int64, f NotificationFilter, groupedTypes []string, p model.Page) ([]*model.Notification, error) {
	conds, args := visibleNotifications("n", recipientID, f, nil)
	if len(groupedTypes) > 0 {
		// A grouped notification heads its group unless another notification of
		// the same group, also shown, was met before it in the walk.
		var in string
		in, args = stringsIn(args, groupedTypes)
		inner, iargs := visibleNotifications("g", recipientID, f, args)
		args = iargs
		before := "g.id > n.id"
		if p.MinID > 0 {
			args = append(args, p.MinID)
			before = fmt.Sprintf("g.id < n.id AND g.id > $%d", len(args))
		}
		if p.MaxID > 0 {
			args = append(args, p.MaxID)
			before += fmt.Sprintf(" AND g.id < $%d", len(args))
		}
		conds = append(conds, "(n.type NOT IN "+in+" OR NOT EXISTS (SELECT 1 FROM notifications g WHERE g.group_key = n.group_key AND "+
			before+" AND "+strings.Join(inner, " AND ")+"))")
	}
	q, args, order := pageQuery(p, notificationCols, "notifications n", "n.id", conds, args)
	list, err := scanNotifications(s.q.QueryContext(ctx, q, args...))
	reverseIfAsc(order, list)
	return list, err
}

// GroupData summarizes one notification group within a page's range.
type GroupData struct {
	MostRecentID     int64
	Count            int64
	LatestAt         time.Time
	PageMinID        int64   // oldest notification of the group at or above the range's start
	SampleAccountIDs []int64 // senders of the newest notifications, newest first
}

// NotificationGroupsData summarizes groups of an account for a page whose
// notifications run from id start to id end (0: unbounded), with up to
// samples sender ids each, in three queries whatever the page size.
func (s *Store) NotificationGroupsData(ctx context.Context, recipientID int64, keys []string, start, end int64, samples int) (map[string]*GroupData, error) {
	out := map[string]*GroupData{}
	if len(keys) == 0 {
		return out, nil
	}
	base := func(bound string, id int64) (string, []any) {
		conds, args := visibleNotifications("n", recipientID, NotificationFilter{}, nil)
		in, args := stringsIn(args, keys)
		conds = append(conds, "n.group_key IN "+in)
		if id > 0 {
			args = append(args, id)
			conds = append(conds, fmt.Sprintf("n.id %s $%d", bound, len(args)))
		}
		return strings.Join(conds, " AND "), args
	}
	where, args := base("<=", end)
	rows, err := s.q.QueryContext(ctx, "SELECT n.group_key, MAX(n.id), COUNT(*), MAX(n.created_at) FROM notifications n WHERE "+
		where+" GROUP BY n.group_key", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var d GroupData
		var at int64
		if err := rows.Scan(&key, &d.MostRecentID, &d.Count, &at); err != nil {
			return nil, err
		}
		d.LatestAt = fromMS(at)
		out[key] = &d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	where, args = base(">=", start)
	if err := s.scanGroupPairs(ctx, "SELECT n.group_key, MIN(n.id) FROM notifications n WHERE "+where+" GROUP BY n.group_key", args,
		func(d *GroupData, id int64) { d.PageMinID = id }, out); err != nil {
		return nil, err
	}
	where, args = base("<=", end)
	args = append(args, samples)
	return out, s.scanGroupPairs(ctx, `SELECT group_key, from_account_id FROM (SELECT n.group_key, n.from_account_id, n.id,
		ROW_NUMBER() OVER (PARTITION BY n.group_key ORDER BY n.id DESC) AS rn FROM notifications n WHERE `+where+
		fmt.Sprintf(") x WHERE rn <= $%d ORDER BY group_key, id DESC", len(args)), args,
		func(d *GroupData, id int64) { d.SampleAccountIDs = append(d.SampleAccountIDs, id) }, out)
}

// scanGroupPairs reads (group_key, id) rows into the groups already in out.
func (s *Store) scanGroupPairs(ctx context.Context, q string, args []any, set func(*GroupData, int64), out map[string]*GroupData) error {
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			return err
		}
		if d := out[key]; d != nil {
			set(d, id)
		}
	}
	return rows.Err()
}

// NewestInGroup loads the newest shown notification of one of an account's
// groups.
func (s *Store) NewestInGroup(ctx context.Context, recipientID int64, groupKey string) (*model.Notification, error) {
	conds, args := visibleNotifications("n", recipientID, NotificationFilter{}, nil)
	args = append(args, groupKey)
	return scanNotification(s.q.QueryRowContext(ctx, "SELECT "+notificationCols+" FROM notifications n WHERE "+
		strings.Join(conds, " AND ")+fmt.Sprintf(" AND n.group_key = $%d ORDER BY n.id DESC LIMIT 1", len(args)), args...))
}

// GroupNotificationsPage lists a page of one group's shown notifications,
// newest first (for the accounts behind a group).
func (s *Store) GroupNotificationsPage(ctx context.Context, recipientID int64, groupKey string, p model.Page) ([]*model.Notification, error) {
	conds, args := visibleNotifications("n", recipientID, NotificationFilter{}, nil)
	args = append(args, groupKey)
	conds = append(conds, fmt.Sprintf("n.group_key = $%d", len(args)))
	q, args, order := pageQuery(p, notificationCols, "notifications n", "n.id", conds, args)
	list, err := scanNotifications(s.q.QueryContext(ctx, q, args...))
	reverseIfAsc(order, list)
	return list, err
}

// CountNotificationGroupsAfter counts the groups formed by an account's
// notifications newer than afterID, up to limit.
func (s *Store) CountNotificationGroupsAfter(ctx context.Context, recipientID int64, f NotificationFilter, groupedTypes []string, afterID int64, limit int) (int64, error) {
	conds, args := visibleNotifications("n", recipientID, f, nil)
	key, args := effectiveGroup("n", groupedTypes, args)
	args = append(args, afterID, limit)
	var n int64
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT DISTINCT "+key+" AS k FROM notifications n WHERE "+
		strings.Join(conds, " AND ")+fmt.Sprintf(" AND n.id > $%d LIMIT $%d) x", len(args)-1, len(args)), args...).Scan(&n)
	return n, err
}
