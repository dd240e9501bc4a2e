package activitypub

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"herd/internal/core"
	"herd/internal/core/federation"
	"herd/internal/ids"
	"herd/internal/model"
)

// errNothingToSend: the rows a delivery names are gone (a status deleted
// before its Create went out); the delivery is dropped.
var errNothingToSend = errors.New("activitypub: nothing left to deliver")

// outActivity is an activity Herd sends other than a Create, Update or
// Announce of a status (those are Activity, from note.go). Fields left
// empty are left out, as Mastodon's serializers leave them out.
type outActivity struct {
	Context any      `json:"@context,omitempty"`
	ID      string   `json:"id,omitempty"`
	Type    string   `json:"type"`
	Actor   string   `json:"actor"`
	To      []string `json:"to,omitempty"`
	Target  string   `json:"target,omitempty"`
	Object  any      `json:"object"`
}

// tombstone is the object of a status's Delete.
type tombstone struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	AtomURI string `json:"atomUri"`
}

// deleteContext is the @context of a Delete of a status (Mastodon's
// DeleteSerializer adds atomUri for the Tombstone).
var deleteContext = []any{asContext, map[string]string{"ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri"}}

// buildActivity renders the activity d announces, as Mastodon's
// serializers shape each kind (app/serializers/activitypub/*). actor is
// d.ActorID's account. It returns errNothingToSend when the rows it needs
// are gone.
func (dl *Deliverer) buildActivity(ctx context.Context, d core.Delivery, actor *model.Account) (any, error) {
	h := dl.docs
	switch d.Kind {
	case "Create", "Announce":
		b, st, err := dl.status(ctx, d.ObjectID)
		if err != nil {
			return nil, err
		}
		act := h.activity(b, st) // a Create, or an Announce for a boost
		act.Context = noteContext
		return act, nil
	case "Update":
		b, st, err := dl.status(ctx, d.ObjectID)
		if err != nil {
			return nil, err
		}
		if st.ReblogOfID != 0 {
			return nil, fmt.Errorf("%w: Update of a boost", errNothingToSend)
		}
		n := h.note(b, st)
		edited := time.Now()
		if st.EditedAt != nil {
			edited = *st.EditedAt
		}
		// ActivityPub::StatusUpdateDistributionWorker: the status's id,
		// "#updates/" and the edit's time in seconds.
		return &Activity{Context: noteContext, ID: n.ID + "#updates/" + unixString(edited), Type: "Update",
			Actor: actor.URI, Published: timestamp(edited), To: n.To, Cc: n.Cc, Object: n}, nil
	case "Delete":
		if (d.ObjectID == 0 && d.URI == "") || d.URI == actor.URI {
			// DeleteActorSerializer: the account itself is gone.
			return &outActivity{Context: asContext, ID: actor.URI + "#delete", Type: "Delete", Actor: actor.URI,
				To: []string{Public}, Object: actor.URI}, nil
		}
		uri := d.URI
		if uri == "" {
			uri = dl.core.StatusURI(actor.Username, d.ObjectID)
		}
		return &outActivity{Context: deleteContext, ID: uri + "#delete", Type: "Delete", Actor: actor.URI,
			To: []string{Public}, Object: tombstone{ID: uri, Type: "Tombstone", AtomURI: uri}}, nil
	case "Like":
		return dl.like(ctx, d, actor)
	case "Undo:Like":
		like, err := dl.like(ctx, d, actor)
		if err != nil {
			return nil, err
		}
		like.Context = nil
		return undo(actor, like.ID+"/undo", like), nil
	case "Undo:Announce":
		orig := d.URI
		if orig == "" {
			b, st, err := dl.status(ctx, d.ObjectID)
			if err != nil {
				return nil, err
			}
			if st.ReblogOfID == 0 || b.Parents[st.ReblogOfID] == nil {
				return nil, fmt.Errorf("%w: Undo:Announce of %d, not a boost", errNothingToSend, d.ObjectID)
			}
			orig = b.Parents[st.ReblogOfID].URI
		}
		announce := &outActivity{ID: dl.core.StatusURI(actor.Username, d.ObjectID) + "/activity", Type: "Announce",
			Actor: actor.URI, Object: orig}
		// UndoAnnounceSerializer: "#announces/<boost id>/undo", to Public.
		u := undo(actor, actor.URI+"#announces/"+ids.Format(d.ObjectID)+"/undo", announce)
		u.To = []string{Public}
		return u, nil
	case "Follow", "Undo:Follow":
		target, err := dl.target(ctx, d)
		if err != nil {
			return nil, err
		}
		follow := &outActivity{ID: d.URI, Type: "Follow", Actor: actor.URI, Object: target.URI}
		if follow.ID == "" {
			follow.ID = actor.URI + "#follows/" + ids.Format(d.ObjectID)
		}
		if d.Kind == "Follow" {
			follow.Context = asContext
			return follow, nil
		}
		return undo(actor, actor.URI+"#follows/"+ids.Format(d.ObjectID)+"/undo", follow), nil
	case "Accept", "Reject":
		follower, err := dl.target(ctx, d)
		if err != nil {
			return nil, err
		}
		// AcceptFollowSerializer / RejectFollowSerializer: the Follow is
		// given whole, with the id the follower gave it.
		path := "#accepts/follows/"
		if d.Kind == "Reject" {
			path = "#rejects/follows/"
		}
		return &outActivity{Context: asContext, ID: actor.URI + path + ids.Format(d.ObjectID), Type: d.Kind,
			Actor: actor.URI, Object: &outActivity{ID: d.URI, Type: "Follow", Actor: follower.URI, Object: actor.URI}}, nil
	case "Block", "Undo:Block":
		target, err := dl.target(ctx, d)
		if err != nil {
			return nil, err
		}
		block := &outActivity{ID: d.URI, Type: "Block", Actor: actor.URI, Object: target.URI}
		if block.ID == "" {
			block.ID = actor.URI + "#blocks/" + ids.Format(d.ObjectID)
		}
		if d.Kind == "Block" {
			block.Context = asContext
			return block, nil
		}
		return undo(actor, actor.URI+"#blocks/"+ids.Format(d.ObjectID)+"/undo", block), nil
	case "Update:Person":
		doc := h.actorDocument(actor)
		doc.Context = nil // the activity carries it
		// Milliseconds, not Mastodon's seconds: receivers drop an activity id
		// they have seen, and a picture removed in the second it was set
		// must still reach them.
		return &outActivity{Context: actorContext, ID: actor.URI + "#updates/" + strconv.FormatInt(actor.UpdatedAt.UnixMilli(), 10),
			Type: "Update", Actor: actor.URI, To: []string{Public}, Object: doc}, nil
	case "Add", "Remove":
		uri, err := dl.statusURI(ctx, d)
		if err != nil {
			return nil, err
		}
		// AddSerializer / RemoveSerializer carry no id.
		return &outActivity{Context: asContext, Type: d.Kind, Actor: actor.URI,
			Target: actor.URI + "/collections/featured", Object: uri}, nil
	}
	return nil, fmt.Errorf("%w: unknown kind %q", errNothingToSend, d.Kind)
}

