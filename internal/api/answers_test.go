package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/db"
	"herd/internal/testrig"
)

// answer is what a client gets for a failed request: status, the headers
// that say how to read it, and the exact body.
type answer struct {
	status          int
	contentType     string
	wwwAuthenticate string
	body            string
}

// TestErrorAnswers pins the client API's answers to failures, whatever
// handler or rule fails: Mastodon's {"error": "…"} with the status core's
// error carries, 401s with Doorkeeper's challenge, and a bare 500 for what
// was not foreseen. One mapping answers every door; these are the API's.
func TestErrorAnswers(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.RateLimitPerIP = 1 })
	alice := inst.NewUser(t, "alice")
	appOnly := inst.Token(t, 0, "read", "write")
	readOnly := inst.Token(t, alice.Account.ID, "read")
	const jsonType = "application/json; charset=utf-8"
	invalidToken := `Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"`

	for _, tc := range []struct {
		name, method, path, token, body, from string
		want                                  answer
	}{
		{name: "no token", method: "GET", path: "/api/v1/accounts/verify_credentials",
			want: answer{401, jsonType, invalidToken, `{"error":"The access token is invalid"}`}},
		{name: "unknown token", method: "GET", path: "/api/v1/accounts/verify_credentials", token: "nope",
			want: answer{401, jsonType, invalidToken, `{"error":"The access token is invalid"}`}},
		{name: "app token where a user is needed", method: "GET", path: "/api/v1/timelines/home", token: appOnly,
			want: answer{403, jsonType, "", `{"error":"This method requires an authenticated user"}`}},
		{name: "scope not granted", method: "POST", path: "/api/v1/statuses", token: readOnly, body: `{"status":"hi"}`,
			want: answer{403, jsonType, "", `{"error":"This action is outside the authorized scopes"}`}},
		{name: "no such status", method: "GET", path: "/api/v1/statuses/1", token: alice.Token,
			want: answer{404, jsonType, "", `{"error":"Record not found"}`}},
		{name: "malformed id", method: "GET", path: "/api/v1/accounts/x", token: alice.Token,
			want: answer{404, jsonType, "", `{"error":"Record not found"}`}},
		{name: "invalid status", method: "POST", path: "/api/v1/statuses", token: alice.Token, body: `{"status":""}`,
			want: answer{422, jsonType, "", `{"error":"Validation failed: Text can't be blank"}`}},
		{name: "body too large", method: "POST", path: "/api/v1/statuses", token: alice.Token,
			body: `{"status":"` + strings.Repeat("x", 2<<20) + `"}`,
			want: answer{413, jsonType, "", `{"error":"Request body too large"}`}},
		{name: "not yet supported", method: "POST", path: "/api/v1/filters", token: alice.Token, body: `{"title":"x"}`,
			want: answer{422, jsonType, "", `{"error":"Filters are not supported yet"}`}},
		{name: "under the limit", method: "GET", path: "/api/v1/instance/rules", from: "198.51.100.7",
			want: answer{200, jsonType, "", `[]`}},
		{name: "over the limit", method: "GET", path: "/api/v1/instance/rules", from: "198.51.100.7",
			want: answer{429, jsonType, "", `{"error":"Too many requests"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, inst.URL+tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if tc.from != "" {
				req.Header.Set("X-Forwarded-For", tc.from)
			}
			checkAnswer(t, inst.Send(t, req), tc.want)
		})
	}

	t.Run("unforeseen failure", func(t *testing.T) {
		dropTable(t, inst, "markers")
		req, _ := http.NewRequest("GET", inst.URL+"/api/v1/markers?timeline[]=home", nil)
		req.Header.Set("Authorization", "Bearer "+alice.Token)
		checkAnswer(t, inst.Send(t, req), answer{500, jsonType, "", `{"error":"Internal server error"}`})
	})
}

func checkAnswer(t *testing.T, r *testrig.Response, want answer) {
	t.Helper()
	got := answer{r.Status, r.Header.Get("Content-Type"), r.Header.Get("WWW-Authenticate"), strings.TrimSuffix(string(r.Body), "\n")}
	if want.status == 200 { // only the status and body matter
		got.wwwAuthenticate = want.wwwAuthenticate
	}
	if got != want {
		t.Errorf("answer:\n got %d %q %q %s\nwant %d %q %q %s", got.status, got.contentType, got.wwwAuthenticate, got.body,
			want.status, want.contentType, want.wwwAuthenticate, want.body)
	}
}

// dropTable removes a table under the running instance, so that what
// reads it fails as a broken database would.
func dropTable(t *testing.T, inst *testrig.Instance, table string) {
	t.Helper()
	ctx := context.Background()
	if err := inst.Server.DB.InTx(ctx, func(q db.Querier) error {
		_, err := q.ExecContext(ctx, "DROP TABLE "+table)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
