package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"herd/internal/core/accounts"
	"herd/internal/db"
)

// The streaming targets of issue 14.
const (
	targetDelivery      = time.Second // one post reaches 99% of the streams within this
	targetDeliveryShare = 0.99
	targetStreamRSS     = 300e6 // herd's RSS with all clients connected
	targetPerConn       = 60e3  // bytes per connection
	targetStreamHome    = 0.9   // home throughput with the streams open vs without
)

// streamConfig is how `bench stream` measures.
type streamConfig struct {
	DB       string
	Domain   string
	Herd     string
	Out      string
	Clients  int           // WebSocket clients, each following the streamer
	DialC    int           // concurrent dials
	Workers  int           // home timeline load
	Duration time.Duration // measured home timeline time
	Warmup   time.Duration
	Posts    int           // statuses the streamer posts, one at a time
	PostGap  time.Duration // pause between posts
	Wait     time.Duration // longest wait for one post to reach every client
	Settle   time.Duration // pause before reading RSS
	Profile  bool          // herd built with -tags benchpprof; CPU profiles of each phase
}

func streamCommand(ctx context.Context, args []string, out io.Writer) error {
	var c streamConfig
	fs := flag.NewFlagSet("bench stream", flag.ContinueOnError)
	fs.StringVar(&c.DB, "db", "data/bench.db", "seeded SQLite file or postgres:// URL (it is changed: use a copy)")
	fs.StringVar(&c.Domain, "domain", benchDomain, "domain herd serves (as seeded)")
	fs.StringVar(&c.Herd, "herd", "", "herd binary (default: build ./cmd/herd)")
	fs.StringVar(&c.Out, "out", "bench/results", "directory for herd's log")
	fs.IntVar(&c.Clients, "clients", 5000, "WebSocket clients (accounts following the streamer, one connection each)")
	fs.IntVar(&c.DialC, "dial-c", 64, "concurrent WebSocket dials")
	fs.IntVar(&c.Workers, "c", 32, "concurrent keep-alive clients for the home timeline")
	fs.DurationVar(&c.Duration, "d", 10*time.Second, "measured time of each home timeline run (0 skips them)")
	fs.DurationVar(&c.Warmup, "warmup", 2*time.Second, "unmeasured warm-up before each home timeline run")
	fs.IntVar(&c.Posts, "posts", 5, "statuses the streamer posts, one at a time")
	fs.DurationVar(&c.PostGap, "post-gap", 2*time.Second, "pause between two posts")
	fs.DurationVar(&c.Wait, "wait", 15*time.Second, "longest wait for a post to reach every client")
	fs.DurationVar(&c.Settle, "settle", 2*time.Second, "pause before each RSS reading")
	fs.BoolVar(&c.Profile, "profile", false, "build herd with pprof (-tags benchpprof; a -herd binary must have it) and save CPU profiles")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.Clients < 1 || c.DialC < 1 {
		return errors.New("-clients and -dial-c must be positive")
	}
	return streamBench(ctx, c, out)
}

// streamReport is what `bench stream` prints at the end.
type streamReport struct {
	DB                 string
	Clients, Connected int
	DialFailed         int
	DialSample         string
	Setup              time.Duration // first dial to last connection
	DialP50, DialP99   time.Duration
	RSSBefore, RSSWith memory
	RSSPosts           memory // still connected, after the posts and the home timeline run
	RSSClosed          memory
	Posts              []delivery
	HomeWithout        result
	HomeWith           result
	HomeClosed         result   // after closing the clients, to tell a drifting machine from the streams' cost
	Load               []string // /proc/loadavg at start and end
	Streamer           streamerInfo
}

// delivery is how one post reached the clients.
type delivery struct {
	ID       string
	PostTook time.Duration // the POST itself
	Got      int           // clients that received it
	Min      time.Duration // the first client's, from the POST's answer
	P50, P90 time.Duration
	P99, Max time.Duration
	Within   int // received within targetDelivery of the answer
}

func (d delivery) share(n int) float64 { return float64(d.Within) / float64(n) }

// streamerInfo is the account everyone follows.
type streamerInfo struct {
	ID                    int64
	Name                  string
	Followers             int64 // followers_count after prepare
	NewFollows, NewTokens int   // rows prepare added
}

