package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/config"
	"herd/internal/core/links"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// fakeSite is a web site on a test listener, reached as http://news.test
// by an instance started with its resolver; it counts requests per path.
type fakeSite struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]string // path → HTML
	hits  sync.Map          // path → *atomic.Int64
	delay time.Duration
}

func newFakeSite(t *testing.T, pages map[string]string) *fakeSite {
	s := &fakeSite{pages: pages}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := s.hits.LoadOrStore(r.URL.Path, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		time.Sleep(s.delay)
		s.mu.Lock()
		page, ok := s.pages[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/images/") {
			w.Header().Set("Content-Type", http.DetectContentType([]byte(page)))
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, page)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeSite) count(path string) int64 {
	if n, ok := s.hits.Load(path); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// resolve sends news.test:80 to the site's listener.
func (s *fakeSite) resolve(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
	if host != "news.test" || port != "80" {
		return nil, fmt.Errorf("no host %s:%s", host, port)
	}
	ap, err := netip.ParseAddrPort(s.Listener.Addr().String())
	return []netip.AddrPort{ap}, err
}

// withSite starts an instance that reaches the site as news.test.
func withSite(site *fakeSite) func(*config.Config) {
	return func(c *config.Config) { c.AllowPrivateAddresses, c.OutboundResolve = true, site.resolve }
}

type cardJSON struct {
	URL, Title, Description, Type, HTML string
	Image                               *string
	Blurhash                            *string
	Width, Height                       int
	ProviderName                        string `json:"provider_name"`
	AuthorName                          string `json:"author_name"`
}

// statusCard reads a status through the API (checked against the
// OpenAPI schema) and returns its card, nil when it has none.
func statusCard(t *testing.T, inst *testrig.Instance, u *testrig.User, id string) *cardJSON {
	t.Helper()
	r := inst.Expect(t, 200, "GET", "/api/v1/statuses/"+id, u.Token, nil)
	apischema.MustMatch(t, "Status", r.Body)
	var st struct{ Card *cardJSON }
	r.JSON(t, &st)
	return st.Card
}

// eventuallyCard waits for the card job to give a status its card.
func eventuallyCard(t *testing.T, inst *testrig.Instance, u *testrig.User, id string) *cardJSON {
	t.Helper()
	var c *cardJSON
	testrig.Eventually(t, "status "+id+" has a card", func() bool {
		c = statusCard(t, inst, u, id)
		return c != nil
	})
	return c
}

// waitCardJobs waits until the instance has worked every job, then checks
// no card job is left (none waits for a retry).
func waitCardJobs(t *testing.T, inst *testrig.Instance) {
	t.Helper()
	inst.WaitJobs(t)
	st, err := inst.Store.QueueStats(context.Background(), links.QueueCards, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 {
		t.Fatalf("%d card jobs left, waiting for a retry", st.Pending)
	}
}

const articlePage = `<!doctype html><html lang="en"><head>
<title>Fallback title</title>
<meta property="og:title" content="Sheep cross the road">
<meta property="og:description" content="A flock took the long way home.">
<meta property="og:image" content="/images/sheep.jpg">
<meta property="og:image:width" content="1200"><meta property="og:image:height" content="630">
<meta property="og:site_name" content="News Test">
<meta name="author" content="Ann Reporter">
</head><body><p>Story</p></body></html>`

func TestPreviewCardFromOpenGraph(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		site := newFakeSite(t, map[string]string{"/article": articlePage,
			"/images/sheep.jpg": string(mediatest.JPEGWithEXIF(1200, 630, 1))})
		inst := testrig.Start(t, db, withSite(site))
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		follow(t, inst, bob, alice)
		st := post(t, inst, alice, mastodon.Toot{Status: "@bob look #sheep http://news.test/article"})
		c := eventuallyCard(t, inst, alice, string(st.ID))
		if c.URL != "http://news.test/article" || c.Title != "Sheep cross the road" ||
			c.Description != "A flock took the long way home." || c.Type != "link" || c.HTML != "" ||
			c.Width != 1200 || c.Height != 630 || c.ProviderName != "News Test" || c.AuthorName != "Ann Reporter" {
			t.Fatalf("card = %+v", c)
		}
		// The image is a copy in this instance's media storage, within
		// Mastodon's card size, with a blurhash; never the site's address.
		if c.Image == nil || !strings.HasPrefix(*c.Image, inst.URL+"/system/preview_cards/") || c.Blurhash == nil || *c.Blurhash == "" {
			t.Fatalf("card image = %v, blurhash %v", c.Image, c.Blurhash)
		}
		img := fetch(t, inst, *c.Image, nil)
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(img.Body)); err != nil || cfg.Width*cfg.Height > 640*360 || cfg.Width == 0 {
			t.Fatalf("card image: %d bytes, %+v (%v)", len(img.Body), cfg, err)
		}
		// The status was cached (rendered) before its card came: pages
		// built from the cache show the card too.
		r := inst.Expect(t, 200, "GET", "/api/v1/timelines/home", bob.Token, nil)
		apischema.MustMatchArray(t, "Status", r.Body)
		var page []struct {
			ID   string
			Card *cardJSON
		}
		r.JSON(t, &page)
		if len(page) != 1 || page[0].ID != string(st.ID) || page[0].Card == nil || page[0].Card.Title != c.Title {
			t.Fatalf("home timeline = %s", r.Body)
		}
	})
}

