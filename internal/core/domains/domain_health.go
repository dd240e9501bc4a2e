package domains

import (
	"context"
	"sync"
	"time"

	"herd/internal/store"
)

// UnavailableAfterDays is how many distinct days deliveries to a host must
// fail, with no success in between, before it is marked unavailable and
// nothing more is sent to it until it answers again (Mastodon's
// DeliveryFailureTracker::FAILURE_DAYS_THRESHOLD).
const UnavailableAfterDays = 7

// domainHealthRefresh is how long this node trusts what it read about
// hosts' failures; other nodes' findings reach it within that time.
const domainHealthRefresh = time.Minute

// domainHealth is this node's memory of the delivery_failures and
// unavailable_domains tables, so the hot paths (a delivery sent, an
// activity received) read or write them only when a host's state changes:
// a success clears a host only if it was failing, a failure is written
// once per host and day.
type domainHealth struct {
	mu sync.Mutex
	// unavailable is the set of hosts deliveries skip, read at loaded.
	unavailable map[string]bool
	loaded      time.Time
	// failing: hosts checked for failures lately (value: whether they had
	// any, and when that was read).
	failing map[string]failState
	// failedOn: the last day (since the epoch) a failure was recorded for
	// each host by this node.
	failedOn map[string]int64
}

type failState struct {
	failing bool
	at      time.Time
}

func newDomainHealth() *domainHealth {
	return &domainHealth{failing: map[string]failState{}, failedOn: map[string]int64{}}
}

// DomainAvailable reports whether deliveries to host may be sent (it is
// not marked unavailable).
func (s *Service) DomainAvailable(ctx context.Context, host string) (bool, error) {
	h := s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.unavailable == nil || time.Since(h.loaded) > domainHealthRefresh {
		list, err := s.store.UnavailableDomains(ctx)
		if err != nil {
			return false, err
		}
		h.unavailable = make(map[string]bool, len(list))
		for _, d := range list {
			h.unavailable[d] = true
		}
		h.loaded = time.Now()
	}
	return !h.unavailable[host], nil
}

// DeliveryFailed records that a delivery to host failed at now (a timeout,
// a refused connection, a 5xx, 401, 408 or 429). On the
// UnavailableAfterDays-th distinct day of failures since it last answered,
// the host is marked unavailable.
func (s *Service) DeliveryFailed(ctx context.Context, host string, now time.Time) error {
	day := now.UTC().Unix() / 86400
	h := s.health
	h.mu.Lock()
	done := h.failedOn[host] == day
	h.mu.Unlock()
	if done {
		return nil
	}
	var unavailable bool
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		days, err := tx.RecordDeliveryFailure(ctx, host, day)
		if err != nil || days < UnavailableAfterDays {
			return err
		}
		unavailable = true
		return tx.MarkDomainUnavailable(ctx, host, now)
	})
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.forget()
	h.failedOn[host] = day
	h.failing[host] = failState{failing: true, at: time.Now()}
	if unavailable && h.unavailable != nil {
		h.unavailable[host] = true
	}
	if unavailable {
		s.log.Warn("delivery: host unavailable", "host", host, "failed_days", UnavailableAfterDays)
	}
	return nil
}

// DomainAnswered records that host answered (a delivery succeeded, or it
// sent a valid activity): its failures are forgotten and it is available
// again. Cheap when the host was not failing.
func (s *Service) DomainAnswered(ctx context.Context, host string) error {
	if host == "" {
		return nil
	}
	h := s.health
	h.mu.Lock()
	st, known := h.failing[host]
	h.mu.Unlock()
	if known && !st.failing && time.Since(st.at) < domainHealthRefresh {
		return nil
	}
	failing, unavailable, err := s.store.DomainDeliveryState(ctx, host)
	if err != nil {
		return err
	}
	if failing || unavailable {
		if err := s.store.InTx(ctx, func(tx *store.Store) error {
			return tx.ClearDeliveryFailures(ctx, host)
		}); err != nil {
			return err
		}
		if unavailable {
			s.log.Info("delivery: host available again", "host", host)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.forget()
	h.failing[host] = failState{at: time.Now()}
	delete(h.failedOn, host)
	if h.unavailable != nil {
		delete(h.unavailable, host)
	}
	return nil
}

// forget bounds the per-host maps (a node talks to tens of thousands of
// hosts at most; past that it starts over and reads again). Call with mu
// held.
func (h *domainHealth) forget() {
	const max = 100_000
	if len(h.failing) > max {
		h.failing = map[string]failState{}
	}
	if len(h.failedOn) > max {
		h.failedOn = map[string]int64{}
	}
}
