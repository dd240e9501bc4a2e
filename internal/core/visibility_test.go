package core

import (
	"testing"
	"time"

	"herd/internal/model"
)

// TestCanSee is the visibility matrix in one table: who sees which status.
func TestCanSee(t *testing.T) {
	const author, follower, mentioned, stranger, blocker, muter = 1, 2, 3, 4, 5, 6
	// Each viewer's relation to the author.
	rels := map[int64]relation{
		follower: {Following: true},
		blocker:  {Following: true, Blocking: true},
		muter:    {Following: true, Muting: true},
	}
	acct := &model.Account{ID: author}
	suspendedAt := time.Now()
	suspended := &model.Account{ID: author, SuspendedAt: &suspendedAt}
	yes, no := true, false
	for _, tc := range []struct {
		vis    model.Visibility
		viewer int64
		where  audienceContext
		want   bool
	}{
		{model.Public, 0, InThread, yes},
		{model.Unlisted, stranger, InThread, yes},
		{model.Private, 0, InThread, no},
		{model.Private, stranger, InThread, no},
		{model.Private, follower, InThread, yes},
		{model.Private, mentioned, InThread, yes},
		{model.Private, author, InThread, yes},
		{model.Direct, follower, InThread, no},
		{model.Direct, mentioned, InThread, yes},
		{model.Direct, author, InThread, yes},
		{model.Public, blocker, InThread, no},
		{model.Public, muter, InThread, yes},
		{model.Public, muter, InTimeline, no},
		{model.Private, muter, InThread, yes},
	} {
		st := &model.Status{ID: 100, AccountID: author, Visibility: tc.vis}
		if got := canSee(tc.viewer, st, acct, rels[tc.viewer], tc.viewer == mentioned, tc.where); got != tc.want {
			t.Errorf("%s status, viewer %d, context %d: canSee = %v, want %v", tc.vis, tc.viewer, tc.where, got, tc.want)
		}
	}
	st := &model.Status{ID: 100, AccountID: author, Visibility: model.Public}
	if canSee(stranger, st, suspended, rels[stranger], false, InThread) {
		t.Error("a suspended author's public status is visible")
	}
	if canSee(stranger, st, nil, rels[stranger], false, InThread) {
		t.Error("a status without its author is visible")
	}
}