func TestPreviewCardTextIsPlain(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		site := newFakeSite(t, map[string]string{"/hostile": `<html><head>
<title>&lt;script&gt;alert(1)&lt;/script&gt;Hello &amp; <b>bye</b></title>
<meta name="description" content="&lt;img src=x onerror=alert(1)&gt;Safe   text">
<meta property="og:image" content="/hostile">
</head><body><script>document.title = "x"</script></body></html>`})
		inst := testrig.Start(t, db, withSite(site))
		alice := inst.NewUser(t, "alice")
		st := post(t, inst, alice, mastodon.Toot{Status: "http://news.test/hostile"})
		c := eventuallyCard(t, inst, alice, string(st.ID))
		if c.Title != "Hello & bye" || c.Description != "Safe text" || c.HTML != "" {
			t.Fatalf("card = %+v, want markup stripped to plain text", c)
		}
		// Its "image" is the page itself, HTML: no image is shown.
		if c.Image != nil {
			t.Fatalf("card image = %q for an image URL that serves HTML", *c.Image)
		}
	})
}

func TestPreviewCardNeverFetchesPrivateAddresses(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		site := newFakeSite(t, map[string]string{"/article": articlePage})
		inst := testrig.Start(t, db) // a normal configuration: private addresses refused
		alice := inst.NewUser(t, "alice")
		st := post(t, inst, alice, mastodon.Toot{Status: "internal " + site.URL + "/article"})
		waitCardJobs(t, inst)
		if n := site.count("/article"); n != 0 {
			t.Fatalf("the loopback site was fetched %d times", n)
		}
		if c := statusCard(t, inst, alice, string(st.ID)); c != nil {
			t.Fatalf("card = %+v for a loopback link", c)
		}
	})
}

func TestMentionsAndHashtagsAreNotCardLinks(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		site := newFakeSite(t, map[string]string{"/article": articlePage})
		inst := testrig.Start(t, db, withSite(site))
		alice := inst.NewUser(t, "alice")
		inst.NewUser(t, "bob")
		st := post(t, inst, alice, mastodon.Toot{Status: "@bob #sheep no link here"})
		stats, err := inst.Store.QueueStats(context.Background(), links.QueueCards, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if stats.Pending != 0 {
			t.Fatalf("%d card jobs for a status without a link", stats.Pending)
		}
		if c := statusCard(t, inst, alice, string(st.ID)); c != nil {
			t.Fatalf("card = %+v", c)
		}
	})
}

