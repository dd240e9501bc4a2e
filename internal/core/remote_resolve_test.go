package core_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"herd/internal/core"
	"herd/internal/core/federation"
	"herd/internal/model"
	"herd/internal/testrig"
)

// countingResolver stands in for the federation layer: it knows the
// addresses in actors (storing them through core on first lookup, as the
// real one does) and counts every question core asks it.
type countingResolver struct {
	c      *core.Core
	actors map[string]federation.RemoteActor // by user@host
	mu     sync.Mutex
	asked  []string
}

func (r *countingResolver) WebFingerLookup(ctx context.Context, acct string) (*model.Account, error) {
	r.mu.Lock()
	r.asked = append(r.asked, acct)
	r.mu.Unlock()
	actor, ok := r.actors[strings.ToLower(acct)]
	if !ok {
		return nil, errors.New("no such account")
	}
	return r.c.Federation.SaveRemoteAccount(ctx, actor)
}

func (r *countingResolver) ResolveActor(ctx context.Context, uri string) (*model.Account, error) {
	return nil, errors.New("not used")
}

func (r *countingResolver) ResolveURL(ctx context.Context, uri string) (*model.Account, *model.Status, error) {
	return nil, nil, errors.New("not used")
}

func (r *countingResolver) questions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.asked...)
}

// TestPostingAsksOtherServersOnlyForUnknownRemoteMentions: a post without
// remote mentions, or mentioning only known accounts, does not reach the
// Resolver; each unknown address is asked once, and one that resolves to
// no one stays text.
func TestPostingAsksOtherServersOnlyForUnknownRemoteMentions(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		r := &countingResolver{c: inst.Core, actors: map[string]federation.RemoteActor{
			"bob@remote.example": {URI: "https://remote.example/users/bob", Username: "bob", Domain: "remote.example",
				URL: "https://remote.example/@bob", InboxURL: "https://remote.example/inbox"},
		}}
		inst.Core.SetResolver(r)
		alice := inst.NewUser(t, "alice")
		inst.NewUser(t, "carol")
		v := &model.Viewer{Account: alice.Account}
		post := func(text string) *model.StatusView {
			t.Helper()
			st, err := inst.Core.PostStatus(ctx, v, core.NewStatus{Text: text})
			if err != nil {
				t.Fatal(err)
			}
			sv, err := inst.Core.StatusView(ctx, alice.Account.ID, st)
			if err != nil {
				t.Fatal(err)
			}
			return sv
		}

		post("hello @carol and @carol@" + inst.Domain + " #tag https://example.com/@x")
		if q := r.questions(); len(q) != 0 {
			t.Fatalf("a post without remote mentions asked %v", q)
		}
		sv := post("hi @bob@remote.example and @nobody@remote.example")
		if q := r.questions(); len(q) != 2 {
			t.Fatalf("asked %v, want bob and nobody once each", q)
		}
		if len(sv.Mentions) != 1 || sv.Mentions[0].Acct() != "bob@remote.example" ||
			!strings.Contains(sv.Status.Content, `href="https://remote.example/@bob" class="u-url mention"`) ||
			!strings.Contains(sv.Status.Content, "@nobody@remote.example") {
			t.Fatalf("mentions %v, content %s", sv.Mentions, sv.Status.Content)
		}
		// Known and fresh: no question.
		post("again @BOB@remote.example")
		if q := r.questions(); len(q) != 2 {
			t.Errorf("a known account was looked up again: %v", q)
		}
	})
}
