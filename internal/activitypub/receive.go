package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"herd/internal/core"
	"herd/internal/core/federation"
	"herd/internal/core/site"
	"herd/internal/jobs"
	"herd/internal/model"
)

// Receiver processes the activities the inbox stored (queue
// federation.QueueIngest). Each activity type goes to one core use case with the
// remote account as its actor; what the activity may touch is checked
// here (the object names a local account or a status the actor owns) and
// in core (origins, visibility).
type Receiver struct {
	core    *core.Core
	fetcher atomic.Pointer[Fetcher]
	log     *slog.Logger
}

// NewReceiver builds the worker of the ingest queue.
func NewReceiver(c *core.Core, f *Fetcher, log *slog.Logger) *Receiver {
	rc := &Receiver{core: c, log: log}
	rc.fetcher.Store(f)
	return rc
}

// activity is an incoming activity as the receiver reads it.
type activity struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Actor     json.RawMessage `json:"actor"`
	Object    json.RawMessage `json:"object"`
	To        json.RawMessage `json:"to"`
	Cc        json.RawMessage `json:"cc"`
	Target    json.RawMessage `json:"target"`
	Published string          `json:"published"`
}

// Jobs works a batch of ingest jobs. An activity refused on purpose
// (federation.ErrRejected) or that can never succeed (a refused URI, an invalid
// or gone document, text the database cannot store) is logged and done;
// other failures (a remote that did not answer, the database) are retried
// with back-off.
//
// Processing commits need not wait for the disk: the jobs' deletion after
// the batch is an ordinary commit, and makes them durable (a crash before
// it loses both, and the activities are processed again).
func (rc *Receiver) Jobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	ctx = core.DeferDurability(ctx)
	failed := map[int64]error{}
	for _, j := range batch {
		err := rc.Process(ctx, j.Payload)
		switch {
		case err == nil:
		case permanent(err):
			rc.log.Info("inbox: activity dropped", "job", j.ID, "reason", err)
		default:
			failed[j.ID] = err
		}
	}
	return failed
}

// permanent tells failures a retry cannot fix.
func permanent(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var status *StatusError
	if errors.As(err, &status) {
		return status.Status >= 400 && status.Status < 500 && status.Status != 408 && status.Status != 429
	}
	for _, e := range []error{federation.ErrRejected, ErrRefusedURI, ErrInvalidActor, ErrNotActivityPub, ErrIDMismatch,
		ErrGone, ErrNotFound, ErrBlockedDomain, model.ErrNotFound} {
		if errors.Is(err, e) {
			return true
		}
	}
	return errors.As(err, &syntax) || errors.As(err, &typ) || core.IsUnstorableText(err)
}

// Process handles one stored activity (an ingest job's payload).
func (rc *Receiver) Process(ctx context.Context, payload string) error {
	var job ingestJob
	if err := json.Unmarshal([]byte(payload), &job); err != nil {
		return err
	}
	job.Activity = withoutNUL(job.Activity)
	var act activity
	if err := json.Unmarshal(job.Activity, &act); err != nil {
		return err
	}
	if job.Forwarded {
		return rc.refetch(ctx, act)
	}
	actor, err := rc.fetcher.Load().ResolveActor(ctx, job.Signer)
	if err != nil {
		return err
	}
	if actor.Suspended() {
		return fmt.Errorf("%w: %s is suspended or gone", federation.ErrRejected, actor.URI)
	}
	rc.answered(ctx, actor)
	// Only an id on the actor's own host is remembered as processed, so no
	// one can mark another server's activity as seen in advance.
	dedupe := act.ID != "" && sameHost(act.ID, actor.URI)
	if dedupe {
		if seen, err := rc.core.Federation.ActivitySeen(ctx, act.ID); err != nil || seen {
			return err
		}
	}
	err = rc.dispatch(ctx, actor, act, job.Activity)
	if dedupe && (err == nil || errors.Is(err, federation.ErrRejected)) {
		if merr := rc.core.Federation.MarkActivitySeen(ctx, act.ID); merr != nil {
			return merr
		}
	}
	return err
}