// streamBench runs the whole measurement.
func streamBench(ctx context.Context, c streamConfig, out io.Writer) error {
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	// Each WebSocket is a descriptor here and one in herd, which inherits
	// the limit (set explicitly, so os/exec does not restore the original).
	if err := raiseNoFile(uint64(c.Clients)+1024, out); err != nil {
		return err
	}
	rep := &streamReport{Clients: c.Clients, Load: []string{loadAvg()}}
	database, err := db.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	rep.DB = database.Dialect.String()
	t0 := time.Now()
	streamerToken, clientTokens, info, err := prepareStreamers(ctx, database, c.Clients)
	database.Close()
	if err != nil {
		return err
	}
	rep.Streamer = info
	fmt.Fprintf(out, "prepared in %s: streamer %s (id %d, %d followers); %d follows and %d tokens added; %d clients active now\n",
		time.Since(t0).Round(time.Millisecond), info.Name, info.ID, info.Followers, info.NewFollows, info.NewTokens, c.Clients)

	bin, tags := c.Herd, ""
	if c.Profile {
		tags = "benchpprof"
	}
	if bin == "" {
		tmp, err := os.MkdirTemp("", "herd-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if bin, err = buildHerd(ctx, tmp, tags); err != nil {
			return err
		}
	}
	m := &measurer{cfg: runConfig{Out: c.Out}, out: out}
	var env []string
	if c.Profile {
		if m.pprof, err = freePort(); err != nil {
			return err
		}
		env = append(env, "HERD_BENCH_PPROF="+m.pprof)
	}
	p, err := startHerd(ctx, bin, c.DB, c.Domain, c.Out, env)
	if err != nil {
		return err
	}
	defer p.Stop()
	fmt.Fprintf(out, "herd ready in %s, RSS %s\n", p.Startup.Round(100*time.Microsecond), p.RSS)

	home := func(worker, seq int) request {
		return request{method: "GET", path: "/api/v1/timelines/home", token: pick(clientTokens, worker, seq)}
	}
	hc := newClient(c.Workers)
	if c.Duration > 0 {
		// Every client reads its home timeline once, as an app does before
		// it opens its stream: the first read of a day records the user's
		// activity (a write) and may rebuild a feed, which would otherwise
		// fall into the first measurement only.
		t := time.Now()
		var next atomic.Int64
		r := driveCount(ctx, hc, p.URL, "home, each client once", 8, int64(len(clientTokens)), 5*time.Minute,
			func(int, int) request {
				k := int(next.Add(1)-1) % len(clientTokens)
				return request{method: "GET", path: "/api/v1/timelines/home", token: clientTokens[k]}
			}, nil)
		fmt.Fprintf(out, "home timeline read once by each client in %s (%d failed)\n", time.Since(t).Round(time.Millisecond), r.Failed)
		stop := m.startProfile(ctx, "stream-home-without", c.Warmup+c.Duration)
		rep.HomeWithout = drive(ctx, hc, p.URL, "home, no streams", c.Workers, c.Warmup, c.Duration, home, nil)
		stop()
		m.printResult(rep.HomeWithout)
	}

	time.Sleep(c.Settle)
	if rep.RSSBefore, err = p.Memory(); err != nil {
		return err
	}
	fmt.Fprintf(out, "RSS before the streams: %s\n", rep.RSSBefore)
	wsURL := "ws" + strings.TrimPrefix(p.URL, "http") + "/api/v1/streaming?stream=user"
	sc := newStreamClients(len(clientTokens))
	defer sc.closeAll()
	sc.dial(ctx, wsURL, clientTokens, c.DialC, rep)
	fmt.Fprintf(out, "%d of %d WebSockets open in %s: %.0f connections/s (dial p50 %s, p99 %s); %d failed\n",
		rep.Connected, c.Clients, rep.Setup.Round(time.Millisecond), float64(rep.Connected)/rep.Setup.Seconds(),
		rep.DialP50.Round(10*time.Microsecond), rep.DialP99.Round(10*time.Microsecond), rep.DialFailed)
	if rep.DialSample != "" {
		fmt.Fprintf(out, "    first failure: %s\n", rep.DialSample)
	}
	if rep.Connected == 0 {
		return errors.New("no WebSocket connected")
	}
	time.Sleep(c.Settle)
	if rep.RSSWith, err = p.Memory(); err != nil {
		return err
	}
	fmt.Fprintf(out, "RSS with %d streams: %s\n", rep.Connected, rep.RSSWith)

	pc := newClient(1)
	stopProfile := m.startProfile(ctx, "stream-posts", time.Duration(c.Posts)*(c.PostGap+5*time.Second))
	for i := 0; i < c.Posts; i++ {
		if i > 0 {
			time.Sleep(c.PostGap)
		}
		d, err := sc.post(ctx, pc, p.URL, streamerToken, i, c.Wait)
		if err != nil {
			return err
		}
		rep.Posts = append(rep.Posts, d)
		fmt.Fprintf(out, "post %d (%s, POST took %s): %d/%d received, first %s p50 %s p90 %s p99 %s max %s, %.1f%% within %s\n",
			i+1, d.ID, d.PostTook.Round(10*time.Microsecond), d.Got, rep.Connected, d.Min.Round(time.Millisecond), d.P50.Round(time.Millisecond),
			d.P90.Round(time.Millisecond), d.P99.Round(time.Millisecond), d.Max.Round(time.Millisecond),
			100*d.share(rep.Connected), targetDelivery)
	}
	stopProfile()

	if c.Duration > 0 {
		stop := m.startProfile(ctx, "stream-home-with", c.Warmup+c.Duration)
		rep.HomeWith = drive(ctx, hc, p.URL, "home, streams open", c.Workers, c.Warmup, c.Duration, home, nil)
		stop()
		m.printResult(rep.HomeWith)
	}
	if rep.RSSPosts, err = p.Memory(); err != nil {
		return err
	}
	fmt.Fprintf(out, "RSS with %d streams, after the posts and the home timeline: %s\n", rep.Connected, rep.RSSPosts)
	m.saveHeapProfile(ctx)
	if lost := sc.lost.Load(); lost > 0 {
		fmt.Fprintf(out, "%d streams ended before the clients closed them (first: %s)\n", lost, sc.lostSample())
	}
	sc.closeAll()
	time.Sleep(c.Settle)
	rep.RSSClosed, _ = p.Memory()
	if c.Duration > 0 {
		rep.HomeClosed = drive(ctx, hc, p.URL, "home, streams closed", c.Workers, c.Warmup, c.Duration, home, nil)
		m.printResult(rep.HomeClosed)
	}
	rep.Load = append(rep.Load, loadAvg())
	rep.print(out)
	return nil
}

