// Package streams feeds the streaming API. It keeps the streams open on
// this node and reads every change from the events log (each node reads
// the whole log, so a post made on one node reaches sockets on all of
// them); for each change it decides which open streams it concerns and
// hands each of them the change as its viewer would get it from the REST
// API: visibility, blocks, mutes and domain blocks applied per viewer. The
// doors turn what it hands out into WebSocket messages or server-sent
// events.
package streams

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/notifications"
	"herd/internal/model"
	"herd/internal/store"
)

// Event is one message for one open stream.
type Event struct {
	Stream []string // the stream it belongs to, e.g. ["user"], ["hashtag", "cats"]
	// Name is Mastodon's event name: update, status.update, delete or
	// notification.
	Name         string
	Status       *model.StatusView // update, status.update: as the stream's viewer sees it
	Notification *notifications.NotificationView
	DeletedID    int64 // delete: the id of the status deleted
}

// Subscriber is the door's end of a connection.
type Subscriber interface {
	// Deliver queues an event for the client. It must not block: a
	// subscriber whose client does not keep up ends its connection itself.
	Deliver(Event)
	// Close ends the connection (its token was revoked, its account
	// suspended); it must not block either.
	Close()
}

// DefaultMaxPerAccount is how many streaming connections one account may
// hold open on one node when Deps.MaxPerAccount is zero: enough for a
// few devices and browser tabs, each with a WebSocket or a few SSE streams.
const DefaultMaxPerAccount = 32

// Deps is what the streams area is built from.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
	// TimelineViews hydrates statuses as viewerID (0: anonymous) would see
	// them in a timeline, leaving out those the viewer may not see (blocks
	// either way, mutes, domain blocks, visibility); core's read path.
	TimelineViews func(ctx context.Context, viewerID int64, ids []int64) ([]*model.StatusView, error)
	// Notification reads one of the viewer's notifications as the REST
	// API shows it (core/notifications).
	Notification func(ctx context.Context, v *model.Viewer, id int64) (*notifications.NotificationView, error)
	// ListOwner says whose a list is (core/lists); without it no list may
	// be streamed.
	ListOwner func(ctx context.Context, listID int64) (accountID int64, err error)
	// QueueBytes bounds what the queues of all open streams may hold
	// together (a share of the instance's memory budget, HERD_CACHE_MB).
	QueueBytes int64
	// MaxPerAccount bounds an account's open connections on this node
	// (0: DefaultMaxPerAccount).
	MaxPerAccount int
}

// Service is the streams area.
type Service struct {
	store         *store.Store
	log           *slog.Logger
	views         func(ctx context.Context, viewerID int64, ids []int64) ([]*model.StatusView, error)
	notification  func(ctx context.Context, v *model.Viewer, id int64) (*notifications.NotificationView, error)
	listOwner     func(ctx context.Context, listID int64) (int64, error)
	maxPerAccount int
	budget        *Budget

	// changes carries events from the log reader to Run, which routes
	// them one by one in order; the reader never waits on it.
	changes chan store.Event
	dropped atomic.Int64

	mu        sync.RWMutex
	byAccount map[int64]map[*Conn]struct{}
}

// changesBuffer is how many events may wait for Run: a burst of posts
// queues here while Run routes the ones before.
const changesBuffer = 8192

// New builds the area.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Log, views: d.TimelineViews, notification: d.Notification, listOwner: d.ListOwner,
		maxPerAccount: d.MaxPerAccount, budget: &Budget{limit: d.QueueBytes},
		changes: make(chan store.Event, changesBuffer), byAccount: map[int64]map[*Conn]struct{}{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.views == nil {
		s.views = func(context.Context, int64, []int64) ([]*model.StatusView, error) { return nil, nil }
	}
	if s.notification == nil {
		s.notification = func(context.Context, *model.Viewer, int64) (*notifications.NotificationView, error) {
			return nil, fault.ErrRecordNotFound
		}
	}
	if s.listOwner == nil {
		s.listOwner = func(context.Context, int64) (int64, error) { return 0, fault.ErrRecordNotFound }
	}
	if s.maxPerAccount <= 0 {
		s.maxPerAccount = DefaultMaxPerAccount
	}
	return s
}

// Budget is the bytes the queues of all open streams may hold together;
// each connection takes what it queues and gives it back once written.
type Budget struct {
	limit int64 // 0: unbounded
	used  atomic.Int64
}

// Budget is the shared bound of the stream queues.
func (s *Service) Budget() *Budget { return s.budget }

// Take reserves n bytes, or says false when the budget has no room.
func (b *Budget) Take(n int) bool {
	if b.used.Add(int64(n)) > b.limit && b.limit > 0 {
		b.used.Add(-int64(n))
		return false
	}
	return true
}

// Force takes n bytes even past the limit (one event for a connection
// that has nothing waiting: what it may hold stays bounded by the number
// of connections).
func (b *Budget) Force(n int) { b.used.Add(int64(n)) }

