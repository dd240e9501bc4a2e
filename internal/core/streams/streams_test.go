package streams

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"herd/internal/core/fault"
	"herd/internal/model"
)

func status(err error) int {
	var f *fault.Error
	if errors.As(err, &f) {
		return f.Status
	}
	return 0
}

// TestParseStream: Mastodon's stream names, with its refusals.
func TestParseStream(t *testing.T) {
	for _, c := range []struct {
		name, tag, list string
		want            []string
		err             string
	}{
		{name: "user", want: []string{"user"}},
		{name: "public:remote:media", want: []string{"public:remote:media"}},
		{name: "hashtag", tag: "#Cats", want: []string{"hashtag", "Cats"}},
		{name: "hashtag:local", tag: " ", err: "Missing tag name parameter"},
		{name: "list", list: "12", want: []string{"list", "12"}},
		{name: "list", err: "Missing list name parameter"},
		{name: "public:nope", err: "Unknown stream type"},
		{name: "", err: "Unknown stream type"},
	} {
		st, err := ParseStream(c.name, c.tag, c.list)
		if c.err != "" {
			if f, ok := fault.As(err); !ok || f.Message != c.err || f.Status != http.StatusBadRequest {
				t.Errorf("%q: %v, want 400 %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || len(st.Names()) != len(c.want) || st.Names()[0] != c.want[0] || st.Names()[len(c.want)-1] != c.want[len(c.want)-1] {
			t.Errorf("%q: %v %v, want %v", c.name, st.Names(), err, c.want)
		}
	}
}

type nopSub struct{ closed bool }

func (s *nopSub) Deliver(Event) {}
func (s *nopSub) Close()        { s.closed = true }

// TestOpenChecksScopesListsAndCap: public streams need no scope, the
// others read:statuses or read:notifications; lists not the viewer's are
// refused; an account's connections are capped; app tokens never stream.
func TestOpenChecksScopesListsAndCap(t *testing.T) {
	s := New(Deps{MaxPerAccount: 2, ListOwner: func(_ context.Context, id int64) (int64, error) { return id, nil }})
	ctx := context.Background()
	viewer := func(scopes ...string) *model.Viewer {
		return &model.Viewer{Account: &model.Account{ID: 7}, Token: &model.Token{ID: 1, Scopes: scopes}}
	}
	stream := func(name, tag, list string) Stream {
		st, err := ParseStream(name, tag, list)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if _, err := s.Open(ctx, &model.Viewer{Token: &model.Token{ID: 2}}, &nopSub{}); status(err) != 401 {
		t.Errorf("app token: %v", err)
	}
	if _, err := s.Open(ctx, viewer("write"), &nopSub{}, stream("user", "", "")); status(err) != 401 {
		t.Errorf("user stream without read: %v", err)
	}
	if _, err := s.Open(ctx, viewer("read:statuses"), &nopSub{}, stream("user:notification", "", "")); status(err) != 401 {
		t.Errorf("notifications with read:statuses: %v", err)
	}
	if _, err := s.Open(ctx, viewer("read:statuses"), &nopSub{}, stream("list", "", "8")); status(err) != 401 {
		t.Errorf("someone else's list: %v", err)
	}
	a, err := s.Open(ctx, viewer("write"), &nopSub{}, stream("public", "", ""))
	if err != nil {
		t.Fatalf("public stream with any token: %v", err)
	}
	if _, err := s.Open(ctx, viewer("read"), &nopSub{}, stream("list", "", "7"), stream("user:notification", "", "")); err != nil {
		t.Fatalf("own list and notifications with read: %v", err)
	}
	if _, err := s.Open(ctx, viewer("read"), &nopSub{}); status(err) != http.StatusTooManyRequests {
		t.Errorf("third connection: %v, want 429", err)
	}
	a.Close()
	a.Close()
	if s.Connections() != 1 {
		t.Errorf("connections after closing one twice = %d", s.Connections())
	}
}

// TestBudget: takes fail past the limit and give nothing back; Force
// passes it; Give returns it.
func TestBudget(t *testing.T) {
	b := &Budget{limit: 10}
	if !b.Take(6) || b.Take(6) || b.Used() != 6 {
		t.Fatalf("take 6 then 6: used %d", b.Used())
	}
	b.Force(6)
	b.Give(12)
	if b.Used() != 0 || !(&Budget{}).Take(1<<40) {
		t.Errorf("used %d after giving all back; an unbounded budget refused", b.Used())
	}
}
