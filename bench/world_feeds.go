package main

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"sort"
	"strconv"

	"herd/internal/core/accounts"
)

// writeFeeds fills each active account's home feed with its newest
// FeedSize entries, as the fan-out job would have written them: statuses
// and boosts of the accounts it follows and its own, leaving out direct
// statuses and replies to accounts it does not follow (Mastodon's home
// feed rule).
func (w *world) writeFeeds(ctx context.Context, l *loader) error {
	l.table("home_feed", "account_id", "status_id", "author_id", "reblog_of_id")
	for i := range w.accounts {
		if !w.accounts[i].active {
			continue
		}
		for _, si := range w.feedOf(int32(i)) {
			st := &w.statuses[si]
			var reblog any
			if st.reblogOf >= 0 {
				reblog = w.statuses[st.reblogOf].id
			}
			if err := l.add(ctx, "home_feed", w.accounts[i].id, st.id, w.accounts[st.author].id, reblog); err != nil {
				return err
			}
			w.feedRows++
		}
	}
	if err := l.commit(ctx); err != nil {
		return err
	}
	return w.writeFeedReads(ctx, l)
}

// writeFeedReads records that active accounts read their home timeline
// just now, as they would have: without it, core treats their feeds as
// stale and rebuilds each on its first read.
func (w *world) writeFeedReads(ctx context.Context, l *loader) error {
	l.table("home_feed_reads", "account_id", "read_at")
	for _, a := range w.accounts {
		if a.active {
			if err := l.add(ctx, "home_feed_reads", a.id, w.now); err != nil {
				return err
			}
		}
	}
	return l.commit(ctx)
}

// feedOf merges, newest first, the status lists of an account and those it
// follows, keeping what its home feed would show.
func (w *world) feedOf(acct int32) []int32 {
	sources := append([]int32{acct}, w.following[acct]...)
	follows := make(map[int32]bool, len(sources))
	h := &feedHeap{w: w}
	for _, a := range sources {
		follows[a] = true
		if n := len(w.byAuthor[a]); n > 0 {
			h.items = append(h.items, feedCursor{author: a, pos: n - 1})
		}
	}
	heap.Init(h)
	out := make([]int32, 0, w.cfg.FeedSize)
	for h.Len() > 0 && len(out) < w.cfg.FeedSize {
		c := &h.items[0]
		si := w.byAuthor[c.author][c.pos]
		st := &w.statuses[si]
		if st.replyTo < 0 || follows[w.statuses[st.replyTo].author] {
			out = append(out, si)
		}
		if c.pos == 0 {
			heap.Pop(h)
		} else {
			c.pos--
			heap.Fix(h, 0)
		}
	}
	return out
}

type feedCursor struct {
	author int32
	pos    int
}

// feedHeap orders cursors by the id of the status they point at, newest on top.
type feedHeap struct {
	w     *world
	items []feedCursor
}

func (h *feedHeap) Len() int { return len(h.items) }
func (h *feedHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	return h.w.byAuthor[a.author][a.pos] > h.w.byAuthor[b.author][b.pos]
}
func (h *feedHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *feedHeap) Push(x any)    { h.items = append(h.items, x.(feedCursor)) }
func (h *feedHeap) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

// benchApp is the OAuth application the seeded tokens belong to.
const benchApp = "Herd bench"

// benchScopes are the seeded tokens' scopes.
const benchScopes = "read write follow push"

// writeTokens registers the bench app and gives Tokens accounts (active
// ones first) an access token whose secret run can recompute from the
// account id (see tokenSecret), so nothing secret needs to be stored
// beside the database.
func (w *world) writeTokens(ctx context.Context, l *loader) error {
	appID := idAt(w.now-86400000, 1)
	err := l.exec(ctx, `INSERT INTO apps (id, name, website, redirect_uris, scopes, client_id, client_secret,
		created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, appID, benchApp, "", "urn:ietf:wg:oauth:2.0:oob",
		benchScopes, accounts.NewSecret(), accounts.NewSecret(), w.now-86400000)
	if err != nil {
		return err
	}
	order := make([]int, len(w.accounts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return w.accounts[order[a]].active && !w.accounts[order[b]].active })
	l.table("tokens", "id", "token_hash", "app_id", "account_id", "scopes", "created_at")
	for n, i := range order {
		if n >= w.cfg.Tokens {
			break
		}
		a := &w.accounts[i]
		at := w.now - 86400000 + int64(n)
		if err := l.add(ctx, "tokens", idAt(at, n), accounts.HashSecret(tokenSecret(a.id)), appID, a.id, benchScopes, at); err != nil {
			return err
		}
		w.tokens++
	}
	return l.commit(ctx)
}

// tokenSecret is the bearer token seed issued to an account. Derived, not
// random, so run finds it again; a bench database is never a real one.
func tokenSecret(accountID int64) string {
	sum := sha256.Sum256([]byte("herd-bench-token:" + strconv.FormatInt(accountID, 10)))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