// dispatch sends an activity to its use case.
func (rc *Receiver) dispatch(ctx context.Context, actor *model.Account, act activity, raw json.RawMessage) error {
	object := linkID(act.Object)
	switch act.Type {
	case "Create":
		if gone, err := rc.core.Federation.Tombstoned(ctx, act.ID); err != nil || gone {
			return err
		}
		return rc.create(ctx, actor, act.Object)
	case "Update":
		return rc.update(ctx, actor, act.Object)
	case "Delete":
		if object == actor.URI {
			return rc.core.Federation.ReceiveActorDelete(ctx, actor)
		}
		return rc.core.Federation.ReceiveStatusDelete(ctx, actor, object)
	case "Follow":
		target, err := rc.localAccount(ctx, object)
		if err != nil {
			return err
		}
		return rc.core.Federation.ReceiveFollow(ctx, actor, target, act.ID)
	case "Accept", "Reject":
		return rc.followAnswer(ctx, actor, act)
	case "Like":
		st, err := rc.core.Federation.StatusByURI(ctx, object)
		if err != nil {
			return err // Likes of statuses Herd does not hold are of no use
		}
		if gone, err := rc.core.Federation.Tombstoned(ctx, act.ID); err != nil || gone {
			return err
		}
		return rc.core.Federation.ReceiveLike(ctx, actor, st)
	case "Announce":
		return rc.announce(ctx, actor, act)
	case "Block":
		target, err := rc.localAccount(ctx, object)
		if err != nil {
			return err
		}
		return rc.core.Federation.ReceiveBlock(ctx, actor, target)
	case "Undo":
		return rc.undo(ctx, actor, act.Object)
	case "Add", "Remove":
		return rc.feature(ctx, actor, act)
	}
	rc.log.Debug("inbox: activity type not handled", "type", act.Type, "id", act.ID)
	return nil
}

// embedded is an activity's object when it is given whole.
type embedded struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Actor  json.RawMessage `json:"actor"`
	Object json.RawMessage `json:"object"`
}

func readEmbedded(raw json.RawMessage) (embedded, bool) {
	var e embedded
	if json.Unmarshal(raw, &e) != nil || e.Type == "" {
		return embedded{}, false
	}
	return e, true
}

// followAnswer applies an Accept or Reject of a follow a local account
// asked for. The answer must come from the account followed: the Follow it
// names was sent to the Accept's actor, or it is dropped as forged.
func (rc *Receiver) followAnswer(ctx context.Context, actor *model.Account, act activity) error {
	accepted := act.Type == "Accept"
	var follower *model.Account
	if e, ok := readEmbedded(act.Object); ok && e.Type == "Follow" {
		if linkID(e.Object) != actor.URI {
			return fmt.Errorf("%w: %s answers a follow of %s", federation.ErrRejected, actor.URI, linkID(e.Object))
		}
		a, err := rc.localAccount(ctx, linkID(e.Actor))
		if err != nil {
			return err
		}
		follower = a
	} else {
		uri := linkID(act.Object)
		f, err := rc.core.Federation.FollowRequestByURI(ctx, uri)
		if errors.Is(err, model.ErrNotFound) && !accepted {
			f, err = rc.core.Federation.FollowByURI(ctx, uri)
		}
		if err != nil {
			return err
		}
		if f.TargetAccountID != actor.ID {
			return fmt.Errorf("%w: %s answers a follow of account %d", federation.ErrRejected, actor.URI, f.TargetAccountID)
		}
		a, err := rc.core.StoredAccount(ctx, f.AccountID)
		if err != nil {
			return err
		}
		follower = a
	}
	return rc.core.Federation.ReceiveFollowAnswer(ctx, actor, follower, accepted)
}

