package files

import (
	"context"
	"sync"
	"time"

	"herd/internal/model"
	"herd/internal/text"
)

// Emoji in entities are found when rendering, as Mastodon's
// CustomEmoji.from_text does: the ":shortcode:"s of a text, looked up on
// its author's domain. Rows come from emojiCache, which also remembers
// shortcodes that name no emoji; a page of statuses primes it with one
// query for all its texts (loadPage), so rendering asks the database
// nothing more, and any change to an emoji (added, removed, its image
// cached or pruned) clears it on every node (EventCustomEmoji). Emoji are
// not part of the cached entity JSON, which they would make stale.

// emojiKey names an emoji: its domain ("" for local) and shortcode.
type emojiKey struct{ domain, shortcode string }

const (
	// emojiCacheBytes bounds the cache by estimated bytes (emojiEntrySize):
	// 4 MB, ~10,000 emoji rows or ~40,000 shortcodes that name none
	// (every ":word:" in a text is looked up, so a flood of made-up ones
	// must not grow it); past it the cache starts over.
	emojiCacheBytes = 4 << 20
	// emojiLookupTimeout bounds the query of a lookup the page did not
	// prime (renderers have no request context).
	emojiLookupTimeout = 5 * time.Second
)

// emojiCache maps emoji keys to rows, nil for "no such emoji".
type emojiCache struct {
	mu    sync.Mutex
	gen   uint64
	m     map[emojiKey]*model.CustomEmoji
	bytes int
}

// emojiEntrySize estimates an entry: the key's strings and map slot, and
// the row with its strings when there is one.
func emojiEntrySize(k emojiKey, e *model.CustomEmoji) int {
	n := 80 + len(k.domain) + len(k.shortcode)
	if e != nil {
		n += 300 + len(e.Shortcode) + len(e.Domain) + len(e.ImageKey) + len(e.ImageRemoteURL) + len(e.URI) + len(e.Category)
	}
	return n
}

func newEmojiCache() *emojiCache { return &emojiCache{m: map[emojiKey]*model.CustomEmoji{}} }

// get copies the cached entries of keys into out and returns the missing
// keys and the generation to pass to put.
func (c *emojiCache) get(keys []emojiKey, out map[emojiKey]*model.CustomEmoji) (missing []emojiKey, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if e, ok := c.m[k]; ok {
			out[k] = e
		} else {
			missing = append(missing, k)
		}
	}
	return missing, c.gen
}

// put caches what was loaded for keys after get returned gen (absent
// keys as none), unless the cache was cleared since.
func (c *emojiCache) put(gen uint64, keys []emojiKey, loaded map[emojiKey]*model.CustomEmoji) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	for _, k := range keys {
		if c.bytes > emojiCacheBytes {
			c.m, c.bytes = map[emojiKey]*model.CustomEmoji{}, 0
		}
		if _, ok := c.m[k]; !ok {
			c.bytes += emojiEntrySize(k, loaded[k])
		}
		c.m[k] = loaded[k]
	}
}

// clear forgets everything (an emoji changed).
func (c *emojiCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m, c.bytes = map[emojiKey]*model.CustomEmoji{}, 0
}

// ForgetEmojis drops every cached emoji row: an emoji changed on some
// node (EventCustomEmoji, core's event log).
func (s *Service) ForgetEmojis() { s.emojis.clear() }

// emojiKeys appends to keys those of the shortcodes in texts on domain.
func emojiKeys(keys []emojiKey, domain string, texts ...string) []emojiKey {
	for _, t := range texts {
		for _, code := range text.EmojiShortcodes(t) {
			keys = append(keys, emojiKey{domain, code})
		}
	}
	return keys
}

