package activitypub_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"herd/internal/testrig"
)

// Fetches as a remote server makes them, over real HTTP on SQLite: the
// cost of one actor, one Note and one outbox page.
func BenchmarkDocumentFetch(b *testing.B) {
	inst := testrig.Start(b, testrig.SQLite)
	alice := inst.NewUser(b, "alice")
	inst.NewUser(b, "bob")
	var id string
	for i := 0; i < 25; i++ {
		resp := inst.Expect(b, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			url.Values{"status": {"hello @bob #bench"}})
		var st struct{ ID string }
		resp.JSON(b, &st)
		id = st.ID
	}
	client := inst.HTTP.Client()
	for _, bc := range []struct{ name, path string }{
		{"actor", "/users/alice"},
		{"note", statusPath("alice", id)},
		{"outbox_page", "/users/alice/outbox?page=true"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, inst.URL+bc.path, nil)
				req.Header.Set("Accept", apAccept)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s = %d", bc.path, resp.StatusCode)
				}
			}
		})
	}
}
