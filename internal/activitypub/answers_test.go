package activitypub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/db"
	"herd/internal/testrig"
)

// TestErrorAnswers pins federation's answers to failed fetches and
// deliveries: {"error": "…"} with the status core's error carries, a bare
// 500 for what was not foreseen, the inbox's and authorized fetch's own
// words.
func TestErrorAnswers(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	inst.NewUser(t, "alice")
	secure := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.AuthorizedFetch = true })
	secure.NewUser(t, "alice")
	const jsonType = "application/json; charset=utf-8"

	for _, tc := range []struct {
		name, method, path, accept, contentType, body string
		inst                                          *testrig.Instance
		status                                        int
		answer                                        string
	}{
		{name: "no such actor", method: "GET", path: "/users/nobody", accept: "application/activity+json",
			status: 404, answer: `{"error":"Record not found"}`},
		{name: "no such status", method: "GET", path: "/users/alice/statuses/1", accept: "application/activity+json",
			status: 404, answer: `{"error":"Record not found"}`},
		{name: "no such profile path", method: "GET", path: "/@nobody", accept: "application/activity+json",
			status: 404, answer: `{"error":"Record not found"}`},
		{name: "no such emoji", method: "GET", path: "/emojis/x",
			status: 404, answer: `{"error":"Record not found"}`},
		{name: "bad WebFinger resource", method: "GET", path: "/.well-known/webfinger?resource=nope",
			status: 400, answer: `{"error":"Invalid resource"}`},
		{name: "unsigned fetch under authorized fetch", inst: secure, method: "GET", path: "/users/alice",
			accept: "application/activity+json", status: 401, answer: `{"error":"Request not signed or signature invalid"}`},
		{name: "inbox of nobody", method: "POST", path: "/users/nobody/inbox", contentType: "application/activity+json",
			body: `{}`, status: 404, answer: `{"error":"Record not found"}`},
		{name: "inbox, not JSON-LD", method: "POST", path: "/inbox", contentType: "text/plain", body: `{}`,
			status: 415, answer: `{"error":"Unsupported content type"}`},
		{name: "inbox, not an object", method: "POST", path: "/inbox", contentType: "application/activity+json", body: `[]`,
			status: 400, answer: `{"error":"Body is not a JSON object"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inst
			if tc.inst != nil {
				in = tc.inst
			}
			req, _ := http.NewRequest(tc.method, in.URL+tc.path, strings.NewReader(tc.body))
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			r := in.Send(t, req)
			if got := strings.TrimSpace(string(r.Body)); r.Status != tc.status || got != tc.answer ||
				r.Header.Get("Content-Type") != jsonType {
				t.Errorf("answer = %d %q %s, want %d %q %s", r.Status, r.Header.Get("Content-Type"), got,
					tc.status, jsonType, tc.answer)
			}
		})
	}

	t.Run("unforeseen failure", func(t *testing.T) {
		ctx := context.Background()
		if err := inst.Server.DB.InTx(ctx, func(q db.Querier) error {
			_, err := q.ExecContext(ctx, "DROP TABLE custom_emojis")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r := inst.Send(t, mustRequest(t, "GET", inst.URL+"/emojis/1"))
		if got := strings.TrimSpace(string(r.Body)); r.Status != 500 || got != `{"error":"Internal server error"}` ||
			r.Header.Get("Content-Type") != jsonType {
			t.Errorf("answer = %d %q %s", r.Status, r.Header.Get("Content-Type"), got)
		}
	})
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
