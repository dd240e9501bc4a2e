package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// TestPagesStream: the timeline, hashtag and notification pages name
// their stream; a signed-in browser's /stream tells of a new post on the
// home stream and of a notification, by name and id, as server-sent
// events; a visitor is sent to sign in; an unknown stream is refused.
func TestPagesStream(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(bob.Account.ID)+"/follow", alice.Token, nil)
		br := newBrowser(t, inst)
		br.signIn(alice)
		for path, attr := range map[string]string{
			"/home":          `data-stream="stream=user"`,
			"/public/local":  `data-stream="stream=public:local"`,
			"/public":        `data-stream="stream=public"`,
			"/tags/cats":     `data-stream="stream=hashtag&amp;tag=cats" data-event="update"`,
			"/notifications": `data-stream="stream=user:notification" data-event="notification"`,
		} {
			if p := br.do(http.MethodGet, path, nil); !strings.Contains(p.Body, attr) {
				t.Errorf("%s lacks %s", path, attr)
			}
		}
		visitor := *inst.HTTP.Client()
		visitor.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		if resp, err := visitor.Get(inst.URL + "/stream?stream=user"); err != nil {
			t.Fatal(err)
		} else if resp.Body.Close(); resp.StatusCode/100 != 3 || !strings.Contains(resp.Header.Get("Location"), "/auth/sign_in") {
			t.Errorf("a visitor's stream: %d to %q, want sent to sign in", resp.StatusCode, resp.Header.Get("Location"))
		}
		if p := br.do(http.MethodGet, "/stream?stream=nope", nil); p.Status != http.StatusBadRequest {
			t.Errorf("unknown stream: %d", p.Status)
		}

		// The reads below end when the events come; cancelling after
		// testrig's wait is only the safety net of a hung stream.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		defer time.AfterFunc(testrig.WaitTimeout, cancel).Stop()
		open := func(query string) *bufio.Reader {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, inst.URL+"/stream?"+query, nil)
			resp, err := br.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { resp.Body.Close() })
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("/stream?%s: %d %s", query, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			return bufio.NewReader(resp.Body)
		}
		home, notes := open("stream=user"), open("stream=user:notification")
		testrig.Eventually(t, "streams open", func() bool { return inst.Core.Streams.Connections() == 2 })
		st := post(t, inst, bob, map[string]any{"status": "hello @alice"})
		await := func(r *bufio.Reader, what, want string) {
			t.Helper()
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if strings.HasPrefix(line, "event: ") && strings.TrimSpace(line) == "event: "+want {
					data, _ := r.ReadString('\n')
					if want == "update" && strings.TrimSpace(data) != "data: "+st.ID {
						t.Errorf("%s: %q", what, data)
					}
					return
				}
			}
		}
		await(home, "the post on the home stream", "update")
		await(notes, "the mention on the notifications stream", "notification")
	})
}
