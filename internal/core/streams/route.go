package streams

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/notifications"
	"herd/internal/model"
	"herd/internal/scope"
	"herd/internal/store"
)

// route hands one change to the streams it concerns, as Mastodon's
// fan-out publishes it:
//   - a new status goes to the "user" streams of those whose home timeline
//     it enters, by fan-out's rules (followers, the mentioned, boosts
//     shown…), as soon as it commits, and to its author's;
//   - a status fan-out wrote into list feeds goes to those lists' "list"
//     streams;
//   - a public status that is neither a boost nor a reply to someone else
//     goes to the public streams, and to the hashtag streams of its tags;
//   - an edit goes where the status went, as status.update;
//   - a deletion goes to the author's and followers' user and list streams and, for
//     a public status, to the public and hashtag streams;
//   - a notification goes to its recipient's user:notification streams
//     and to user streams whose token may read notifications;
//   - a revoked token, or a suspended account, ends its connections.
func (s *Service) route(ctx context.Context, e store.Event) error {
	switch e.Kind {
	case store.EventListsFed:
		return s.toLists(ctx, store.ListsFedIDs(e.Payload), "update")
	case store.EventStatusCreated:
		if err := s.newToHomes(ctx, e.SubjectID, e.AccountID); err != nil {
			return err
		}
		return s.toPublic(ctx, e.SubjectID, "update")
	case store.EventStatusUpdated:
		if err := s.toHomes(ctx, []int64{e.SubjectID}, "status.update"); err != nil {
			return err
		}
		if err := s.toLists(ctx, []int64{e.SubjectID}, "status.update"); err != nil {
			return err
		}
		return s.toPublic(ctx, e.SubjectID, "status.update")
	case store.EventStatusDeleted:
		return s.deleted(ctx, e)
	case store.EventNotification:
		return s.notify(ctx, e.AccountID, e.SubjectID)
	case store.EventTokenRevoked:
		for _, c := range s.conns(0) {
			if c.viewer.Token.ID == e.SubjectID {
				c.end()
			}
		}
	case store.EventAccountSuspended:
		for _, c := range s.conns(e.SubjectID) {
			c.end()
		}
	}
	return nil
}

// end closes the connection from the server's side.
func (c *Conn) end() {
	c.Close()
	c.sub.Close()
}

func isUser(st Stream) bool { return st.Name == "user" }

func isList(st Stream) bool { return st.Name == "list" }

func isPublic(st Stream) bool { return publicStreams[st.Name] }

// userConns gathers the connections with a user stream, by account.
func (s *Service) userConns() map[int64][]*Conn {
	out := map[int64][]*Conn{}
	for _, c := range s.conns(0) {
		if len(c.subscribed(isUser)) > 0 {
			out[c.viewer.Account.ID] = append(out[c.viewer.Account.ID], c)
		}
	}
	return out
}

// newToHomes sends a status just posted to the user streams of its author
// and of those whose home timeline it enters. Nobody has favourited,
// boosted, bookmarked or pinned it yet, so an original looks the same to
// every recipient: it is hydrated once and the same view goes to all (the
// door renders it once too), but for those who muted its conversation and
// for its author. A boost, whose original each viewer may have acted on,
// is hydrated per viewer.
func (s *Service) newToHomes(ctx context.Context, id, authorID int64) error {
	users := s.userConns()
	if len(users) == 0 {
		return nil
	}
	accounts := make([]int64, 0, len(users))
	for account := range users {
		if account != authorID {
			accounts = append(accounts, account)
		}
	}
	recipients, err := s.store.HomeRecipientsAmong(ctx, id, accounts, time.Now())
	if err != nil {
		return err
	}
	deliver := func(account int64, v *model.StatusView) {
		for _, c := range users[account] {
			c.sub.Deliver(Event{Stream: []string{"user"}, Name: "update", Status: v})
		}
	}
	one := func(account int64) (*model.StatusView, error) {
		vs, err := s.views(ctx, account, []int64{id})
		if err != nil || len(vs) == 0 {
			return nil, err
		}
		return vs[0], nil
	}
	if _, ok := users[authorID]; ok {
		v, err := one(authorID)
		if err != nil {
			return err
		}
		if v != nil {
			deliver(authorID, v)
		}
	}
	if len(recipients) == 0 {
		return nil
	}
	shared, err := one(recipients[0])
	if err != nil {
		return err
	}
	own := map[int64]bool{} // recipients whose view differs from shared
	if shared == nil || shared.Reblog != nil || shared.Favourited || shared.Reblogged || shared.Bookmarked || shared.Pinned || shared.Muted {
		for _, r := range recipients {
			own[r] = true
		}
	} else if shared.Status.ConversationID != 0 {
		muters, err := s.store.ConversationMutersAmong(ctx, shared.Status.ConversationID, recipients)
		if err != nil {
			return err
		}
		for _, r := range muters {
			own[r] = true
		}
	}
	for _, r := range recipients {
		v := shared
		if own[r] {
			if v, err = one(r); err != nil {
				return err
			}
		}
		if v != nil {
			deliver(r, v)
		}
	}
	return nil
}

