package federation_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"herd/internal/core/federation"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestReceive drives the area as the inbox worker does: a remote actor is
// stored from its document, its Create lands as a status mentioning and
// notifying a local account (once however often it comes), its Update
// edits it, its Delete removes it and leaves a tombstone that drops a late
// copy; a Like counts on a local status, a Follow and its Undo change the
// local account's followers, and objects on another host are rejected.
func TestReceive(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		fed := inst.Core.Federation
		ctx := context.Background()
		alice := inst.NewUser(t, "alice")

		ann, err := fed.SaveRemoteAccount(ctx, federation.RemoteActor{URI: "https://remote.test/users/ann",
			Username: "ann", Domain: "remote.test", InboxURL: "https://remote.test/users/ann/inbox"})
		if err != nil {
			t.Fatal(err)
		}
		if found, err := fed.RemoteAccountByURI(ctx, ann.URI); err != nil || found.ID != ann.ID {
			t.Fatalf("RemoteAccountByURI = %v, %v", found, err)
		}
		if _, err := fed.SaveRemoteAccount(ctx, federation.RemoteActor{URI: "https://other.test/users/ann",
			Username: "ann", Domain: "remote.test"}); err == nil {
			t.Fatal("an actor whose id is off its domain was stored")
		}

		// A Create lands as a status, with its mention notified.
		uri := "https://remote.test/users/ann/statuses/1"
		note := federation.RemoteNote{URI: uri, Content: "<p>hello @alice</p><script>x</script>",
			Visibility: model.Public, Published: time.Now().Add(-time.Minute), Mentions: []*model.Account{alice.Account}}
		st, err := fed.ReceiveNote(ctx, ann, note)
		if err != nil {
			t.Fatal(err)
		}
		if st.AccountID != ann.ID || st.Content != "<p>hello @alice</p>" {
			t.Fatalf("stored %+v", st)
		}
		again, err := fed.ReceiveNote(ctx, ann, note)
		if err != nil || again.ID != st.ID {
			t.Fatalf("a repeated Create = %v, %v; want the stored status %d", again, err, st.ID)
		}
		inst.WaitJobs(t)
		var notes []struct {
			Type   string
			Status struct{ ID string }
		}
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/notifications", alice.Token, nil).JSON(t, &notes)
		if len(notes) != 1 || notes[0].Type != "mention" || notes[0].Status.ID != ids.Format(st.ID) {
			t.Fatalf("alice's notifications = %+v, want one mention of %d", notes, st.ID)
		}

		// An object on another host than the actor's is refused.
		forged := note
		forged.URI = "https://elsewhere.test/statuses/1"
		if _, err := fed.ReceiveNote(ctx, ann, forged); !errors.Is(err, federation.ErrRejected) {
			t.Fatalf("a note off the actor's host: %v, want ErrRejected", err)
		}

		// An Update edits it.
		edit := note
		edit.Content = "<p>hello again</p>"
		if err := fed.ReceiveNoteUpdate(ctx, ann, edit); err != nil {
			t.Fatal(err)
		}
		if got, err := fed.StatusByURI(ctx, uri); err != nil || got.Content != "<p>hello again</p>" || got.EditedAt == nil {
			t.Fatalf("after the Update: %+v, %v", got, err)
		}

		// A Delete removes it; a late Create of it is dropped.
		if err := fed.ReceiveStatusDelete(ctx, ann, uri); err != nil {
			t.Fatal(err)
		}
		if _, err := fed.StatusByURI(ctx, uri); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("after the Delete: %v, want not found", err)
		}
		if gone, err := fed.Tombstoned(ctx, uri); err != nil || !gone {
			t.Fatalf("Tombstoned = %v, %v", gone, err)
		}
		if _, err := fed.ReceiveNote(ctx, ann, note); !errors.Is(err, federation.ErrRejected) {
			t.Fatalf("a Create after its Delete: %v, want ErrRejected", err)
		}

		// A Like of alice's public post counts.
		var posted struct{ ID string }
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			map[string]any{"status": "mine"}).JSON(t, &posted)
		id, _ := ids.Parse(posted.ID)
		mine, err := inst.Store.StatusByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := fed.ReceiveLike(ctx, ann, mine); err != nil {
			t.Fatal(err)
		}
		var view struct {
			FavouritesCount int `json:"favourites_count"`
		}
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+posted.ID, alice.Token, nil).JSON(t, &view)
		if view.FavouritesCount != 1 {
			t.Fatalf("favourites_count = %d after a Like, want 1", view.FavouritesCount)
		}
		if b, err := fed.PublishedStatus(ctx, "alice", id); err != nil || len(b.Statuses) != 1 {
			t.Fatalf("PublishedStatus = %v, %v", b, err)
		}

		// A Follow and its Undo.
		followers := func() int64 {
			t.Helper()
			a, err := inst.Store.AccountByID(ctx, alice.Account.ID)
			if err != nil {
				t.Fatal(err)
			}
			return a.FollowersCount
		}
		if err := fed.ReceiveFollow(ctx, ann, alice.Account, ann.URI+"#follow"); err != nil {
			t.Fatal(err)
		}
		if n := followers(); n != 1 {
			t.Fatalf("followers = %d after a Follow, want 1", n)
		}
		if f, err := fed.FollowByURI(ctx, ann.URI+"#follow"); err != nil || f.AccountID != ann.ID {
			t.Fatalf("FollowByURI = %v, %v", f, err)
		}
		if err := fed.ReceiveUndoFollow(ctx, ann, alice.Account); err != nil {
			t.Fatal(err)
		}
		if n := followers(); n != 0 {
			t.Fatalf("followers = %d after the Undo, want 0", n)
		}
	})
}