func TestPreviewCardFetchedOncePerURL(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		site := newFakeSite(t, map[string]string{"/article": articlePage})
		site.delay = 200 * time.Millisecond // the two jobs overlap
		inst := testrig.Start(t, db, withSite(site))
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		s1 := post(t, inst, alice, mastodon.Toot{Status: "http://news.test/article"})
		s2 := post(t, inst, bob, mastodon.Toot{Status: "same story http://news.test/article"})
		c1, c2 := eventuallyCard(t, inst, alice, string(s1.ID)), eventuallyCard(t, inst, bob, string(s2.ID))
		if c1.Title != "Sheep cross the road" || c2.Title != c1.Title {
			t.Fatalf("cards %+v, %+v", c1, c2)
		}
		s3 := post(t, inst, bob, mastodon.Toot{Status: "again http://news.test/article"})
		eventuallyCard(t, inst, bob, string(s3.ID))
		if n := site.count("/article"); n != 1 {
			t.Fatalf("the page was fetched %d times for three statuses, want once", n)
		}
	})
}

// TestPreviewCardRefreshedAfterTwoWeeks: a card older than two weeks is
// fetched again for a new status, and statuses showing it see the update.
func TestPreviewCardRefreshedAfterTwoWeeks(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		site := newFakeSite(t, map[string]string{"/article": articlePage})
		inst := testrig.Start(t, db, withSite(site))
		alice := inst.NewUser(t, "alice")
		s1 := post(t, inst, alice, mastodon.Toot{Status: "http://news.test/article"})
		eventuallyCard(t, inst, alice, string(s1.ID))
		old := time.Now().Add(-15 * 24 * time.Hour).UnixMilli()
		if _, err := inst.Store.DB.Write.ExecContext(context.Background(),
			"UPDATE preview_cards SET fetched_at = $1", old); err != nil {
			t.Fatal(err)
		}
		site.mu.Lock()
		site.pages["/article"] = strings.Replace(articlePage, "Sheep cross the road", "Sheep home safe", 1)
		site.mu.Unlock()
		s2 := post(t, inst, alice, mastodon.Toot{Status: "update http://news.test/article"})
		if c := eventuallyCard(t, inst, alice, string(s2.ID)); c.Title != "Sheep home safe" {
			t.Fatalf("refreshed card = %+v", c)
		}
		if n := site.count("/article"); n != 2 {
			t.Fatalf("page fetched %d times, want twice", n)
		}
		if c := statusCard(t, inst, alice, string(s1.ID)); c == nil || c.Title != "Sheep home safe" {
			t.Fatalf("the first status's card = %+v, want the refreshed one", c)
		}
	})
}

// TestEditedLinkChangesCard: an edit that changes the link changes the
// card; one that removes it removes the card.
func TestEditedLinkChangesCard(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		other := strings.Replace(articlePage, "Sheep cross the road", "Goats too", 1)
		site := newFakeSite(t, map[string]string{"/article": articlePage, "/other": other})
		inst := testrig.Start(t, db, withSite(site))
		alice := inst.NewUser(t, "alice")
		st := post(t, inst, alice, mastodon.Toot{Status: "http://news.test/article"})
		eventuallyCard(t, inst, alice, string(st.ID))
		path := "/api/v1/statuses/" + string(st.ID)
		inst.Expect(t, 200, "PUT", path, alice.Token, map[string]any{"status": "now http://news.test/other"})
		testrig.Eventually(t, "the card shows the edited link's page", func() bool {
			c := statusCard(t, inst, alice, string(st.ID))
			return c != nil && c.Title == "Goats too"
		})
		inst.Expect(t, 200, "PUT", path, alice.Token, map[string]any{"status": "no link any more"})
		if c := statusCard(t, inst, alice, string(st.ID)); c != nil {
			t.Fatalf("card = %+v after the link was edited out", c)
		}
	})
}