// like is the Like of d: "#likes/<favourite id>" under the actor.
func (dl *Deliverer) like(ctx context.Context, d core.Delivery, actor *model.Account) (*outActivity, error) {
	uri, err := dl.statusURI(ctx, d)
	if err != nil {
		return nil, err
	}
	return &outActivity{Context: asContext, ID: actor.URI + "#likes/" + ids.Format(d.ObjectID), Type: "Like",
		Actor: actor.URI, Object: uri}, nil
}

// undo wraps an activity (without its @context) in an Undo by actor.
func undo(actor *model.Account, id string, object *outActivity) *outActivity {
	object.Context = nil
	return &outActivity{Context: asContext, ID: id, Type: "Undo", Actor: actor.URI, Object: object}
}

// status loads the status a delivery names.
func (dl *Deliverer) status(ctx context.Context, id int64) (*federation.StatusBundle, *model.Status, error) {
	b, err := dl.core.DeliveryStatus(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: status %d", errNothingToSend, id)
	}
	if err != nil {
		return nil, nil, err
	}
	return b, b.Statuses[0], nil
}

// statusURI is d.URI, or the id of the status d.ObjectID.
func (dl *Deliverer) statusURI(ctx context.Context, d core.Delivery) (string, error) {
	if d.URI != "" {
		return d.URI, nil
	}
	uri, err := dl.core.StatusURIByID(ctx, d.ObjectID)
	if errors.Is(err, model.ErrNotFound) {
		return "", fmt.Errorf("%w: status %d", errNothingToSend, d.ObjectID)
	}
	return uri, err
}

// target loads the account d.TargetID.
func (dl *Deliverer) target(ctx context.Context, d core.Delivery) (*model.Account, error) {
	a, err := dl.core.StoredAccount(ctx, d.TargetID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: account %d", errNothingToSend, d.TargetID)
	}
	return a, err
}

func unixString(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