// toHomes sends those of ids that are in the home feeds of users with a
// user stream open here, oldest first, each as its user sees it.
func (s *Service) toHomes(ctx context.Context, ids []int64, name string) error {
	if len(ids) == 0 {
		return nil
	}
	users := s.userConns()
	if len(users) == 0 {
		return nil
	}
	accounts := make([]int64, 0, len(users))
	for id := range users {
		accounts = append(accounts, id)
	}
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	hits, err := s.store.HomeFeedHits(ctx, accounts, slices.Min(ids), slices.Max(ids))
	if err != nil {
		return err
	}
	got := map[int64][]int64{}
	for _, h := range hits {
		if want[h.StatusID] {
			got[h.AccountID] = append(got[h.AccountID], h.StatusID)
		}
	}
	for account, statusIDs := range got {
		slices.Sort(statusIDs)
		views, err := s.views(ctx, account, statusIDs)
		if err != nil {
			return err
		}
		for _, v := range views {
			for _, c := range users[account] {
				c.sub.Deliver(Event{Stream: []string{"user"}, Name: name, Status: v})
			}
		}
	}
	return nil
}

// listConns gathers the connections with list streams, by list (all of
// one list's connections are its owner's: Subscribe checked).
func (s *Service) listConns() map[int64][]*Conn {
	out := map[int64][]*Conn{}
	for _, c := range s.conns(0) {
		for _, st := range c.subscribed(isList) {
			if id, err := strconv.ParseInt(st.List, 10, 64); err == nil {
				out[id] = append(out[id], c)
			}
		}
	}
	return out
}

// toLists sends those of ids that are in the feeds of lists with a list
// stream open here, oldest first, as the list's owner sees them.
func (s *Service) toLists(ctx context.Context, ids []int64, name string) error {
	if len(ids) == 0 {
		return nil
	}
	conns := s.listConns()
	if len(conns) == 0 {
		return nil
	}
	lists := make([]int64, 0, len(conns))
	for id := range conns {
		lists = append(lists, id)
	}
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	hits, err := s.store.ListFeedHits(ctx, lists, slices.Min(ids), slices.Max(ids))
	if err != nil {
		return err
	}
	got := map[int64][]int64{}
	for _, h := range hits {
		if want[h.StatusID] {
			got[h.ListID] = append(got[h.ListID], h.StatusID)
		}
	}
	for list, statusIDs := range got {
		slices.Sort(statusIDs)
		cs := conns[list]
		views, err := s.views(ctx, cs[0].viewer.Account.ID, statusIDs)
		if err != nil {
			return err
		}
		stream := []string{"list", strconv.FormatInt(list, 10)}
		for _, v := range views {
			for _, c := range cs {
				c.sub.Deliver(Event{Stream: stream, Name: name, Status: v})
			}
		}
	}
	return nil
}