// announce records a boost of a status Herd holds, or fetches the boosted
// status from its origin first.
func (rc *Receiver) announce(ctx context.Context, actor *model.Account, act activity) error {
	if err := checkOnHost(act.ID, actor); err != nil {
		return err
	}
	if gone, err := rc.core.Federation.Tombstoned(ctx, act.ID); err != nil || gone {
		return err
	}
	st, err := rc.status(ctx, linkID(act.Object), 0)
	if err != nil {
		return err
	}
	published, _ := time.Parse(time.RFC3339, act.Published)
	vis := visibility(actor, act.To, act.Cc)
	return rc.core.Federation.ReceiveAnnounce(ctx, actor, st, act.ID, published, vis)
}

// feature applies an Add or Remove of one of the actor's own statuses to
// or from its featured collection (a pin), as Mastodon sends them. Adds
// to other collections (Mastodon's featured tags, say) are ignored, and a
// status Herd does not hold is not fetched: the profile's pins are only a
// view of statuses the instance already has.
func (rc *Receiver) feature(ctx context.Context, actor *model.Account, act activity) error {
	target := linkID(act.Target)
	if u, err := url.Parse(target); err != nil || path.Base(u.Path) != "featured" || !sameHost(target, actor.URI) {
		return nil // Mastodon, Pleroma and Misskey name it …/collections/featured
	}
	st, err := rc.core.Federation.StatusByURI(ctx, linkID(act.Object))
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID {
		return fmt.Errorf("%w: %s features a status of another account", federation.ErrRejected, actor.URI)
	}
	return rc.core.Federation.ReceivePin(ctx, actor, st, act.Type == "Add")
}

// undo takes back a Follow, Like, Announce or Block by the same actor.
func (rc *Receiver) undo(ctx context.Context, actor *model.Account, raw json.RawMessage) error {
	e, ok := readEmbedded(raw)
	if !ok {
		return rc.undoByID(ctx, actor, linkID(raw))
	}
	if a := linkID(e.Actor); a != "" && a != actor.URI {
		return fmt.Errorf("%w: %s undoes an activity of %s", federation.ErrRejected, actor.URI, a)
	}
	object := linkID(e.Object)
	switch e.Type {
	case "Follow":
		target, err := rc.localAccount(ctx, object)
		if err != nil {
			return err
		}
		return rc.core.Federation.ReceiveUndoFollow(ctx, actor, target)
	case "Block":
		target, err := rc.localAccount(ctx, object)
		if err != nil {
			return err
		}
		return rc.core.Federation.ReceiveUndoBlock(ctx, actor, target)
	case "Announce":
		return rc.core.Federation.ReceiveUndoAnnounce(ctx, actor, e.ID)
	case "Like":
		st, err := rc.core.Federation.StatusByURI(ctx, object)
		if errors.Is(err, model.ErrNotFound) {
			if e.ID == "" {
				return nil
			}
			return rc.core.Federation.Remember(ctx, actor, e.ID)
		}
		if err != nil {
			return err
		}
		if e.ID != "" && sameHost(e.ID, actor.URI) {
			// The Like may still be on its way: remember it is undone.
			if err := rc.core.Federation.Remember(ctx, actor, e.ID); err != nil {
				return err
			}
		}
		return rc.core.Federation.ReceiveUndoLike(ctx, actor, st)
	}
	return rc.undoByID(ctx, actor, e.ID)
}

// undoByID undoes an activity named only by its id: a follow or a boost
// the actor made, else it is remembered so it is dropped if it arrives.
func (rc *Receiver) undoByID(ctx context.Context, actor *model.Account, uri string) error {
	if uri == "" {
		return fmt.Errorf("%w: Undo names nothing", federation.ErrRejected)
	}
	for _, find := range []func(context.Context, string) (*model.Follow, error){rc.core.Federation.FollowByURI, rc.core.Federation.FollowRequestByURI} {
		if f, err := find(ctx, uri); err == nil && f.AccountID == actor.ID {
			target, err := rc.core.StoredAccount(ctx, f.TargetAccountID)
			if err != nil {
				return err
			}
			return rc.core.Federation.ReceiveUndoFollow(ctx, actor, target)
		}
	}
	return rc.core.Federation.ReceiveUndoAnnounce(ctx, actor, uri)
}