// loadEmojis returns the emoji of keys, from the cache or with one query.
func (s *Service) loadEmojis(ctx context.Context, keys []emojiKey) (map[emojiKey]*model.CustomEmoji, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	out := make(map[emojiKey]*model.CustomEmoji, len(keys))
	missing, gen := s.emojis.get(keys, out)
	if len(missing) == 0 {
		return out, nil
	}
	var domains, codes []string
	seenD, seenC := map[string]bool{}, map[string]bool{}
	for _, k := range missing {
		if !seenD[k.domain] {
			seenD[k.domain] = true
			domains = append(domains, k.domain)
		}
		if !seenC[k.shortcode] {
			seenC[k.shortcode] = true
			codes = append(codes, k.shortcode)
		}
	}
	rows, err := s.store.CustomEmojisNamed(ctx, domains, codes)
	if err != nil {
		return nil, err
	}
	loaded := make(map[emojiKey]*model.CustomEmoji, len(rows))
	for _, e := range rows {
		loaded[emojiKey{e.Domain, e.Shortcode}] = e
	}
	s.emojis.put(gen, missing, loaded)
	for _, k := range missing {
		out[k] = loaded[k]
	}
	return out, nil
}

// PrimeEmojis loads the emoji of a page's statuses and accounts into the
// cache with at most one query.
func (s *Service) PrimeEmojis(ctx context.Context, statuses []*model.Status, accounts map[int64]*model.Account) error {
	var keys []emojiKey
	for _, st := range statuses {
		if a := accounts[st.AccountID]; a != nil {
			keys = emojiKeys(keys, a.Domain, st.Content, st.SpoilerText)
		}
	}
	for _, a := range accounts {
		keys = emojiKeys(keys, a.Domain, a.DisplayName, a.Note)
		for _, f := range a.Fields {
			keys = emojiKeys(keys, a.Domain, f.Name, f.Value)
		}
	}
	_, err := s.loadEmojis(ctx, keys)
	return err
}

// CustomEmojisIn lists, in order of first use, the enabled emoji of
// domain ("" for local) with an image to show (CustomEmojiURL) whose
// ":shortcode:" appears in texts: the emojis array of an entity. A page's
// texts are in the cache already (see PrimeEmojis); others cost one
// query. A failed lookup shows no emoji rather than failing the page.
func (s *Service) CustomEmojisIn(domain string, texts ...string) []*model.CustomEmoji {
	return s.emojisOf(emojiKeys(nil, domain, texts...))
}

// emojisOf is CustomEmojisIn for keys found already.
func (s *Service) emojisOf(keys []emojiKey) []*model.CustomEmoji {
	if len(keys) == 0 {
		return nil
	}
	found := make(map[emojiKey]*model.CustomEmoji, len(keys))
	if missing, _ := s.emojis.get(keys, found); len(missing) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), emojiLookupTimeout)
		defer cancel()
		var err error
		if found, err = s.loadEmojis(ctx, keys); err != nil {
			s.log.Warn("custom emoji lookup", "err", err)
			return nil
		}
	}
	var out []*model.CustomEmoji
	seen := map[emojiKey]bool{}
	for _, k := range keys {
		// An emoji without an image to show (its domain rejects media)
		// stays text, as Mastodon, which does not record it.
		if e := found[k]; e != nil && !e.Disabled && !seen[k] && s.CustomEmojiURL(e) != "" {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// AccountEmojis is CustomEmojisIn for an account's profile texts.
func (s *Service) AccountEmojis(a *model.Account) []*model.CustomEmoji {
	keys := emojiKeys(nil, a.Domain, a.DisplayName, a.Note)
	for _, f := range a.Fields {
		keys = emojiKeys(keys, a.Domain, f.Name, f.Value)
	}
	return s.emojisOf(keys)
}

// EmojiURLs maps the shortcodes of domain's enabled emoji named in texts
// to their image URLs, for pages that show them as images
// (text.EmojifyHTML).
func (s *Service) EmojiURLs(domain string, texts ...string) map[string]string {
	list := s.CustomEmojisIn(domain, texts...)
	if len(list) == 0 {
		return nil
	}
	out := make(map[string]string, len(list))
	for _, e := range list {
		out[e.Shortcode] = s.CustomEmojiURL(e)
	}
	return out
}
