package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"herd/internal/core"
)

// world is the instance seed generates in memory before writing it: small
// fixed-size records indexed by position, so a million statuses fit in a
// few tens of megabytes.
type world struct {
	cfg  seedConfig
	core *core.Core
	rng  *rand.Rand
	now  int64 // unix ms

	accounts  []account
	following [][]int32 // account index → followed account indices
	follows   int64

	statuses []status
	byAuthor [][]int32 // author index → home-feed-eligible status indices, oldest first
	tagNames []string

	favourites, feedRows, tokens int64
}

type account struct {
	id         int64
	name       string
	created    int64
	active     bool
	followers  int32
	statuses   int32
	lastStatus int64
}

// Visibilities as small numbers, widest first (model.Visibility.Rank).
const (
	visPublic uint8 = iota
	visUnlisted
	visPrivate
	visDirect
)

var visNames = [...]string{"public", "unlisted", "private", "direct"}

type status struct {
	id       int64
	created  int64
	author   int32
	replyTo  int32 // status index, -1 if none
	reblogOf int32 // status index, -1 if none
	conv     int32 // status index of the thread's root
	mention  int32 // an extra mentioned account index, -1 if none
	tags     [2]int16
	vis      uint8
	replies  int32
	reblogs  int32
	favs     int32
}

func newWorld(c seedConfig, cr *core.Core) *world {
	return &world{cfg: c, core: cr, rng: rand.New(rand.NewPCG(c.Seed, 0x9e3779b97f4a7c15)), now: time.Now().UnixMilli()}
}

var firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
	"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara"}

// makeAccounts creates the accounts, a share of them active recently.
func (w *world) makeAccounts() {
	n := w.cfg.Accounts
	w.accounts = make([]account, n)
	start := w.now - int64(w.cfg.Days+400)*86400000
	for i := range w.accounts {
		created := start + int64(i)*(400*86400000/int64(n))
		w.accounts[i] = account{
			id:      idAt(created, i),
			name:    fmt.Sprintf("%s%d", firstNames[i%len(firstNames)], i),
			created: created,
			active:  w.rng.Float64() < w.cfg.Active,
		}
	}
}

func (w *world) activeCount() int {
	n := 0
	for _, a := range w.accounts {
		if a.active {
			n++
		}
	}
	return n
}

// makeFollowGraph gives each account 20–500 followees (most near 20, a
// long tail up), picked half by Zipf popularity and half uniformly, so a
// few accounts have thousands of followers and most have tens.
func (w *world) makeFollowGraph() {
	n := len(w.accounts)
	zipf := rand.NewZipf(w.rng, 1.1, 1, uint64(n-1))
	popular := w.rng.Perm(n) // popularity rank → account index
	w.following = make([][]int32, n)
	for i := range w.accounts {
		k := int(20 * math.Pow(25, math.Pow(w.rng.Float64(), 2)))
		if k > n-1 {
			k = n - 1
		}
		seen := make(map[int32]bool, k)
		list := make([]int32, 0, k)
		for len(list) < k {
			var t int
			if w.rng.IntN(2) == 0 {
				t = popular[zipf.Uint64()]
			} else {
				t = w.rng.IntN(n)
			}
			if t == i || seen[int32(t)] {
				continue
			}
			seen[int32(t)] = true
			list = append(list, int32(t))
			w.accounts[t].followers++
		}
		w.following[i] = list
		w.follows += int64(k)
	}
}

// uniqueIDs mints ids for past moments that are unique among themselves,
// for rows whose times collide (follows and favourites of one moment).
type uniqueIDs map[int64]struct{}

func (u uniqueIDs) at(ms int64, rng *rand.Rand) int64 {
	for {
		id := idAt(ms, rng.IntN(1<<16))
		if _, taken := u[id]; !taken {
			u[id] = struct{}{}
			return id
		}
	}
}

// idAt mints a time-ordered id for a moment in the past, with n spreading
// ids minted in the same millisecond (ids' layout: ms << 16 | low bits).
func idAt(ms int64, n int) int64 { return ms<<16 | int64(n&0xffff) }