// raiseNoFile lifts the soft limit on open files to at least need (up to
// the hard limit).
func raiseNoFile(need uint64, out io.Writer) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	want := max(lim.Cur, min(need, lim.Max))
	if need > lim.Max {
		want = lim.Max
		fmt.Fprintf(out, "warning: %d open files wanted, the hard limit is %d\n", need, lim.Max)
	}
	lim.Cur = want
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// prepareStreamers makes the database ready before herd starts: the
// streamer (the first bench token's account) and n client accounts with
// bench tokens (added where missing), the clients active now (fan-out only
// writes the feeds of users active within two weeks, and a user stream
// hears of a post through its feed) and all following the streamer, with
// the follow counters kept right.
func prepareStreamers(ctx context.Context, database *db.DB, n int) (string, []string, streamerInfo, error) {
	var info streamerInfo
	var appID int64
	if err := database.Read.QueryRowContext(ctx, "SELECT id FROM apps WHERE name = $1", benchApp).Scan(&appID); err != nil {
		return "", nil, info, fmt.Errorf("no bench app (run `go run ./bench seed` first): %w", err)
	}
	withToken, err := scanInt64s(database.Read.QueryContext(ctx, `SELECT t.account_id FROM tokens t
		WHERE t.app_id = $1 AND t.revoked_at IS NULL ORDER BY t.id`, appID))
	if err != nil {
		return "", nil, info, err
	}
	if len(withToken) == 0 {
		return "", nil, info, errors.New("no bench tokens in this database")
	}
	info.ID = withToken[0]
	clients := withToken[1:min(len(withToken), n+1)]
	now := time.Now().UnixMilli()
	if missing := n - len(clients); missing > 0 {
		q := "SELECT id FROM accounts WHERE domain = '' AND username <> '' AND NOT (" +
			database.Dialect.InIDs("id", "$1") + ") ORDER BY id LIMIT $2"
		more, err := scanInt64s(database.Read.QueryContext(ctx, q, database.Dialect.IDs(withToken), missing))
		if err != nil {
			return "", nil, info, err
		}
		if len(more) < missing {
			return "", nil, info, fmt.Errorf("%d clients wanted, the database has %d local accounts besides the streamer",
				n, len(clients)+len(more))
		}
		l := newLoader(database)
		l.table("tokens", "id", "token_hash", "app_id", "account_id", "scopes", "created_at")
		for k, id := range more {
			at := now + int64(k>>16)
			if err := l.add(ctx, "tokens", idAt(at, k), accounts.HashSecret(tokenSecret(id)), appID, id, benchScopes, at); err != nil {
				return "", nil, info, err
			}
		}
		if err := l.commit(ctx); err != nil {
			return "", nil, info, err
		}
		clients = append(clients, more...)
		info.NewTokens = len(more)
	}
	following, err := scanInt64s(database.Read.QueryContext(ctx, "SELECT account_id FROM follows WHERE target_account_id = $1 AND "+
		database.Dialect.InIDs("account_id", "$2"), info.ID, database.Dialect.IDs(clients)))
	if err != nil {
		return "", nil, info, err
	}
	follows := map[int64]bool{}
	for _, id := range following {
		follows[id] = true
	}
	var newFollowers []int64
	for _, id := range clients {
		if !follows[id] {
			newFollowers = append(newFollowers, id)
		}
	}
	if len(newFollowers) > 0 {
		l := newLoader(database)
		l.table("follows", "id", "account_id", "target_account_id", "created_at")
		for k, id := range newFollowers {
			at := now + 1000 + int64(k>>16)
			if err := l.add(ctx, "follows", idAt(at, k), id, info.ID, at); err != nil {
				return "", nil, info, err
			}
		}
		if err := l.exec(ctx, "UPDATE accounts SET following_count = following_count + 1 WHERE "+
			database.Dialect.InIDs("id", "$1"), database.Dialect.IDs(newFollowers)); err != nil {
			return "", nil, info, err
		}
		if err := l.exec(ctx, "UPDATE accounts SET followers_count = followers_count + $1 WHERE id = $2",
			len(newFollowers), info.ID); err != nil {
			return "", nil, info, err
		}
		if err := l.commit(ctx); err != nil {
			return "", nil, info, err
		}
		info.NewFollows = len(newFollowers)
	}
	if _, err := database.Write.ExecContext(ctx, "UPDATE users SET last_active_at = $1 WHERE "+
		database.Dialect.InIDs("account_id", "$2"), now, database.Dialect.IDs(clients)); err != nil {
		return "", nil, info, err
	}
	if err := database.Read.QueryRowContext(ctx, "SELECT username, followers_count FROM accounts WHERE id = $1", info.ID).
		Scan(&info.Name, &info.Followers); err != nil {
		return "", nil, info, err
	}
	if err := database.Checkpoint(ctx); err != nil {
		return "", nil, info, err
	}
	tokens := make([]string, len(clients))
	for i, id := range clients {
		tokens[i] = tokenSecret(id)
	}
	return tokenSecret(info.ID), tokens, info, nil
}

