package files_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"herd/internal/config"
	"herd/internal/core/domains"
	"herd/internal/core/federation"
	"herd/internal/core/files"
	"herd/internal/media"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// recordingFetcher serves a PNG for every URL and records what was asked.
type recordingFetcher struct {
	mu    sync.Mutex
	asked []string
}

func (f *recordingFetcher) FetchMedia(ctx context.Context, url string, max int64) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, url)
	if max != media.MaxEmojiBytes {
		return nil, fmt.Errorf("asked with a limit of %d", max)
	}
	return mediatest.PNG(32, 32), nil
}

func (f *recordingFetcher) wasAsked(prefix string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.asked {
		if strings.HasPrefix(u, prefix) {
			return true
		}
	}
	return false
}

// TestRemoteEmojiTags: an actor's Emoji tags become its domain's emoji,
// cached into this instance's storage; hostile tags (an id on another
// host, a name that is no shortcode, a bad image URL, more than 50) are
// ignored; a domain that rejects media gets its emoji recorded but never
// fetched nor shown; pruning drops the cached image, which then shows
// through the media proxy (never at its origin's address), and a view
// through the proxy or the next mention fetches it again.
func TestRemoteEmojiTags(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		f := &recordingFetcher{}
		inst := testrig.Start(t, db, func(c *config.Config) { c.RemoteMediaSpread = -1; c.MediaFetcher = f })
		c := inst.Core
		tag := func(host, code, img string) files.RemoteEmoji {
			return files.RemoteEmoji{URI: "https://" + host + "/emojis/" + code, Shortcode: code, ImageURL: img}
		}
		list := []files.RemoteEmoji{
			tag("far.test", "good", "https://cdn.far.test/good.png"),
			tag("elsewhere.test", "spoofed", "https://far.test/spoofed.png"),                              // id on another host
			{URI: "https://far.test/emojis/x", Shortcode: "bad code", ImageURL: "https://far.test/x.png"}, // not a shortcode
			tag("far.test", "x", "https://far.test/x.png"),                                                // too short
			tag("far.test", "noimage", "javascript:alert(1)"),                                             // not a web URL
		}
		for i := range 60 {
			list = append(list, tag("far.test", fmt.Sprintf("many_%02d", i), "https://far.test/many.png"))
		}
		acct, err := c.Federation.SaveRemoteAccount(ctx, federation.RemoteActor{URI: "https://far.test/users/mallory", Username: "mallory",
			Domain: "far.test", InboxURL: "https://far.test/users/mallory/inbox", DisplayName: "Mallory :good: :spoofed:",
			Emojis: list})
		if err != nil {
			t.Fatal(err)
		}
		all := ""
		for _, e := range list {
			all += " :" + e.Shortcode + ":"
		}
		known := map[string]bool{}
		for _, e := range c.Files.CustomEmojisIn("far.test", all) {
			known[e.Shortcode] = true
		}
		if !known["good"] || known["spoofed"] || known["x"] || known["noimage"] || !known["many_44"] || known["many_45"] {
			t.Errorf("recorded %v; want good and the first 45 many_*, nothing hostile", known)
		}
		if len(known) != 46 {
			t.Errorf("recorded %d emoji, want 46 (50 tags read)", len(known))
		}
		inst.WaitJobs(t)
		var url string
		if es := c.Files.AccountEmojis(acct); len(es) == 1 {
			url = c.Files.CustomEmojiURL(es[0])
		}
		if !strings.HasPrefix(url, inst.URL+"/system/custom_emojis/") {
			t.Fatalf(":good: shows at %q once the jobs are done, want this instance's storage", url)
		}
		if f.wasAsked("https://far.test/spoofed") || f.wasAsked("https://far.test/x.png") {
			t.Errorf("hostile emoji fetched: %v", f.asked)
		}

		// A domain that rejects media: recorded, never fetched nor shown.
		yes := true
		if _, err := c.Domains.BlockDomain(ctx, domains.DomainBlockParams{Domain: "nomedia.test", RejectMedia: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Federation.SaveRemoteAccount(ctx, federation.RemoteActor{URI: "https://nomedia.test/users/n", Username: "n",
			Domain: "nomedia.test", InboxURL: "https://nomedia.test/inbox",
			Emojis: []files.RemoteEmoji{tag("nomedia.test", "blocked", "https://nomedia.test/blocked.png")}}); err != nil {
			t.Fatal(err)
		}
		inst.WaitJobs(t)
		if es := c.Files.CustomEmojisIn("nomedia.test", ":blocked:"); len(es) != 0 || f.wasAsked("https://nomedia.test/") {
			t.Errorf("reject_media emoji: %+v, fetched: %v; want none shown, none fetched", es, f.asked)
		}

		// Pruned: shown through the media proxy, which fetches it again.
		if _, err := c.Files.PruneRemoteMedia(ctx, time.Now().Add(time.Minute), nil); err != nil {
			t.Fatal(err)
		}
		es := c.Files.CustomEmojisIn("far.test", ":good:")
		if len(es) != 1 || !strings.HasPrefix(c.Files.CustomEmojiURL(es[0]), inst.URL+"/media_proxy/custom_emojis/") {
			t.Fatalf("pruned emoji: %+v at %q, want the media proxy", es, c.Files.CustomEmojiURL(es[0]))
		}
		resp, err := inst.HTTP.Client().Get(c.Files.CustomEmojiURL(es[0]))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), inst.URL+"/system/custom_emojis/") {
			t.Fatalf("media proxy for a pruned emoji: %d at %s, want the image stored again", resp.StatusCode, resp.Request.URL)
		}
		if es := c.Files.CustomEmojisIn("far.test", ":good:"); len(es) != 1 || c.Files.CustomEmojiURL(es[0]) != resp.Request.URL.String() {
			t.Fatalf("after a view through the proxy: %+v, want the stored image", es)
		}

		// Pruned again, then fetched again when an object names it next.
		if _, err := c.Files.PruneRemoteMedia(ctx, time.Now().Add(time.Minute), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Federation.SaveRemoteAccount(ctx, federation.RemoteActor{URI: "https://far.test/users/mallory", Username: "mallory",
			Domain: "far.test", InboxURL: "https://far.test/users/mallory/inbox", Emojis: list[:1]}); err != nil {
			t.Fatal(err)
		}
		inst.WaitJobs(t)
		if es := c.Files.CustomEmojisIn("far.test", ":good:"); len(es) != 1 || !strings.HasPrefix(c.Files.CustomEmojiURL(es[0]), inst.URL+"/system/") {
			t.Error("a pruned emoji named again was not fetched again")
		}
	})
}
