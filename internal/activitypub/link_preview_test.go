package activitypub_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/core/links"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// cardNetwork is a federation whose instance fetches card pages from the
// fake remotes at once (no random delay).
func cardNetwork(t *testing.T, db testrig.DB) *network {
	var resolve func(ctx context.Context, host, port string) ([]netip.AddrPort, error)
	n := newNetworkWith(t, db, func(c *config.Config) {
		c.RemoteCardSpread, c.AllowPrivateAddresses = -1, true
		c.OutboundResolve = func(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
			return resolve(ctx, host, port)
		}
	}, "remote.test", "news.test")
	resolve = n.resolve
	n.inst.Server.Inbox.SetFetcher(n.fetcher)
	return n
}

// cardTitle waits for the card jobs and returns the title of the card of
// the status with uri ("" when it has none).
func cardTitle(t *testing.T, n *network, uri string) string {
	t.Helper()
	n.inst.WaitJobs(t)
	if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = '"+links.QueueCards+"'"); c > 0 {
		t.Fatalf("%d card jobs left, waiting for a retry", c)
	}
	var title string
	err := n.inst.Store.DB.Read.QueryRow(`SELECT c.title FROM statuses s JOIN status_cards sc ON sc.status_id = s.id
		JOIN preview_cards c ON c.id = sc.card_id WHERE s.uri = $1`, uri).Scan(&title)
	if err != nil {
		return ""
	}
	return title
}

const newsPage = `<html><head><meta property="og:title" content="Fetched title"></head></html>`

func TestRemoteStatusLinkGetsCard(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := cardNetwork(t, db)
		news := n.remotes["news.test"]
		news.serve("/story", answer{contentType: "text/html", body: []byte(newsPage)})
		alice := n.remotes["remote.test"].person(t, "alice")
		id := n.remotes["remote.test"].url("/notes/1")
		n.accept(t, create(alice, note(alice, id, `<p>read <a href="`+news.url("/story")+`">this</a></p>`)))
		n.drain(t)
		if got := cardTitle(t, n, id); got != "Fetched title" {
			t.Fatalf("card title = %q", got)
		}
		if hits := news.hitCount("/story"); hits != 1 {
			t.Fatalf("page fetched %d times", hits)
		}
	})
}

// TestRemoteLinkPreviewUsedWithoutFetching: a FEP-8967 Link attachment
// names the card's link, and its preview is used instead of fetching.
func TestRemoteLinkPreviewUsedWithoutFetching(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := cardNetwork(t, db)
		news := n.remotes["news.test"]
		news.serve("/story", answer{contentType: "text/html", body: []byte(newsPage)})
		news.serve("/other", answer{contentType: "text/html", body: []byte(newsPage)})
		alice := n.remotes["remote.test"].person(t, "alice")
		id := n.remotes["remote.test"].url("/notes/2")
		obj := note(alice, id, `<p><a href="`+news.url("/other")+`">first</a> <a href="`+news.url("/story")+`">second</a></p>`)
		news.serve("/sheep.png", answer{contentType: "image/png", body: mediatest.PNG(800, 600)})
		obj["attachment"] = []any{map[string]any{"type": "Link", "href": news.url("/story"),
			"preview": map[string]any{"type": "Article", "name": "<b>Origin's</b> title", "summary": "<p>Said by the origin</p>",
				"image": map[string]any{"type": "Image", "url": news.url("/sheep.png")}}}}
		n.accept(t, create(alice, obj))
		n.drain(t)
		if got := cardTitle(t, n, id); got != "Origin's title" {
			t.Fatalf("card title = %q, want the attached preview's", got)
		}
		if hits := news.hitCount("/story") + news.hitCount("/other"); hits != 0 {
			t.Fatalf("pages fetched %d times, want none", hits)
		}
		// The preview's image is copied (once), the page still not fetched.
		var key, blurhash string
		err := n.inst.Store.DB.Read.QueryRow(`SELECT c.image_key, c.blurhash FROM preview_cards c
			WHERE c.url = $1`, news.url("/story")).Scan(&key, &blurhash)
		if err != nil || !strings.HasPrefix(key, "preview_cards/") || blurhash == "" {
			t.Fatalf("card image key %q, blurhash %q (%v)", key, blurhash, err)
		}
		if hits := news.hitCount("/sheep.png"); hits != 1 {
			t.Fatalf("image fetched %d times, want 1", hits)
		}
	})
}
