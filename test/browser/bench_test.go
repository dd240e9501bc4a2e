package browser

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"herd/internal/testrig"
)

// These measure the pages without a browser (plain net/http): the server's
// time for a page, and what a browser downloads for one.
//
//	go test -run='^$' -bench=. -benchtime=300x ./test/browser/

// homeBudget is the target for the home page: HTML, CSS and JS
// under 100 KB, media excluded.
const homeBudget = 100 << 10

// timeline is a realistic instance for a page: alice follows bob and
// carol, who posted 20 statuses between them (mentions, hashtags, links,
// replies, a content warning, images with alt text, favourites and
// boosts), so alice's home and bob's profile each show a full page.
type timeline struct {
	inst              *testrig.Instance
	alice, bob, carol *testrig.User
}

func seedTimeline(tb testing.TB) *timeline {
	tb.Helper()
	inst := testrig.Start(tb, testrig.SQLite)
	tl := &timeline{inst: inst, alice: inst.NewUser(tb, "alice"), bob: inst.NewUser(tb, "bob"), carol: inst.NewUser(tb, "carol")}
	follow(tb, inst, tl.alice, tl.bob)
	follow(tb, inst, tl.alice, tl.carol)
	follow(tb, inst, tl.bob, tl.carol)
	var last string
	var posted []string
	for i := range 20 {
		author, other := tl.bob, "@carol"
		if i%3 == 2 {
			author, other = tl.carol, "@bob"
		}
		fields := map[string]any{"status": fmt.Sprintf(
			"Day %d of the #herd garden diary, %s and @alice: the beans are up, the tomatoes are not. "+
				"Notes and photos at https://garden.example/diary/%d — #gardening #allotment", i+1, other, i+1)}
		if i%4 == 0 {
			fields["media_ids"] = []string{upload(tb, inst, author, fmt.Sprintf("Row %d of beans, seen from the shed", i+1))}
		}
		if i%5 == 3 {
			fields["spoiler_text"] = "Slugs (close-up)"
		}
		if i%6 == 5 && last != "" {
			fields["in_reply_to_id"] = last
		}
		last = post(tb, inst, author, fields)
		posted = append(posted, last)
		if i%2 == 0 {
			inst.Expect(tb, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+last+"/favourite", tl.alice.Token, nil)
		}
		if i%7 == 0 {
			inst.Expect(tb, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+last+"/reblog", tl.carol.Token, nil)
		}
	}
	for _, id := range posted {
		inHome(tb, inst, tl.alice, id)
	}
	return tl
}

// upload posts a photo through the media API and returns its id.
func upload(tb testing.TB, inst *testrig.Instance, user *testrig.User, alt string) string {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "beans.png")
	fw.Write(photo(tb))
	mw.WriteField("description", alt)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, inst.URL+"/api/v2/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+user.Token)
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
	var m struct{ ID string }
	(&testrig.Response{Body: raw}).JSON(tb, &m)
	return m.ID
}

