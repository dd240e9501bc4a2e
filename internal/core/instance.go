package core

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// InstanceStats are the numbers /api/v1/instance, /api/v2/instance and
// NodeInfo publish.
type InstanceStats struct {
	Users          int64 // local, unsuspended accounts
	Statuses       int64 // local statuses
	Domains        int64 // known remote domains
	ActiveMonth    int64 // local users active in the last 30 days
	ActiveHalfyear int64 // local users active in the last 180 days
}

// InstanceStats counts users, statuses, domains and active users.
func (c *Core) InstanceStats(ctx context.Context) (InstanceStats, error) {
	var st InstanceStats
	var err error
	if st.Users, err = c.Store.CountLocalAccounts(ctx); err != nil {
		return st, err
	}
	if st.Statuses, err = c.Store.CountLocalStatuses(ctx); err != nil {
		return st, err
	}
	if st.Domains, err = c.Store.CountKnownDomains(ctx); err != nil {
		return st, err
	}
	now := time.Now()
	if st.ActiveMonth, err = c.ActiveUsersThisMonth(ctx); err != nil {
		return st, err
	}
	st.ActiveHalfyear, err = c.Store.CountActiveUsersSince(ctx, now.AddDate(0, 0, -180))
	return st, err
}

// ActiveUsersThisMonth counts the local users active in the last 30 days.
func (c *Core) ActiveUsersThisMonth(ctx context.Context) (int64, error) {
	return c.Store.CountActiveUsersSince(ctx, time.Now().AddDate(0, 0, -30))
}

// InstancePeers lists the remote domains this instance knows, leaving
// out suspended ones, as Mastodon's peers leave out blocked domains.
func (c *Core) InstancePeers(ctx context.Context) ([]string, error) {
	domains, err := c.Store.KnownDomains(ctx)
	if err != nil {
		return nil, err
	}
	out := domains[:0]
	for _, d := range domains {
		if b := c.DomainBlockFor(ctx, d); b == nil || b.Severity != model.SeveritySuspend {
			out = append(out, d)
		}
	}
	return out, nil
}

// InstanceRules lists the instance's rules in display order.
func (c *Core) InstanceRules(ctx context.Context) ([]model.Rule, error) {
	return c.Store.InstanceRules(ctx)
}

// InstanceContact is the account people can write to about the instance:
// the oldest admin, as Mastodon's site_contact_username usually names; nil
// when the instance has no admin yet.
func (c *Core) InstanceContact(ctx context.Context) (*model.Account, error) {
	id, err := c.Store.FirstAdminAccountID(ctx)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.Store.AccountByID(ctx, id)
}

// activityWeeks is how many weeks /api/v1/instance/activity reports.
const activityWeeks = 12

// InstanceActivity reports the last 12 weeks, newest first, each starting
// on a Monday (UTC) as Mastodon's commercial weeks do; the first is the
// current, unfinished week.
func (c *Core) InstanceActivity(ctx context.Context) ([]model.WeekActivity, error) {
	week := 7 * 24 * time.Hour
	oldest := weekStart(time.Now()).Add(-(activityWeeks - 1) * week)
	weeks, err := c.Store.WeeklyActivity(ctx, oldest, week, activityWeeks)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(weeks)-1; i < j; i, j = i+1, j-1 {
		weeks[i], weeks[j] = weeks[j], weeks[i]
	}
	return weeks, nil
}

// weekStart is the Monday 00:00 UTC of t's week.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	offset := (int(day.Weekday()) + 6) % 7 // Monday = 0
	return day.AddDate(0, 0, -offset)
}

// AddInstanceRule appends a rule (admin CLI). The text is required, as in
// Mastodon's admin form.
func (c *Core) AddInstanceRule(ctx context.Context, text, hint string) (*model.Rule, error) {
	text, hint = strings.TrimSpace(text), strings.TrimSpace(hint)
	if text == "" {
		return nil, fault.Unprocessable("Validation failed: Text can't be blank")
	}
	r := &model.Rule{ID: ids.New(), Text: text, Hint: hint}
	err := c.Store.InTx(ctx, func(tx *store.Store) error { return tx.InsertInstanceRule(ctx, r, time.Now()) })
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RemoveInstanceRule deletes a rule (admin CLI).
func (c *Core) RemoveInstanceRule(ctx context.Context, id int64) error {
	return notFoundOr(c.Store.InTx(ctx, func(tx *store.Store) error { return tx.DeleteInstanceRule(ctx, id) }))
}

// activityInterval is how often a user's activity is written down: once an
// hour is plenty for "active in the last 30 days" and weekly counts, and
// keeps API reads free of writes.
const activityInterval = time.Hour

// ActivityTracker writes down that local users are active: their
// users.last_active_at (instance usage, NodeInfo activeMonth, the home feed's
// "recently active" test) and the week's active set (/api/v1/instance/activity
// logins). It writes at most once an hour per user per node, so API reads
// stay free of writes; it remembers when it last wrote in a bounded map.
type ActivityTracker struct {
	core *Core
	mu   sync.Mutex
	seen map[int64]time.Time
}

// NewActivityTracker returns a tracker writing through c.
func NewActivityTracker(c *Core) *ActivityTracker {
	return &ActivityTracker{core: c, seen: map[int64]time.Time{}}
}

// seenRecently reports whether accountID was noted within activityInterval
// and otherwise marks it noted now. When the map passes its cap, entries
// older than the interval (which would be rewritten anyway) are dropped.
func (t *ActivityTracker) seenRecently(accountID int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at, ok := t.seen[accountID]; ok && now.Sub(at) < activityInterval {
		return true
	}
	if len(t.seen) >= 100000 {
		for id, at := range t.seen {
			if now.Sub(at) >= activityInterval {
				delete(t.seen, id)
			}
		}
	}
	t.seen[accountID] = now
	return false
}

// Note records that the viewer (a local user) used the API.
func (t *ActivityTracker) Note(ctx context.Context, v *model.Viewer) error {
	if v == nil || v.Account == nil || v.User == nil {
		return nil
	}
	now := time.Now()
	if now.Sub(v.User.LastActiveAt) < activityInterval || t.seenRecently(v.Account.ID, now) {
		return nil
	}
	return t.core.Store.InTx(ctx, func(tx *store.Store) error {
		return tx.RecordUserActive(ctx, v.Account.ID, now, weekStart(now))
	})
}

// FeaturedTags lists the hashtags an account features on its profile:
// none yet, since Herd cannot feature tags; a missing account is still a
// 404, as in Mastodon.
func (c *Core) FeaturedTags(ctx context.Context, accountID int64) ([]model.Tag, error) {
	if _, err := c.Store.AccountByID(ctx, accountID); err != nil {
		return nil, notFoundOr(err)
	}
	return []model.Tag{}, nil
}