// toPublic sends a status to the public and hashtag streams that show it,
// each connection getting it as its viewer sees it (a viewer who blocks
// or mutes the author, or blocks their domain, gets nothing).
func (s *Service) toPublic(ctx context.Context, id int64, name string) error {
	var conns []*Conn
	for _, c := range s.conns(0) {
		if len(c.subscribed(isPublic)) > 0 {
			conns = append(conns, c)
		}
	}
	if len(conns) == 0 {
		return nil
	}
	anon, err := s.views(ctx, 0, []int64{id})
	if err != nil || len(anon) == 0 {
		return err
	}
	v := anon[0]
	st := v.Status
	if st.Visibility != model.Public || st.ReblogOfID != 0 || (st.InReplyToID != 0 && st.InReplyToAccountID != st.AccountID) {
		return nil
	}
	silenced, err := s.store.AccountSilenced(ctx, st.AccountID)
	if err != nil || silenced {
		return fault.NotFoundOr(err)
	}
	local, media := v.Account.Local(), len(v.Media) > 0
	tags := map[string]bool{}
	for _, t := range v.Tags {
		tags[strings.ToLower(t.Name)] = true
	}
	shows := func(x Stream) bool {
		switch x.Name {
		case "public":
			return true
		case "public:media":
			return media
		case "public:local":
			return local
		case "public:local:media":
			return local && media
		case "public:remote":
			return !local
		case "public:remote:media":
			return !local && media
		case "hashtag":
			return tags[strings.ToLower(x.Tag)]
		case "hashtag:local":
			return local && tags[strings.ToLower(x.Tag)]
		}
		return false
	}
	seen := map[int64]*model.StatusView{} // one view per viewer, however many of its connections
	for _, c := range conns {
		matched := c.subscribed(shows)
		if len(matched) == 0 {
			continue
		}
		viewer := c.viewer.Account.ID
		sv, ok := seen[viewer]
		if !ok {
			vs, err := s.views(ctx, viewer, []int64{id})
			if err != nil {
				return err
			}
			if len(vs) > 0 {
				sv = vs[0]
			}
			seen[viewer] = sv
		}
		if sv == nil {
			continue
		}
		for _, x := range matched {
			c.sub.Deliver(Event{Stream: x.Names(), Name: name, Status: sv})
		}
	}
	return nil
}

// deleted tells the streams that may show a deleted status to drop it.
// The status is gone, so its audience is the author and their followers
// with a user stream, and, when the event says it was public, every
// public and hashtag stream (an id a client never had is ignored).
func (s *Service) deleted(ctx context.Context, e store.Event) error {
	ev := Event{Name: "delete", DeletedID: e.SubjectID}
	users := s.userConns()
	if len(users) > 0 {
		accounts := make([]int64, 0, len(users))
		for id := range users {
			accounts = append(accounts, id)
		}
		followers, err := s.store.FollowersAmong(ctx, e.AccountID, accounts)
		if err != nil {
			return err
		}
		for _, id := range append(followers, e.AccountID) {
			for _, c := range users[id] {
				ev.Stream = []string{"user"}
				c.sub.Deliver(ev)
			}
		}
	}
	if conns := s.listConns(); len(conns) > 0 {
		owners := map[int64]bool{}
		for _, cs := range conns {
			owners[cs[0].viewer.Account.ID] = true
		}
		accounts := make([]int64, 0, len(owners))
		for id := range owners {
			accounts = append(accounts, id)
		}
		followers, err := s.store.FollowersAmong(ctx, e.AccountID, accounts)
		if err != nil {
			return err
		}
		audience := map[int64]bool{e.AccountID: true}
		for _, id := range followers {
			audience[id] = true
		}
		for list, cs := range conns {
			for _, c := range cs {
				if audience[c.viewer.Account.ID] {
					ev.Stream = []string{"list", strconv.FormatInt(list, 10)}
					c.sub.Deliver(ev)
				}
			}
		}
	}
	if e.Payload != string(model.Public) {
		return nil
	}
	for _, c := range s.conns(0) {
		for _, x := range c.subscribed(isPublic) {
			ev.Stream = x.Names()
			c.sub.Deliver(ev)
		}
	}
	return nil
}

// notify sends a new notification to its recipient's streams: every
// user:notification stream, and user streams whose token may read
// notifications (Mastodon's rule).
func (s *Service) notify(ctx context.Context, accountID, id int64) error {
	var nv *notifications.NotificationView // read once, for the first connection that wants it
	for _, c := range s.conns(accountID) {
		readsNotifications := scope.Covers(c.viewer.Token.Scopes, "read:notifications")
		matched := c.subscribed(func(x Stream) bool {
			return x.Name == "user:notification" || (x.Name == "user" && readsNotifications)
		})
		if len(matched) == 0 {
			continue
		}
		if nv == nil {
			var err error
			nv, err = s.notification(ctx, c.viewer, id)
			if errors.Is(err, fault.ErrRecordNotFound) {
				return nil // dismissed, or about a status the recipient may no longer see
			}
			if err != nil {
				return err
			}
		}
		for _, x := range matched {
			c.sub.Deliver(Event{Stream: x.Names(), Name: "notification", Notification: nv})
		}
	}
	return nil
}
