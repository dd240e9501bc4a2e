package activitypub_test

import (
	"context"
	"net/http"
	"testing"

	"herd/internal/testrig"
)

// TestInboxFeaturedPins: a remote actor's Add of its own status to its
// featured collection pins it on its profile here, Remove unpins it; an
// Add of someone else's status, or to another collection (featured tags),
// changes nothing.
func TestInboxFeaturedPins(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		r := n.remotes[remoteHost]
		bob, carol := r.person(t, "bob"), r.person(t, "carol")
		bobNote, carolNote := bob+"/statuses/1", carol+"/statuses/1"
		n.accept(t, create(bob, note(bob, bobNote, "<p>pin me</p>")))
		n.accept(t, create(carol, note(carol, carolNote, "<p>not yours</p>")))
		n.drain(t)
		ra, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), bob)
		if err != nil {
			t.Fatal(err)
		}
		pinnedOnProfile := func() []string {
			var list []struct{ URI string }
			n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+itoa(ra.ID)+"/statuses?pinned=true", "", nil).JSON(t, &list)
			var uris []string
			for _, s := range list {
				uris = append(uris, s.URI)
			}
			return uris
		}
		featured := bob + "/collections/featured"
		add := act("Add", bob+"#add/1", bob, bobNote)
		add["target"] = featured
		n.accept(t, add)
		tags := act("Add", bob+"#add/2", bob, bobNote)
		tags["target"] = bob + "/collections/tags"
		n.accept(t, tags)
		foreign := act("Add", bob+"#add/3", bob, carolNote)
		foreign["target"] = featured
		n.accept(t, foreign)
		n.drain(t)
		if got := pinnedOnProfile(); len(got) != 1 || got[0] != bobNote {
			t.Fatalf("pinned after the Adds: %v, want only %s", got, bobNote)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM pins"); c != 1 {
			t.Fatalf("%d pins stored, want 1", c)
		}
		remove := act("Remove", bob+"#remove/1", bob, bobNote)
		remove["target"] = featured
		n.accept(t, remove)
		n.drain(t)
		if got := pinnedOnProfile(); len(got) != 0 {
			t.Fatalf("pinned after the Remove: %v", got)
		}
	})
}
