package push

import (
	"net/http"
	"strings"
	"testing"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// TestEndpointsAndPolicies: https endpoints only (http where allowed, for
// tests), known policies only, alerts kept in a fixed order.
func TestEndpointsAndPolicies(t *testing.T) {
	strict, loose := New(Deps{}), New(Deps{AllowHTTP: true})
	for _, c := range []struct {
		endpoint      string
		strict, loose bool
	}{
		{"https://push.example/abc", true, true},
		{"http://127.0.0.1:9/abc", false, true},
		{"https://user:pw@push.example/abc", false, false},
		{"ftp://push.example/abc", false, false},
		{"push.example/abc", false, false},
		{"https://push.example/" + strings.Repeat("a", maxEndpoint), false, false},
	} {
		if got := strict.checkEndpoint(c.endpoint) == nil; got != c.strict {
			t.Errorf("%.40s: accepted %v in production", c.endpoint, got)
		}
		if got := loose.checkEndpoint(c.endpoint) == nil; got != c.loose {
			t.Errorf("%.40s: accepted %v in tests", c.endpoint, got)
		}
	}
	if p, err := checkPolicy(""); p != "all" || err != nil {
		t.Errorf("no policy: %q %v", p, err)
	}
	if _, err := checkPolicy("friends"); err == nil {
		t.Error("unknown policy accepted")
	} else if f, _ := fault.As(err); f.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown policy: %v", err)
	}
	got := alertList(map[string]bool{"favourite": true, "mention": true, "follow": false, "bogus": true})
	if strings.Join(got, ",") != "mention,favourite" {
		t.Errorf("alerts = %v", got)
	}
	if !alertOn(&model.PushSubscription{Alerts: got}, "favourite") || alertOn(&model.PushSubscription{Alerts: got}, "follow") {
		t.Error("alertOn")
	}
}

// TestJobPayloadsAndBodies: job payloads parse or are refused; bodies are
// cut at 140 characters, counted in runes.
func TestJobPayloadsAndBodies(t *testing.T) {
	if n, s, ok := parseJob("12:34"); !ok || n != 12 || s != 34 {
		t.Errorf("12:34 = %d %d %v", n, s, ok)
	}
	for _, bad := range []string{"", "12", "a:1", "1:b"} {
		if _, _, ok := parseJob(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	long := strings.Repeat("é", 200)
	if got := truncate(long, bodyChars); len([]rune(got)) != bodyChars || !strings.HasSuffix(got, "…") {
		t.Errorf("truncated to %d runes", len([]rune(got)))
	}
	if got := truncate("short", bodyChars); got != "short" {
		t.Errorf("short = %q", got)
	}
}
