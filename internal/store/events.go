package store

import (
	"context"
	"time"

	"herd/internal/ids"
)

// Event kinds. Every write that caches, streams or other nodes must see
// appends one in the same transaction (DESIGN.md principle 7).
const (
	EventStatusCreated    = "status.created"
	EventStatusUpdated    = "status.updated"
	EventStatusDeleted    = "status.deleted"
	EventAccountUpdated   = "account.updated"
	EventAccountSuspended = "account.suspended"
	EventTokenRevoked     = "token.revoked"
	EventNotification     = "notification"
	// EventListsFed says that fan-out wrote statuses into list feeds
	// (and home feeds); its payload is their ids, comma-separated (at
	// most ListsFedChunk of them). Open list streams learn from it which
	// new statuses reached their lists.
	EventListsFed = "lists.fed"
	// EventViewerChanged: what the subject account has done changed (a
	// follow, block, mute, favourite, boost, bookmark, pin, muted
	// conversation), or someone blocked or unblocked it.
	EventViewerChanged = "viewer.changed"
	// EventStatusCounts: a status's counters changed (favourite, boost,
	// reply, or their undoing).
	EventStatusCounts = "status.counts"
	// EventAccountCounts: an account's counters, last post time or
	// suspension changed, other than by posting or deleting a status
	// (EventStatusCreated and EventStatusDeleted name the author).
	EventAccountCounts = "account.counts"
	// EventDomainPolicy: the domain blocks or allows changed (an admin,
	// through the API or the CLI); every node reloads its copy.
	EventDomainPolicy = "domain.policy"
	// EventStatusCard: a status got its preview card (or its card was
	// refreshed); every node drops the status's cached rendering.
	EventStatusCard = "status.card"
	// EventStatusMedia: a remote status's attachment was cached or its
	// files pruned; every node drops the status's cached rendering.
	EventStatusMedia = "status.media"
	// EventCustomEmoji: a custom emoji was added, removed or changed (its
	// image cached or pruned); every node forgets the emoji it knew.
	EventCustomEmoji = "custom_emoji"
)

// Event is one row of the change log.
type Event struct {
	ID        int64
	Kind      string
	SubjectID int64 // the status, account or token the event is about
	AccountID int64 // whose event it is (author, recipient), 0 if none
	Payload   string
	CreatedAt time.Time
}

// AppendEvent adds an event to the log; call it inside the transaction of
// the change it describes.
func (s *Store) AppendEvent(ctx context.Context, kind string, subjectID, accountID int64, payload string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO events (id, kind, subject_id, account_id, payload, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, ids.New(), kind, subjectID, accountID, payload, ms(time.Now()))
	if err == nil {
		if s.changes != nil {
			s.changes.events = true
		} else if s.hooks != nil && s.hooks.eventsAppended != nil {
			s.hooks.eventsAppended() // outside a transaction: committed already
		}
	}
	return err
}

// EventsAfter reads up to limit events with id > after, oldest first.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id, kind, subject_id, account_id, payload, created_at
		FROM events WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var created int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.SubjectID, &e.AccountID, &e.Payload, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMS(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastEventID is where a node starts reading the log.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM events").Scan(&id)
	return id, err
}

// PruneEvents deletes events older than before.
func (s *Store) PruneEvents(ctx context.Context, before time.Time) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM events WHERE id < $1", ids.Floor(before))
	return err
}
