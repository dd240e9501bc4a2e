package core

import (
	"context"
	"encoding/json"
	"time"

	"herd/internal/store"
)

// QueueDelivery is the job queue of activities to send to other servers
// (DESIGN.md principle 3: an outgoing activity is a durable job, queued in
// the transaction of the change it announces, so a crash loses none).
const QueueDelivery = "deliver"

// Delivery says what to announce to other servers; the delivery worker
// (package activitypub) builds the activity from the rows it names when it
// runs, finds the inboxes, signs and sends.
type Delivery struct {
	// Kind is the activity, as ActivityStreams names it, with the object
	// type where it matters: "Create", "Update", "Delete", "Announce",
	// "Like", "Follow", "Accept", "Reject", "Block", "Undo:Follow",
	// "Undo:Like", "Undo:Announce", "Undo:Block", "Update:Person",
	// "Add", "Remove" (pins).
	Kind string `json:"kind"`
	// ActorID is the local account acting.
	ActorID int64 `json:"actor_id"`
	// ObjectID is the status, follow or other row the activity is about
	// (0 when none).
	ObjectID int64 `json:"object_id,omitempty"`
	// TargetID is the account addressed when the activity is for one
	// account only (a follow, an accept, a block); 0 for audiences
	// computed from the object (followers, mentions).
	TargetID int64 `json:"target_id,omitempty"`
	// URI carries what a deleted row can no longer tell (the deleted
	// status's id, a follow's activity id), empty otherwise.
	URI string `json:"uri,omitempty"`
	//
	// What the worker reads, per Kind (package activitypub, deliver_activity.go):
	//   Create, Update, Announce: ObjectID = the status (the boost for Announce).
	//   Delete: ObjectID = the deleted status, URI = its id (derived from
	//     ObjectID for a local status when empty); ObjectID 0 and URI empty
	//     (or URI = the actor's id) deletes the actor itself.
	//   Like, Undo:Like: ObjectID = the favourite row (its id names the Like),
	//     URI = the liked status's id (when empty ObjectID is read as the
	//     status).
	//   Undo:Announce: ObjectID = the boost, URI = the boosted status's id
	//     (when empty, read from the boost if it still exists).
	//   Follow, Undo:Follow: ObjectID = the follow (or request), TargetID =
	//     the account followed, URI = the Follow's id if stored.
	//   Accept, Reject: ObjectID = the follow, TargetID = the follower, URI =
	//     the remote Follow's id.
	//   Block, Undo:Block: ObjectID = the block, TargetID = the account blocked.
	//   Update:Person: ActorID only.
	//   Add, Remove: ObjectID = the status pinned or unpinned (URI, if set,
	//     is its id).

	// The audience, decided by the use case when it enqueues (it knows
	// the visibility and who was mentioned, which a deleted row cannot
	// tell later). The worker sends to the union, one POST per inbox,
	// preferring shared inboxes, and skips local accounts.
	//
	// Followers: the actor's remote followers.
	Followers bool `json:"followers,omitempty"`
	// AccountIDs: further accounts to reach (mentioned accounts, the
	// author of a favourited, boosted or replied-to status); TargetID is
	// always reached too.
	AccountIDs []int64 `json:"account_ids,omitempty"`
	// ThreadFollowersOf: a further local account whose remote followers
	// are reached: the author of the post a public or unlisted reply
	// answers, so a thread is whole on their followers' servers (Mastodon's
	// StatusReachFinder, in_reply_to_local_account).
	ThreadFollowersOf int64 `json:"thread_followers_of,omitempty"`
}

// EnqueueDelivery queues d inside the transaction tx of the change it
// announces; the job workers are woken after that transaction commits.
func EnqueueDelivery(ctx context.Context, tx *store.Store, d Delivery) error {
	payload, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = tx.EnqueueJob(ctx, QueueDelivery, string(payload), time.Now())
	return err
}
