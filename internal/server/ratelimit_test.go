package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/testrig"
)

// TestCredentialAttemptsThrottled: sign-in and sign-up attempts from one
// address stop at Mastodon's 25 per 5 minutes, each counted apart.
func TestCredentialAttemptsThrottled(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.RateLimitPerIP = 1000 })
	post := func(path, client string) int {
		form := url.Values{"username": {"nobody"}, "password": {"wrong password"}}
		req, err := http.NewRequest("POST", inst.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := inst.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 1; i <= 25; i++ {
		if code := post("/auth/sign_in", "198.51.100.9"); code == 429 {
			t.Fatalf("attempt %d throttled", i)
		}
	}
	if code := post("/auth/sign_in", "198.51.100.9"); code != 429 {
		t.Errorf("26th sign-in attempt = %d, want 429", code)
	}
	if code := post("/auth/sign_in", "198.51.100.10"); code == 429 {
		t.Error("another address throttled")
	}
	if code := post("/auth/sign_up", "198.51.100.9"); code == 429 {
		t.Error("sign-up shares the sign-in count")
	}
}

// signInDoor is a way to try a password: the sign-in form or the OAuth
// password grant.
type signInDoor string

const (
	webForm           signInDoor = "sign-in form"
	passwordGrant     signInDoor = "password grant"
	passwordGrantJSON signInDoor = "password grant in JSON" // Doorkeeper takes JSON bodies too
)

// signInClient tries passwords on an instance as clients behind its
// trusted proxy would (loopback is exempt from limits, so each attempt
// names its client in X-Forwarded-For).
type signInClient struct {
	t    *testing.T
	inst *testrig.Instance
	http *http.Client // one that shows redirects (a signed-in form's 303)
	// clientID and clientSecret are a registered app's: anyone can
	// register one.
	clientID, clientSecret string
	// csrfCookie and csrfToken make a posted form one that would really
	// sign in, were it not throttled.
	csrfCookie *http.Cookie
	csrfToken  string
}

func newSignInClient(t *testing.T, inst *testrig.Instance) *signInClient {
	t.Helper()
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	inst.Expect(t, 200, "POST", "/api/v1/apps", "", url.Values{"client_name": {"guesser"},
		"redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read"}}).JSON(t, &app)
	hc := *inst.HTTP.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &signInClient{t: t, inst: inst, http: &hc, clientID: app.ClientID, clientSecret: app.ClientSecret}

	resp, err := c.http.Get(inst.URL + "/auth/sign_in")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "herd_csrf" {
			c.csrfCookie = ck
		}
	}
	m := regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`).FindSubmatch(body)
	if c.csrfCookie == nil || m == nil {
		t.Fatalf("no CSRF token on the sign-in form: %s", body)
	}
	c.csrfToken = string(m[1])
	return c
}

// try posts one attempt through door from client and returns the answer's
// status and body.
func (c *signInClient) try(door signInDoor, client, email, password string) (int, string) {
	c.t.Helper()
	path, contentType := "/oauth/token", "application/x-www-form-urlencoded"
	form := url.Values{"grant_type": {"password"}, "client_id": {c.clientID}, "client_secret": {c.clientSecret},
		"username": {email}, "password": {password}}
	body := form.Encode()
	switch door {
	case webForm:
		path = "/auth/sign_in"
		body = url.Values{"email": {email}, "password": {password}, "authenticity_token": {c.csrfToken}}.Encode()
	case passwordGrantJSON:
		fields := map[string]string{}
		for k := range form {
			fields[k] = form.Get(k)
		}
		raw, _ := json.Marshal(fields)
		body, contentType = string(raw), "application/json"
	}
	req, err := http.NewRequest("POST", c.inst.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if client != "" {
		req.Header.Set("X-Forwarded-For", client)
	}
	req.AddCookie(c.csrfCookie)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// throttledAnswer is the body of a throttled request's 429, as
// rack-attack writes it for Mastodon.
const throttledAnswer = `{"error":"Too many requests"}`

// TestPasswordGrantSharesSignInThrottle: password grants count with
// sign-in form posts against one address's 25 attempts per 5 minutes, so
// the grant is no way round the form's throttle; other grants do not count.
func TestPasswordGrantSharesSignInThrottle(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.RateLimitPerIP, c.RateLimitPerAccount = 1000, 1000 })
	c := newSignInClient(t, inst)
	const guesser = "198.51.100.9"
	// What a wrong password answers through each door, not throttled: the
	// password was really checked, the body read once for both the
	// throttle and the grant.
	wrong := map[signInDoor]int{webForm: 401, passwordGrant: 400, passwordGrantJSON: 400}
	doors := []signInDoor{webForm, passwordGrant, passwordGrantJSON}
	for i := 1; i <= 25; i++ {
		// A new name each time: only the address's count can stop these.
		door, email := doors[i%3], fmt.Sprintf("nobody%d@example.com", i)
		if code, body := c.try(door, guesser, email, "wrong password"); code != wrong[door] {
			t.Fatalf("attempt %d (%s) = %d %s, want %d", i, door, code, body, wrong[door])
		}
	}
	for _, door := range doors {
		code, body := c.try(door, guesser, "nobody26@example.com", "wrong password")
		if code != 429 || strings.TrimSpace(body) != throttledAnswer {
			t.Errorf("26th attempt by %s = %d %s, want 429 %s", door, code, body, throttledAnswer)
		}
	}
	if code, body := c.try(passwordGrant, "198.51.100.10", "nobody@example.com", "wrong password"); code != 400 {
		t.Errorf("password grant from another address = %d %s, want 400", code, body)
	}
	r := inst.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {c.clientID}, "client_secret": {c.clientSecret}})
	if r.Status != 200 {
		t.Errorf("client_credentials grant = %d %s, want 200 (only password grants count)", r.Status, r.Body)
	}
}

// TestSignInThrottledPerAccount: 25 attempts per hour on one account,
// through either door and from any address, stop the next one, even with
// the right password, so rotating addresses does not help a guesser; other
// accounts and loopback are not held back.
func TestSignInThrottledPerAccount(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, func(c *config.Config) { c.RateLimitPerIP, c.RateLimitPerAccount = 1000, 1000 })
	c := newSignInClient(t, inst)
	cases := []struct {
		door    signInDoor
		target  string // the account guessed at
		success int    // what the right password answers when not throttled
	}{
		{webForm, "alice", http.StatusSeeOther},
		{passwordGrant, "bob", http.StatusOK},
	}
	for n, tc := range cases {
		t.Run(string(tc.door), func(t *testing.T) {
			target := inst.NewUser(t, tc.target)
			bystander := inst.NewUser(t, tc.target+"_bystander")
			doors := []signInDoor{webForm, passwordGrant}
			for i := 1; i <= 25; i++ {
				// A new address each time, through both doors; the name
				// as typed, in any case, is one account.
				email := target.Email
				if i%3 == 0 {
					email = " " + strings.ToUpper(email)
				}
				client := fmt.Sprintf("198.18.%d.%d", n, i)
				if code, body := c.try(doors[i%2], client, email, "wrong password"); code == 429 {
					t.Fatalf("attempt %d (%s) throttled: %s", i, doors[i%2], body)
				}
			}
			fresh := fmt.Sprintf("192.0.2.%d", n+1)
			code, body := c.try(tc.door, fresh, target.Email, testrig.Password())
			if code != 429 || strings.TrimSpace(body) != throttledAnswer {
				t.Errorf("26th attempt, right password, new address = %d %s, want 429 %s", code, body, throttledAnswer)
			}
			if code, body := c.try(tc.door, fresh, bystander.Email, testrig.Password()); code != tc.success {
				t.Errorf("another account from that address = %d %s, want %d", code, body, tc.success)
			}
			if code, body := c.try(tc.door, "", target.Email, testrig.Password()); code != tc.success {
				t.Errorf("from loopback = %d %s, want %d (loopback is never limited)", code, body, tc.success)
			}
		})
	}
}
