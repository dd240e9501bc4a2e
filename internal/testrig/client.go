package testrig

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"
)

// Client returns a go-mastodon client (a real Mastodon client library)
// talking to the instance with token.
func (i *Instance) Client(token string) *mastodon.Client {
	c := mastodon.NewClient(&mastodon.Config{Server: i.URL, AccessToken: token})
	c.Client = *i.HTTP.Client()
	return c
}

// Response is a raw HTTP answer, for checks the client library hides
// (status codes, headers, exact JSON).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on malformed JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request with an optional bearer token. body may be nil,
// url.Values (sent as a form), or anything else (sent as JSON).
func (i *Instance) Do(t testing.TB, method, path, token string, body any) *Response {
	t.Helper()
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, contentType = strings.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, i.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := i.HTTP.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// Expect sends a request and fails the test unless it answers want.
func (i *Instance) Expect(t testing.TB, want int, method, path, token string, body any) *Response {
	t.Helper()
	r := i.Do(t, method, path, token, body)
	if r.Status != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// Send sends req as it is, following no redirect, and returns the answer
// as the client got it: the tests that pin a door's answers (status,
// headers, body) see redirects and error pages themselves.
func (i *Instance) Send(t testing.TB, req *http.Request) *Response {
	t.Helper()
	c := *i.HTTP.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}
