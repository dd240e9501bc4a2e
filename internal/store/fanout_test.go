package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"herd/internal/ids"
	"herd/internal/store"
	"herd/internal/testrig"
)

// fanoutWorld builds accounts, follows, mutes, blocks and statuses with
// plain SQL, so the fan-out rules can be checked on one batch.
type fanoutWorld struct {
	t   *testing.T
	s   *store.Store
	ids map[string]int64
	now time.Time
}

func (w *fanoutWorld) exec(q string, args ...any) {
	w.t.Helper()
	if _, err := w.s.DB.Write.ExecContext(context.Background(), q, args...); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

// user adds a local user last active at the given age.
func (w *fanoutWorld) user(name string, away time.Duration) {
	id := ids.New()
	w.ids[name] = id
	now := w.now.UnixMilli()
	w.exec("INSERT INTO accounts (id, username, username_lower, created_at, updated_at) VALUES ($1,$2,$2,$3,$3)", id, name, now)
	w.exec("INSERT INTO users (account_id, email, email_lower, password_hash, last_active_at, created_at) VALUES ($1,$2,$2,'x',$3,$4)",
		id, name+"@example.com", w.now.Add(-away).UnixMilli(), now)
}

func (w *fanoutWorld) follow(who, whom string, showReblogs bool) {
	w.exec("INSERT INTO follows (id, account_id, target_account_id, show_reblogs, created_at) VALUES ($1,$2,$3,$4,$5)",
		ids.New(), w.ids[who], w.ids[whom], showReblogs, w.now.UnixMilli())
}

// status adds a status; replyTo and reblogOf name other statuses ("" none).
func (w *fanoutWorld) status(name, author, visibility, replyTo, reblogOf string, mentions ...string) {
	id := ids.New()
	w.ids[name] = id
	var replyID, replyAccount, reblogID any
	if replyTo != "" {
		replyID = w.ids[replyTo]
		w.t.Helper()
		var acct int64
		if err := w.s.DB.Write.QueryRow("SELECT account_id FROM statuses WHERE id = $1", replyID).Scan(&acct); err != nil {
			w.t.Fatal(err)
		}
		replyAccount = acct
	}
	if reblogOf != "" {
		reblogID = w.ids[reblogOf]
	}
	w.exec(`INSERT INTO statuses (id, account_id, visibility, in_reply_to_id, in_reply_to_account_id, reblog_of_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, id, w.ids[author], visibility, replyID, replyAccount, reblogID, w.now.UnixMilli())
	for _, m := range mentions {
		w.exec("INSERT INTO mentions (status_id, account_id) VALUES ($1,$2)", id, w.ids[m])
	}
}

// feeds lists every home-feed row as "account:status" by name.
func (w *fanoutWorld) feeds() []string {
	w.t.Helper()
	names := map[int64]string{}
	for n, id := range w.ids {
		names[id] = n
	}
	rows, err := w.s.DB.Read.Query("SELECT account_id, status_id FROM home_feed")
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, s int64
		if err := rows.Scan(&a, &s); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, names[a]+":"+names[s])
	}
	sort.Strings(out)
	return out
}

func newFanoutWorld(t *testing.T, d testrig.DB) *fanoutWorld {
	w := &fanoutWorld{t: t, s: openStore(t, d), ids: map[string]int64{}, now: time.Now()}
	for _, name := range []string{"author", "booster", "booster2", "replyee", "fan", "muter", "blocker", "expired",
		"both", "boostfan", "noboosts", "twoboosts", "mentioned"} {
		w.user(name, time.Hour)
	}
	w.user("away", 30*24*time.Hour)
	for _, f := range []string{"fan", "away", "muter", "blocker", "expired", "both", "replyee"} {
		w.follow(f, "author", true)
	}
	w.follow("both", "replyee", true)
	w.follow("fan", "booster", true)
	w.follow("boostfan", "booster", true)
	w.follow("noboosts", "booster", false)
	w.follow("twoboosts", "booster", true)
	w.follow("twoboosts", "booster2", true)
	w.follow("author", "booster", true) // the boosted post's own author
	w.exec("INSERT INTO mutes (id, account_id, target_account_id, created_at) VALUES ($1,$2,$3,$4)",
		ids.New(), w.ids["muter"], w.ids["author"], w.now.UnixMilli())
	w.exec("INSERT INTO mutes (id, account_id, target_account_id, expires_at, created_at) VALUES ($1,$2,$3,$4,$5)",
		ids.New(), w.ids["expired"], w.ids["author"], w.now.Add(-time.Minute).UnixMilli(), w.now.UnixMilli())
	w.exec("INSERT INTO blocks (id, account_id, target_account_id, created_at) VALUES ($1,$2,$3,$4)",
		ids.New(), w.ids["blocker"], w.ids["author"], w.now.UnixMilli())
	w.status("root", "replyee", "public", "", "")
	w.status("post", "author", "public", "", "")
	w.status("reply", "author", "public", "root", "")
	w.status("selfreply", "author", "public", "post", "")
	w.status("direct", "author", "direct", "", "", "mentioned")
	w.status("private", "author", "private", "", "", "mentioned")
	w.status("boost", "booster", "public", "", "post")
	w.status("boost2", "booster2", "public", "", "post")
	return w
}

// TestFanoutStatusesRules: one batch holding every kind of status reaches
// exactly the recipients Mastodon's home feed would show it to.
func TestFanoutStatusesRules(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, d testrig.DB) {
		w := newFanoutWorld(t, d)
		ctx := context.Background()
		batch := []int64{w.ids["post"], w.ids["reply"], w.ids["selfreply"], w.ids["direct"], w.ids["private"],
			w.ids["boost"], w.ids["boost2"], ids.New() /* deleted meanwhile */}
		spec := store.FanoutSpec{ActiveSince: w.now.Add(-14 * 24 * time.Hour), Now: w.now}
		var want []string
		for _, f := range []string{"fan", "expired", "both", "replyee"} { // not away, muter, blocker
			want = append(want, f+":post", f+":selfreply", f+":private")
		}
		want = append(want,
			"both:reply", "replyee:reply", // a reply to replyee: only who follows replyee too, and replyee
			"mentioned:direct", "mentioned:private",
			"boostfan:boost", "twoboosts:boost", // fan has the post already, noboosts hides boosts, author wrote it
		) // twoboosts gets the post once: boost2 finds boost in its feed
		sort.Strings(want)
		for round := 0; round < 2; round++ { // a retried batch changes nothing
			err := w.s.InTx(ctx, func(tx *store.Store) error {
				_, err := tx.FanoutStatuses(ctx, batch, nil, spec)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := w.feeds(); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d feeds:\n got %v\nwant %v", round, got, want)
			}
		}
	})
}

// TestFanoutStatusesTrimRecipients: the recipients returned for trimming
// are those of the trimmed statuses (not of the others in the batch), and
// TrimFeeds caps their feeds.
func TestFanoutStatusesTrimRecipients(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, d testrig.DB) {
		w := newFanoutWorld(t, d)
		ctx := context.Background()
		for i := 0; i < 30; i++ {
			w.status(fmt.Sprint("old", i), "author", "public", "", "")
			w.exec("INSERT INTO home_feed (account_id, status_id, author_id) VALUES ($1,$2,$3)",
				w.ids["fan"], w.ids[fmt.Sprint("old", i)], w.ids["author"])
		}
		spec := store.FanoutSpec{ActiveSince: w.now.Add(-14 * 24 * time.Hour), Now: w.now}
		var recipients []int64
		err := w.s.InTx(ctx, func(tx *store.Store) error {
			var err error
			recipients, err = tx.FanoutStatuses(ctx, []int64{w.ids["post"], w.ids["boost"]}, []int64{w.ids["boost"]}, spec)
			if err != nil {
				return err
			}
			return tx.TrimFeeds(ctx, append(recipients, w.ids["fan"]), 10)
		})
		if err != nil {
			t.Fatal(err)
		}
		// Read before the batch's rows exist, a boost's recipients include
		// fan, whose feed gets the boosted post itself in the same batch:
		// one more feed capped, never one missed.
		want := []int64{w.ids["fan"], w.ids["boostfan"], w.ids["twoboosts"]}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		if !reflect.DeepEqual(recipients, want) {
			t.Fatalf("recipients = %v, want fan, boostfan and twoboosts %v", recipients, want)
		}
		var n int
		if err := w.s.DB.Read.QueryRow("SELECT COUNT(*) FROM home_feed WHERE account_id = $1", w.ids["fan"]).Scan(&n); err != nil || n != 10 {
			t.Fatalf("fan's feed after trim: %d rows, %v; want 10", n, err)
		}
	})
}
