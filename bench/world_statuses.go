package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Shares of status kinds and visibilities, roughly what a general-purpose
// Mastodon instance shows.
const (
	boostShare   = 0.10
	replyShare   = 0.25
	tagShare     = 0.15
	mentionShare = 0.05
	recentWindow = 4000 // replies and boosts pick among this many recent statuses
)

// makeStatuses spreads the statuses over the configured days, oldest
// first, so replies and boosts always point back in time. Authors are
// long-tailed too: a few accounts post a lot, most rarely.
func (w *world) makeStatuses() {
	n := w.cfg.Statuses
	na := len(w.accounts)
	w.statuses = make([]status, n)
	w.byAuthor = make([][]int32, na)
	w.tagNames = make([]string, w.cfg.Tags)
	for i := range w.tagNames {
		w.tagNames[i] = fmt.Sprintf("%s%d", words[i%len(words)], i)
	}
	authorZipf := rand.NewZipf(w.rng, 1.05, 1, uint64(na-1))
	prolific := w.rng.Perm(na)
	tagZipf := rand.NewZipf(w.rng, 1.2, 1, uint64(max(w.cfg.Tags-1, 1)))
	start := w.now - int64(w.cfg.Days)*86400000
	stepMS := float64(w.now-60000-start) / float64(n)
	var recent, recentPublic []int32 // ring buffers of candidate parents and boost targets
	boosted := map[[2]int32]bool{}   // (booster, target): one boost each, as the schema requires
	lastID := int64(0)
	for i := range w.statuses {
		created := start + int64(float64(i)*stepMS+w.rng.Float64()*stepMS)
		id := idAt(created, w.rng.IntN(1<<16))
		if id <= lastID {
			id = lastID + 1
		}
		lastID = id
		author := int32(w.rng.IntN(na))
		if w.rng.IntN(2) == 0 {
			author = int32(prolific[authorZipf.Uint64()])
		}
		st := status{id: id, created: created, author: author, replyTo: -1, reblogOf: -1, conv: int32(i),
			mention: -1, tags: [2]int16{-1, -1}}
		r := w.rng.Float64()
		switch {
		case r < boostShare && len(recentPublic) > 0:
			target := recentPublic[w.rng.IntN(len(recentPublic))]
			if w.statuses[target].author == author || boosted[[2]int32{author, target}] {
				break
			}
			boosted[[2]int32{author, target}] = true
			st.reblogOf, st.conv, st.vis = target, target, visPublic
			w.statuses[target].reblogs++
		case r < boostShare+replyShare && len(recent) > 0:
			parent := recent[w.rng.IntN(len(recent))]
			p := &w.statuses[parent]
			st.replyTo, st.conv, st.vis = parent, p.conv, p.vis
			p.replies++
		default:
			st.vis = w.pickVisibility()
		}
		if st.reblogOf < 0 {
			if w.rng.Float64() < tagShare {
				st.tags[0] = int16(tagZipf.Uint64())
				if w.rng.IntN(3) == 0 {
					st.tags[1] = int16(w.rng.IntN(w.cfg.Tags))
				}
			}
			if st.vis == visDirect || w.rng.Float64() < mentionShare {
				st.mention = w.pickMention(author)
			}
			if st.vis == visPublic || st.vis == visUnlisted {
				st.favs = min(int32(w.rng.ExpFloat64()*w.cfg.Favourites+0.5), int32(na-1))
			}
		}
		w.statuses[i] = st
		a := &w.accounts[author]
		a.statuses++
		a.lastStatus = created
		if st.vis != visDirect {
			w.byAuthor[author] = append(w.byAuthor[author], int32(i))
		}
		if st.reblogOf < 0 && st.vis != visDirect {
			recent = ring(recent, int32(i), w.rng)
			if st.vis == visPublic {
				recentPublic = ring(recentPublic, int32(i), w.rng)
			}
		}
	}
}

// ring adds v to a bounded buffer, replacing a random older entry when full.
func ring(buf []int32, v int32, rng *rand.Rand) []int32 {
	if len(buf) < recentWindow {
		return append(buf, v)
	}
	buf[rng.IntN(len(buf))] = v
	return buf
}

func (w *world) pickVisibility() uint8 {
	switch r := w.rng.Float64(); {
	case r < 0.85:
		return visPublic
	case r < 0.93:
		return visUnlisted
	case r < 0.98:
		return visPrivate
	}
	return visDirect
}

// pickMention names someone the author follows (or anyone if nobody).
func (w *world) pickMention(author int32) int32 {
	if f := w.following[author]; len(f) > 0 {
		return f[w.rng.IntN(len(f))]
	}
	return int32((int(author) + 1) % len(w.accounts))
}

var words = strings.Fields(`lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor
	incididunt labore dolore magna aliqua enim minim veniam quis nostrud exercitation ullamco laboris nisi
	aliquip commodo consequat duis aute irure reprehenderit voluptate velit esse cillum fugiat nulla pariatur
	excepteur sint occaecat cupidatat proident sunt culpa officia deserunt mollit anim est laborum coffee
	garden bicycle sunrise library mountain river window kitchen music record weekend harbour`)

// statusText is the source text of status i: a few words, its mentions
// and tags, deterministic per index so reruns write the same bytes.
func (w *world) statusText(i int) string {
	st := &w.statuses[i]
	rng := rand.New(rand.NewPCG(w.cfg.Seed, uint64(i)))
	var b strings.Builder
	if st.replyTo >= 0 {
		if p := w.statuses[st.replyTo].author; p != st.author {
			b.WriteString("@" + w.accounts[p].name + " ")
		}
	}
	if st.mention >= 0 {
		b.WriteString("@" + w.accounts[st.mention].name + " ")
	}
	nw := 6 + rng.IntN(35)
	for k := 0; k < nw; k++ {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	if rng.IntN(20) == 0 {
		b.WriteString(" https://example.com/articles/" + words[rng.IntN(len(words))])
	}
	for _, t := range st.tags {
		if t >= 0 {
			b.WriteString(" #" + w.tagNames[t])
		}
	}
	return b.String()
}

// mentioned lists the accounts status i mentions.
func (w *world) mentioned(i int) []int32 {
	st := &w.statuses[i]
	var out []int32
	if st.replyTo >= 0 {
		if p := w.statuses[st.replyTo].author; p != st.author {
			out = append(out, p)
		}
	}
	if st.mention >= 0 && (len(out) == 0 || out[0] != st.mention) && st.mention != st.author {
		out = append(out, st.mention)
	}
	return out
}
