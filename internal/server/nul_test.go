package server_test

import (
	"testing"

	"herd/internal/testrig"
)

// TestNULInURLs: a NUL (%00) or an invalid UTF-8 byte in a request's path
// or query never reaches a door; every door (API, web pages, OAuth,
// ActivityPub) answers as for the URL without it, on both databases.
// PostgreSQL refused such strings in a query (SQLSTATE 22021) and these
// requests answered 500 there, while SQLite took them.
func TestNULInURLs(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bearer := map[string]string{"Authorization": "Bearer " + alice.Token}
		activityJSON := map[string]string{"Accept": "application/activity+json"}
		rows := []struct {
			name    string
			path    string
			headers map[string]string
			want    int
		}{
			{"API search", "/api/v2/search?q=a%00b", bearer, 200},
			{"API account search", "/api/v1/accounts/search?q=a%00b", bearer, 200},
			{"API lookup finds the account named without the NUL", "/api/v1/accounts/lookup?acct=alice%00", nil, 200},
			{"API path", "/api/v2/notifications/a%00b", bearer, 404},
			{"profile page", "/@alice%00", nil, 200},
			{"actor", "/users/a%00b", activityJSON, 404},
			{"WebFinger", "/.well-known/webfinger?resource=acct:alice%00@" + inst.Domain, nil, 200},
			{"OAuth authorize of no app", "/oauth/authorize?response_type=code&client_id=a%00b&redirect_uri=urn:ietf:wg:oauth:2.0:oob", nil, 400},
			{"invalid UTF-8 in a path", "/@a%FFb", nil, 404},
			{"invalid UTF-8 in a query", "/api/v1/accounts/lookup?acct=a%FFb", nil, 404},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				if resp := request(t, inst, "GET", row.path, row.headers); resp.StatusCode != row.want {
					t.Fatalf("GET %s = %d, want %d", row.path, resp.StatusCode, row.want)
				}
			})
		}
	})
}
