package activitypub_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// apAccept is the Accept header Mastodon sends when it fetches a document.
const apAccept = "application/activity+json, application/ld+json"

// get fetches path with the given Accept header (none when empty),
// without following redirects.
func get(t *testing.T, inst *testrig.Instance, path, accept string) *testrig.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, inst.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	client := *inst.HTTP.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &testrig.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// doc is a decoded JSON document.
type doc map[string]any

func (d doc) str(key string) string {
	s, _ := d[key].(string)
	return s
}

func (d doc) obj(key string) doc {
	m, _ := d[key].(map[string]any)
	return m
}

func (d doc) list(key string) []any {
	l, _ := d[key].([]any)
	return l
}

func (d doc) strs(key string) []string {
	var out []string
	for _, v := range d.list(key) {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// fetchDoc GETs an ActivityPub document by its full URL or path and checks
// it comes as Mastodon serves documents.
func fetchDoc(t *testing.T, inst *testrig.Instance, urlOrPath string) doc {
	t.Helper()
	path := strings.TrimPrefix(urlOrPath, inst.URL)
	resp := get(t, inst, path, apAccept)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s = %d %s, want 200", path, resp.Status, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/activity+json; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if !strings.Contains(resp.Header.Get("Vary"), "Accept") {
		t.Fatalf("GET %s: Vary %q lacks Accept", path, resp.Header.Get("Vary"))
	}
	if strings.Contains(string(resp.Body), "PRIVATE KEY") {
		t.Fatalf("GET %s leaks a private key", path)
	}
	var d doc
	if err := json.Unmarshal(resp.Body, &d); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, resp.Body)
	}
	return d
}

// post publishes a status through the client API and returns its id.
func post(t *testing.T, inst *testrig.Instance, u *testrig.User, form url.Values) string {
	t.Helper()
	resp := inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", u.Token, form)
	var st struct{ ID string }
	resp.JSON(t, &st)
	return st.ID
}

// statusPath is a local status's ActivityPub path.
func statusPath(username, id string) string { return "/users/" + username + "/statuses/" + id }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