// Give returns n bytes taken before.
func (b *Budget) Give(n int) { b.used.Add(-int64(n)) }

// Used is the bytes queued now.
func (b *Budget) Used() int64 { return b.used.Load() }

// Notice takes an event read from the log (core's event reader calls it
// for every event); it never blocks. Events that find the queue full are
// dropped and counted: streams are best effort, as Mastodon's are, and
// clients refetch their timelines when they reconnect.
func (s *Service) Notice(e store.Event) {
	if !s.routed(e.Kind) {
		return
	}
	select {
	case s.changes <- e:
	default:
		if s.dropped.Add(1)%1000 == 1 {
			s.log.Warn("streams: changes dropped, routing falls behind", "dropped", s.dropped.Load())
		}
	}
}

func (s *Service) routed(kind string) bool {
	switch kind {
	case store.EventStatusCreated, store.EventListsFed, store.EventStatusUpdated, store.EventStatusDeleted,
		store.EventNotification, store.EventTokenRevoked, store.EventAccountSuspended:
		return true
	}
	return false
}

// Run routes the events Notice took until ctx ends.
func (s *Service) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-s.changes:
			if s.empty() {
				continue
			}
			rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			if err := s.route(rctx, e); err != nil && ctx.Err() == nil {
				s.log.Error("streams: route", "kind", e.Kind, "subject", e.SubjectID, "err", err)
			}
			cancel()
		}
	}
}

func (s *Service) empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byAccount) == 0
}

// Conn is one client connection: a WebSocket with any number of streams,
// or a server-sent events request with one.
type Conn struct {
	s      *Service
	viewer *model.Viewer
	sub    Subscriber

	mu      sync.Mutex
	streams map[string]Stream
	closed  bool
}

// Open registers a connection of a signed-in user, subscribed to the
// streams given before any event can reach it (so a client that has
// connected misses nothing posted after). Mastodon streams only to user
// tokens since 4.2: app tokens are refused like unknown ones. An account
// holding MaxPerAccount connections already is refused with 429.
func (s *Service) Open(ctx context.Context, v *model.Viewer, sub Subscriber, first ...Stream) (*Conn, error) {
	if v == nil || v.Account == nil || v.Token == nil {
		return nil, fault.Unauthorized("Invalid access token")
	}
	c := &Conn{s: s, viewer: v, sub: sub, streams: map[string]Stream{}}
	for _, st := range first {
		if err := c.Subscribe(ctx, st); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mine := s.byAccount[v.Account.ID]
	if len(mine) >= s.maxPerAccount {
		return nil, fault.TooManyRequests("Too many streaming connections")
	}
	if mine == nil {
		mine = map[*Conn]struct{}{}
		s.byAccount[v.Account.ID] = mine
	}
	mine[c] = struct{}{}
	return c, nil
}

// Viewer is who the connection streams to.
func (c *Conn) Viewer() *model.Viewer { return c.viewer }

// Subscribe adds a stream, checking the token's scopes and, for a list,
// that it is the viewer's. Subscribing twice to one stream is a no-op.
func (c *Conn) Subscribe(ctx context.Context, st Stream) error {
	if err := allowed(c.viewer.Token.Scopes, st); err != nil {
		return err
	}
	if st.Name == "list" {
		id, err := listID(st.List)
		if err != nil {
			return err
		}
		owner, err := c.s.listOwner(ctx, id)
		if err != nil || owner != c.viewer.Account.ID {
			return fault.Unauthorized("Not authorized to stream this list")
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.streams[st.key()] = st
	return nil
}

// Unsubscribe removes a stream; unknown ones are ignored.
func (c *Conn) Unsubscribe(st Stream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.streams, st.key())
}

// Close unregisters the connection; safe to call more than once.
func (c *Conn) Close() {
	c.mu.Lock()
	closed := c.closed
	c.closed = true
	c.mu.Unlock()
	if closed {
		return
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.viewer.Account.ID
	delete(s.byAccount[id], c)
	if len(s.byAccount[id]) == 0 {
		delete(s.byAccount, id)
	}
}

// subscribed returns the connection's streams matching keep.
func (c *Conn) subscribed(keep func(Stream) bool) []Stream {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Stream
	for _, st := range c.streams {
		if keep(st) {
			out = append(out, st)
		}
	}
	return out
}

// Connections counts the connections open on this node.
func (s *Service) Connections() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, m := range s.byAccount {
		n += len(m)
	}
	return n
}

// conns lists the open connections (all of them when accountID is 0).
func (s *Service) conns(accountID int64) []*Conn {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*Conn
	if accountID != 0 {
		for c := range s.byAccount[accountID] {
			out = append(out, c)
		}
		return out
	}
	for _, m := range s.byAccount {
		for c := range m {
			out = append(out, c)
		}
	}
	return out
}