// streamClients are the WebSocket clients. Each reads its socket in its
// own goroutine and notes when each update arrived; the poster matches
// them to the status it posted.
type streamClients struct {
	conns []*websocket.Conn
	wg    sync.WaitGroup

	mu      sync.Mutex
	got     map[string][]time.Time // status id → arrival of its update, one per client
	closing atomic.Bool
	lost    atomic.Int64
	lostErr string // why the first stream that ended by itself ended
}

func newStreamClients(n int) *streamClients {
	return &streamClients{conns: make([]*websocket.Conn, n), got: map[string][]time.Time{}}
}

// dial opens one WebSocket per token, conc at a time, and starts reading.
func (sc *streamClients) dial(ctx context.Context, wsURL string, tokens []string, conc int, rep *streamReport) {
	d := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	var mu sync.Mutex
	var lat []time.Duration
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for i, tok := range tokens {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			h := http.Header{"Authorization": {"Bearer " + tok}}
			t := time.Now()
			conn, resp, err := d.DialContext(ctx, wsURL, h)
			el := time.Since(t)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				rep.DialFailed++
				if rep.DialSample == "" {
					rep.DialSample = err.Error()
					if resp != nil {
						rep.DialSample += fmt.Sprintf(" (%d %s)", resp.StatusCode, resp.Header.Get("X-Error-Message"))
					}
				}
				return
			}
			lat = append(lat, el)
			sc.conns[i] = conn
			sc.wg.Add(1)
			go sc.read(conn)
		}()
	}
	wg.Wait()
	rep.Setup = time.Since(start)
	rep.Connected = len(lat)
	if len(lat) > 0 {
		slices.Sort(lat)
		rep.DialP50, rep.DialP99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	}
}