// update refreshes the actor (Update of itself) or applies an edit of a
// Note it wrote.
func (rc *Receiver) update(ctx context.Context, actor *model.Account, raw json.RawMessage) error {
	e, ok := readEmbedded(raw)
	if !ok {
		return fmt.Errorf("%w: Update without an embedded object", federation.ErrRejected)
	}
	if actorTypes[e.Type] {
		if e.ID != actor.URI {
			return fmt.Errorf("%w: %s updates another actor %s", federation.ErrRejected, actor.URI, e.ID)
		}
		_, err := rc.fetcher.Load().refreshActor(ctx, actor.URI)
		return err
	}
	if !noteTypes[e.Type] {
		return nil
	}
	n, err := rc.parseNote(ctx, actor, raw, maxThreadFetch)
	if err != nil {
		return err
	}
	return rc.core.Federation.ReceiveNoteUpdate(ctx, actor, n)
}

// refetch handles an activity whose signer is not its actor (Mastodon
// forwards replies to a thread's audience this way): the body proves
// nothing, so its object is fetched from its origin by id. A Create's note
// is stored as its origin serves it; a Delete is applied only when the
// origin says the object is gone.
func (rc *Receiver) refetch(ctx context.Context, act activity) error {
	uri := linkID(act.Object)
	if uri == "" {
		return fmt.Errorf("%w: forwarded %s names no object", federation.ErrRejected, act.Type)
	}
	switch act.Type {
	case "Create", "Update":
		_, err := rc.status(ctx, uri, 0)
		return err
	case "Delete":
		_, err := rc.fetcher.Load().Fetch(ctx, uri)
		if !errors.Is(err, ErrGone) && !errors.Is(err, ErrNotFound) {
			if err == nil {
				return fmt.Errorf("%w: forwarded Delete of %s, which still exists", federation.ErrRejected, uri)
			}
			return err
		}
		st, err := rc.core.Federation.StatusByURI(ctx, uri)
		if err != nil {
			return err
		}
		author, err := rc.core.StoredAccount(ctx, st.AccountID)
		if err != nil {
			return err
		}
		return rc.core.Federation.ReceiveStatusDelete(ctx, author, uri)
	}
	return nil
}

// localAccount finds the local account an ActivityPub id names
// (BASE/users/NAME).
func (rc *Receiver) localAccount(ctx context.Context, uri string) (*model.Account, error) {
	name, ok := strings.CutPrefix(uri, rc.core.BaseURL()+"/users/")
	if !ok || name == "" || strings.ContainsAny(name, "/?#") {
		return nil, fmt.Errorf("%w: %q is not a local account", federation.ErrRejected, uri)
	}
	a, err := rc.core.Federation.LocalAccount(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("%w: no local account %q", federation.ErrRejected, name)
	}
	return a, nil
}

// sameHost reports whether two URIs are on one host.
func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && site.CanonicalHost(ua) == site.CanonicalHost(ub)
}

// checkOnHost refuses an id that is not on the actor's host.
func checkOnHost(uri string, actor *model.Account) error {
	if !sameHost(uri, actor.URI) {
		return fmt.Errorf("%w: %q is not on %s's host", federation.ErrRejected, uri, actor.Acct())
	}
	return nil
}

// SetFetcher replaces the fetcher objects and actors are found through
// (tests point it at fake remotes).
func (rc *Receiver) SetFetcher(f *Fetcher) { rc.fetcher.Store(f) }

// answered clears the delivery failures of the hosts of a remote actor
// that sent a verified activity: its server is up, so deliveries to it
// resume (Mastodon's DeliveryFailureTracker.track_inverse_success!).
func (rc *Receiver) answered(ctx context.Context, actor *model.Account) {
	done := map[string]bool{}
	for _, raw := range []string{actor.URI, actor.InboxURL, actor.SharedInboxURL} {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		host := core.DeliveryHost(u)
		if done[host] {
			continue
		}
		done[host] = true
		if err := rc.core.Domains.DomainAnswered(ctx, host); err != nil {
			rc.log.Warn("inbox: clear delivery failures", "host", host, "err", err)
		}
	}
}