// photo is a 640×480 PNG, a picture to upload.
func photo(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			img.Set(x, y, color.RGBA{uint8(x / 3), uint8(100 + y/5), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// signedIn returns a cookie-keeping client signed in as user through the
// sign-in form, as a browser would be.
func signedIn(tb testing.TB, inst *testrig.Instance, user *testrig.User) *http.Client {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	c := inst.HTTP.Client()
	c.Jar = jar
	resp, err := c.Get(inst.URL + "/auth/sign_in")
	if err != nil {
		tb.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		tb.Fatalf("sign-in page has no authenticity_token")
	}
	resp, err = c.PostForm(inst.URL+"/auth/sign_in", url.Values{"authenticity_token": {string(m[1])},
		"email": {user.Email}, "password": {testrig.Password()}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(jar.Cookies(mustURL(inst.URL))) < 2 {
		tb.Fatalf("sign in: %d", resp.StatusCode)
	}
	return c
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// pageRequest is a browser's GET of path, with the cookies of c (nil for
// a visitor).
func pageRequest(inst *testrig.Instance, c *http.Client, path string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, inst.URL+path, nil)
	r.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	r.Header.Set("Accept-Encoding", "gzip, deflate, br")
	if c != nil {
		for _, ck := range c.Jar.Cookies(mustURL(inst.URL)) {
			r.AddCookie(ck)
		}
	}
	return r
}

// benchPage measures the server's time for path: the request goes
// straight to the instance's handler (no network), is answered in full
// (gzipped, as browsers ask), and its duration is kept, so the 50th and
// 99th percentiles are reported beside Go's mean.
func benchPage(b *testing.B, inst *testrig.Instance, c *http.Client, path, want string) {
	h := inst.HTTP.Config.Handler
	check := httptest.NewRecorder()
	h.ServeHTTP(check, pageRequest(inst, c, path))
	if check.Code != http.StatusOK || !strings.Contains(gunzip(b, check.Body.Bytes()), want) {
		b.Fatalf("GET %s = %d, or lacks %q", path, check.Code, want)
	}
	var times []time.Duration
	for b.Loop() {
		r := pageRequest(inst, c, path)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, r)
		times = append(times, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", path, w.Code)
		}
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[int(p*float64(len(times)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func gunzip(tb testing.TB, body []byte) string {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return string(body) // not compressed
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return string(raw)
}

// BenchmarkHomePage: alice's home timeline, 20 statuses, signed in.
func BenchmarkHomePage(b *testing.B) {
	tl := seedTimeline(b)
	benchPage(b, tl.inst, signedIn(b, tl.inst, tl.alice), "/home", "the beans are up")
}

// BenchmarkProfilePage: bob's profile as a visitor sees it.
func BenchmarkProfilePage(b *testing.B) {
	tl := seedTimeline(b)
	benchPage(b, tl.inst, nil, "/@bob", "the beans are up")
}

// pageWeight is what a browser downloads for a page the first time,
// media left out: the HTML and the stylesheets, scripts and icons it
// refers to, as sent (gzipped) and as read.
type pageWeight struct {
	html, css, js, icons int // bytes, uncompressed
	sent                 int // bytes on the wire, all of them
}

func (w pageWeight) total() int { return w.html + w.css + w.js }

// assetRef finds what a page makes a browser fetch from /assets/.
var assetRef = regexp.MustCompile(`(?:href|src)="(/assets/[^"#]+)`)

// weigh fetches path as a browser would (gzip accepted) with c's
// cookies, then each asset it refers to once.
func weigh(tb testing.TB, inst *testrig.Instance, c *http.Client, path string) pageWeight {
	tb.Helper()
	var w pageWeight
	get := func(p string) string {
		req := pageRequest(inst, c, p)
		req.RequestURI = ""
		resp, err := inst.HTTP.Client().Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		w.sent += len(raw)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			return gunzip(tb, raw)
		}
		return string(raw)
	}
	html := get(path)
	w.html = len(html)
	seen := map[string]bool{}
	for _, m := range assetRef.FindAllStringSubmatch(html, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		switch {
		case strings.HasSuffix(m[1], ".css"):
			w.css += len(get(m[1]))
		case strings.HasSuffix(m[1], ".js"):
			w.js += len(get(m[1]))
		case strings.HasSuffix(m[1], ".svg"):
			w.icons += len(get(m[1]))
		}
	}
	return w
}

// TestHomePageWeight: alice's home page with a full page of statuses
// stays within the budget of 100 KB of HTML, CSS and JS (media
// excluded), and the numbers are logged.
func TestHomePageWeight(t *testing.T) {
	tl := seedTimeline(t)
	c := signedIn(t, tl.inst, tl.alice)
	w := weigh(t, tl.inst, c, "/home")
	if n := strings.Count(fetchHTML(t, tl.inst, c, "/home"), `class="status h-entry`); n != 20 {
		t.Fatalf("home shows %d statuses, want a full page of 20", n)
	}
	t.Logf("home page: HTML %d B, CSS %d B, JS %d B (total %.1f KB), icons %d B; %.1f KB sent gzipped",
		w.html, w.css, w.js, float64(w.total())/1024, w.icons, float64(w.sent)/1024)
	if w.total() > homeBudget {
		t.Errorf("home page weighs %d B of HTML, CSS and JS, over the budget of %d", w.total(), homeBudget)
	}
}

func fetchHTML(tb testing.TB, inst *testrig.Instance, c *http.Client, path string) string {
	tb.Helper()
	w := httptest.NewRecorder()
	inst.HTTP.Config.Handler.ServeHTTP(w, pageRequest(inst, c, path))
	return gunzip(tb, w.Body.Bytes())
}

// BenchmarkHomePageWeight reports the home page's weight as metrics.
func BenchmarkHomePageWeight(b *testing.B) {
	tl := seedTimeline(b)
	c := signedIn(b, tl.inst, tl.alice)
	var w pageWeight
	for b.Loop() {
		w = weigh(b, tl.inst, c, "/home")
	}
	b.ReportMetric(float64(w.html)/1024, "html-KB")
	b.ReportMetric(float64(w.css+w.js)/1024, "css+js-KB")
	b.ReportMetric(float64(w.total())/1024, "html+css+js-KB")
	b.ReportMetric(float64(w.icons)/1024, "icons-KB")
	b.ReportMetric(float64(w.sent)/1024, "gzipped-KB")
}