// streamMessage is Mastodon's envelope: the payload of an update is the
// status as a JSON string.
type streamMessage struct {
	Event   string `json:"event"`
	Payload string `json:"payload"`
}

// read takes messages until the socket ends; gorilla answers pings.
func (sc *streamClients) read(conn *websocket.Conn) {
	defer sc.wg.Done()
	for {
		_, data, err := conn.ReadMessage()
		at := time.Now()
		if err != nil {
			if !sc.closing.Load() {
				sc.lost.Add(1)
				sc.mu.Lock()
				if sc.lostErr == "" {
					sc.lostErr = err.Error()
				}
				sc.mu.Unlock()
			}
			return
		}
		var m streamMessage
		if json.Unmarshal(data, &m) != nil || m.Event != "update" {
			continue
		}
		var st struct {
			ID string `json:"id"`
		}
		if json.Unmarshal([]byte(m.Payload), &st) != nil {
			continue
		}
		sc.mu.Lock()
		sc.got[st.ID] = append(sc.got[st.ID], at)
		sc.mu.Unlock()
	}
}

func (sc *streamClients) lostSample() string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.lostErr
}

func (sc *streamClients) received(id string) int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return len(sc.got[id])
}

// post makes the streamer post a status and waits (up to wait) for every
// connected client to receive it.
func (sc *streamClients) post(ctx context.Context, c *http.Client, base, token string, i int, wait time.Duration) (delivery, error) {
	body, _ := json.Marshal(map[string]string{
		"status":     fmt.Sprintf("Streaming bench post %d at %s: hello to every follower", i+1, time.Now().Format(time.RFC3339Nano)),
		"visibility": "public",
	})
	t0 := time.Now()
	code, answer, _, err := do(ctx, c, base, request{method: "POST", path: "/api/v1/statuses", token: token, body: body})
	answered := time.Now()
	if err != nil {
		return delivery{}, err
	}
	if code != http.StatusOK {
		return delivery{}, fmt.Errorf("post: %d %.200s", code, answer)
	}
	var st struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(answer, &st); err != nil || st.ID == "" {
		return delivery{}, fmt.Errorf("post: no id in %.200s", answer)
	}
	want := 0
	for _, conn := range sc.conns {
		if conn != nil {
			want++
		}
	}
	for time.Since(answered) < wait && sc.received(st.ID) < want && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	sc.mu.Lock()
	arrivals := slices.Clone(sc.got[st.ID])
	sc.mu.Unlock()
	d := delivery{ID: st.ID, PostTook: answered.Sub(t0), Got: len(arrivals)}
	if len(arrivals) == 0 {
		return d, nil
	}
	lat := make([]time.Duration, len(arrivals))
	for k, at := range arrivals {
		lat[k] = max(0, at.Sub(answered)) // an update may beat the POST's answer
		if lat[k] <= targetDelivery {
			d.Within++
		}
	}
	slices.Sort(lat)
	q := func(p int) time.Duration { return lat[min(len(lat)-1, len(lat)*p/100)] }
	d.Min, d.P50, d.P90, d.P99, d.Max = lat[0], q(50), q(90), q(99), lat[len(lat)-1]
	return d, nil
}

// closeAll closes every socket and waits for the readers.
func (sc *streamClients) closeAll() {
	if sc.closing.Swap(true) {
		return
	}
	for _, conn := range sc.conns {
		if conn != nil {
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
				time.Now().Add(time.Second))
			conn.Close()
		}
	}
	sc.wg.Wait()
}

