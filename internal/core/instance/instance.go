// Package instance holds what this instance says about itself: its
// numbers (users, statuses, known domains, active users), its peers, its
// rules, its contact account and its weekly activity, and the tracker that
// notes when local users are active, which those numbers count.
package instance

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

// Deps is what the instance area is built from.
type Deps struct {
	// Store holds the counts, known domains, rules, admins and activity.
	Store *store.Store
	// DomainBlockFor returns the block that applies to a host, or nil:
	// peers leave out suspended domains, and the domain policy belongs to
	// the domains area. Nil means no domain is blocked.
	DomainBlockFor func(ctx context.Context, host string) *model.DomainBlock
}

// Service runs the instance area's use cases.
type Service struct {
	store          *store.Store
	domainBlockFor func(ctx context.Context, host string) *model.DomainBlock
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, domainBlockFor: d.DomainBlockFor}
	if s.domainBlockFor == nil {
		s.domainBlockFor = func(context.Context, string) *model.DomainBlock { return nil }
	}
	return s
}

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
func (s *Service) InstanceStats(ctx context.Context) (InstanceStats, error) {
	var st InstanceStats
	var err error
	if st.Users, err = s.store.CountLocalAccounts(ctx); err != nil {
		return st, err
	}
	if st.Statuses, err = s.store.CountLocalStatuses(ctx); err != nil {
		return st, err
	}
	if st.Domains, err = s.store.CountKnownDomains(ctx); err != nil {
		return st, err
	}
	now := time.Now()
	if st.ActiveMonth, err = s.ActiveUsersThisMonth(ctx); err != nil {
		return st, err
	}
	st.ActiveHalfyear, err = s.store.CountActiveUsersSince(ctx, now.AddDate(0, 0, -180))
	return st, err
}

// ActiveUsersThisMonth counts the local users active in the last 30 days.
func (s *Service) ActiveUsersThisMonth(ctx context.Context) (int64, error) {
	return s.store.CountActiveUsersSince(ctx, time.Now().AddDate(0, 0, -30))
}

// InstancePeers lists the remote domains this instance knows, leaving
// out suspended ones, as Mastodon's peers leave out blocked domains.
func (s *Service) InstancePeers(ctx context.Context) ([]string, error) {
	domains, err := s.store.KnownDomains(ctx)
	if err != nil {
		return nil, err
	}
	out := domains[:0]
	for _, d := range domains {
		if b := s.domainBlockFor(ctx, d); b == nil || b.Severity != model.SeveritySuspend {
			out = append(out, d)
		}
	}
	return out, nil
}

// InstanceRules lists the instance's rules in display order.
func (s *Service) InstanceRules(ctx context.Context) ([]model.Rule, error) {
	return s.store.InstanceRules(ctx)
}

// InstanceContact is the account people can write to about the instance:
// the oldest admin, as Mastodon's site_contact_username usually names; nil
// when the instance has no admin yet.
func (s *Service) InstanceContact(ctx context.Context) (*model.Account, error) {
	id, err := s.store.FirstAdminAccountID(ctx)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.store.AccountByID(ctx, id)
}

// activityWeeks is how many weeks /api/v1/instance/activity reports.
const activityWeeks = 12

// InstanceActivity reports the last 12 weeks, newest first, each starting
// on a Monday (UTC) as Mastodon's commercial weeks do; the first is the
// current, unfinished week.
func (s *Service) InstanceActivity(ctx context.Context) ([]model.WeekActivity, error) {
	week := 7 * 24 * time.Hour
	oldest := weekStart(time.Now()).Add(-(activityWeeks - 1) * week)
	weeks, err := s.store.WeeklyActivity(ctx, oldest, week, activityWeeks)
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
func (s *Service) AddInstanceRule(ctx context.Context, text, hint string) (*model.Rule, error) {
	text, hint = strings.TrimSpace(text), strings.TrimSpace(hint)
	if text == "" {
		return nil, fault.Unprocessable("Validation failed: Text can't be blank")
	}
	r := &model.Rule{ID: ids.New(), Text: text, Hint: hint}
	err := s.store.InTx(ctx, func(tx *store.Store) error { return tx.InsertInstanceRule(ctx, r, time.Now()) })
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RemoveInstanceRule deletes a rule (admin CLI).
func (s *Service) RemoveInstanceRule(ctx context.Context, id int64) error {
	err := s.store.InTx(ctx, func(tx *store.Store) error { return tx.DeleteInstanceRule(ctx, id) })
	if errors.Is(err, model.ErrNotFound) {
		return fault.ErrRecordNotFound
	}
	return err
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
	store *store.Store
	mu    sync.Mutex
	seen  map[int64]time.Time
}

// NewActivityTracker returns a tracker writing through the area's store;
// each tracker has its own memory of whom it noted.
func (s *Service) NewActivityTracker() *ActivityTracker {
	return &ActivityTracker{store: s.store, seen: map[int64]time.Time{}}
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
	return t.store.InTx(ctx, func(tx *store.Store) error {
		return tx.RecordUserActive(ctx, v.Account.ID, now, weekStart(now))
	})
}
