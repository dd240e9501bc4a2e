package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"herd/internal/db"
)

// targets is what the workloads need from the seeded database: tokens of
// accounts with a home feed and statuses in the middle of threads.
type targets struct {
	Tokens   []string // active accounts first
	Names    []string // usernames, to mention
	Threads  []int64  // replies that have replies themselves
	Statuses int64    // statuses in the database
}

// loadTargets reads the bench tokens (recomputing their secrets) and a
// sample of thread statuses, before herd starts.
func loadTargets(ctx context.Context, database *db.DB) (*targets, error) {
	t := &targets{}
	rows, err := database.Read.QueryContext(ctx, `SELECT t.account_id, a.username FROM tokens t
		JOIN apps p ON p.id = t.app_id JOIN accounts a ON a.id = t.account_id
		WHERE p.name = $1 AND t.revoked_at IS NULL ORDER BY t.id`, benchApp)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		t.Tokens = append(t.Tokens, tokenSecret(id))
		t.Names = append(t.Names, name)
	}
	rows.Close()
	if len(t.Tokens) == 0 {
		return nil, errors.New("no bench tokens in this database: run `go run ./bench seed` first")
	}
	t.Threads, err = scanInt64s(database.Read.QueryContext(ctx, `SELECT id FROM statuses
		WHERE in_reply_to_id IS NOT NULL AND replies_count > 0 AND visibility = 'public'
		ORDER BY id DESC LIMIT 500`))
	if err != nil {
		return nil, err
	}
	if len(t.Threads) == 0 {
		return nil, errors.New("no threads in this database")
	}
	err = database.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM statuses").Scan(&t.Statuses)
	return t, err
}

func scanInt64s(rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// pick returns a worker-local random choice, spreading requests over many
// users the way real traffic does.
func pick[T any](list []T, worker, seq int) T {
	h := uint64(worker)*0x9e3779b97f4a7c15 + uint64(seq)*0xbf58476d1ce4e5b9
	return list[int((h^(h>>31))%uint64(len(list)))]
}

// Workloads against the Mastodon client API (docs.joinmastodon.org/methods).
func (t *targets) home(worker, seq int) request {
	return request{method: "GET", path: "/api/v1/timelines/home", token: pick(t.Tokens, worker, seq)}
}

func (t *targets) public(worker, seq int) request {
	return request{method: "GET", path: "/api/v1/timelines/public", token: pick(t.Tokens, worker, seq)}
}

func (t *targets) verifyCredentials(worker, seq int) request {
	return request{method: "GET", path: "/api/v1/accounts/verify_credentials", token: pick(t.Tokens, worker, seq)}
}

func (t *targets) context(worker, seq int) request {
	id := pick(t.Threads, worker, seq)
	return request{method: "GET", path: "/api/v1/statuses/" + strconv.FormatInt(id, 10) + "/context",
		token: pick(t.Tokens, worker, seq)}
}

// post writes a public status of realistic size, sometimes with a hashtag
// or a mention, so posting pays for text rendering and tag/mention rows.
func (t *targets) post(worker, seq int) request {
	rng := rand.New(rand.NewPCG(uint64(worker), uint64(seq)))
	text := ""
	if rng.IntN(10) == 0 {
		text = "@" + t.Names[rng.IntN(len(t.Names))] + " "
	}
	n := 6 + rng.IntN(30)
	for i := 0; i < n; i++ {
		text += words[rng.IntN(len(words))] + " "
	}
	if rng.IntN(6) == 0 {
		text += "#" + words[rng.IntN(len(words))]
	}
	body, _ := json.Marshal(map[string]string{"status": fmt.Sprintf("%s(%d.%d)", text, worker, seq), "visibility": "public"})
	return request{method: "POST", path: "/api/v1/statuses", token: pick(t.Tokens, worker, seq*7+1), body: body}
}