// print writes the summary with the targets.
func (r *streamReport) print(w io.Writer) {
	fmt.Fprintf(w, "\n== Herd streaming bench: %s; %d WebSocket clients following %s (%d followers); load average %s → %s\n",
		r.DB, r.Clients, r.Streamer.Name, r.Streamer.Followers, r.Load[0], r.Load[len(r.Load)-1])
	fmt.Fprintf(w, "set-up: %d connected in %s = %.0f connections/s (dial p50 %s, p99 %s), %d failed\n",
		r.Connected, r.Setup.Round(time.Millisecond), float64(r.Connected)/r.Setup.Seconds(),
		r.DialP50.Round(10*time.Microsecond), r.DialP99.Round(10*time.Microsecond), r.DialFailed)
	per := float64(r.RSSWith.RSS-r.RSSBefore.RSS) / float64(max(1, r.Connected))
	perAnon := float64(r.RSSWith.Anon-r.RSSBefore.Anon) / float64(max(1, r.Connected))
	fmt.Fprintf(w, "RSS: %.1f MB before, %.1f MB with %d connected (target ≤ 300 MB: %s), %.1f MB after closing them\n",
		float64(r.RSSBefore.RSS)/1e6, float64(r.RSSWith.RSS)/1e6, r.Connected, verdict(float64(r.RSSWith.RSS) <= targetStreamRSS),
		float64(r.RSSClosed.RSS)/1e6)
	fmt.Fprintf(w, "  still connected after the posts and the home timeline: %.1f MB (peak %.1f MB)   target ≤ 300 MB: %s\n",
		float64(r.RSSPosts.RSS)/1e6, float64(r.RSSPosts.Peak)/1e6, verdict(float64(r.RSSPosts.RSS) <= targetStreamRSS))
	fmt.Fprintf(w, "  per connection: %.1f KB (allocated memory: %.1f KB)   target ≤ 60 KB: %s\n",
		per/1e3, perAnon/1e3, verdict(per <= targetPerConn))
	if len(r.Posts) > 0 {
		fmt.Fprintf(w, "\n%-6s %-20s %9s %11s %9s %9s %9s %9s %9s %9s\n", "post", "id", "POST", "received", "first", "p50", "p90", "p99", "max", "≤ 1 s")
		var shares []float64
		var p99s []time.Duration
		for i, d := range r.Posts {
			fmt.Fprintf(w, "%-6d %-20s %9s %5d/%-5d %9s %9s %9s %9s %9s %8.1f%%\n", i+1, d.ID, d.PostTook.Round(100*time.Microsecond),
				d.Got, r.Connected, d.Min.Round(time.Millisecond), d.P50.Round(time.Millisecond), d.P90.Round(time.Millisecond), d.P99.Round(time.Millisecond),
				d.Max.Round(time.Millisecond), 100*d.share(r.Connected))
			shares = append(shares, d.share(r.Connected))
			p99s = append(p99s, d.P99)
		}
		slices.Sort(shares)
		share := shares[len(shares)/2]
		fmt.Fprintf(w, "median over %d posts: %.1f%% of the clients within 1 s, p99 %s   target ≥ 99%% within 1 s: %s\n",
			len(r.Posts), 100*share, median(p99s).Round(time.Millisecond), verdict(share >= targetDeliveryShare))
	}
	if r.HomeWithout.OK > 0 {
		ratio := r.HomeWith.RPS() / r.HomeWithout.RPS()
		fmt.Fprintf(w, "\nhome timeline: %.0f req/s without streams (p50 %s), %.0f req/s with %d open (p50 %s) = %.1f%%   target ≥ 90%%: %s\n",
			r.HomeWithout.RPS(), r.HomeWithout.P50.Round(10*time.Microsecond), r.HomeWith.RPS(), r.Connected,
			r.HomeWith.P50.Round(10*time.Microsecond), 100*ratio, verdict(ratio >= targetStreamHome))
		if r.HomeClosed.OK > 0 {
			fmt.Fprintf(w, "  and %.0f req/s again once they were closed (p50 %s): with / closed = %.1f%%\n",
				r.HomeClosed.RPS(), r.HomeClosed.P50.Round(10*time.Microsecond), 100*r.HomeWith.RPS()/r.HomeClosed.RPS())
		}
	}
}
