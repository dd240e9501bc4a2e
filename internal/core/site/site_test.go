package site

import "testing"

func TestAddresses(t *testing.T) {
	s := Site{Domain: "herd.example", Protocol: "https"}
	for got, want := range map[string]string{
		s.AccountURI("alice"):     "https://herd.example/users/alice",
		s.AccountURL("alice"):     "https://herd.example/@alice",
		s.StatusURI("alice", 123): "https://herd.example/users/alice/statuses/123",
		s.StatusURL("alice", 123): "https://herd.example/@alice/123",
		s.TagURL("GoLang"):        "https://herd.example/tags/golang",
	} {
		if got != want {
			t.Errorf("%s, want %s", got, want)
		}
	}
	for domain, local := range map[string]bool{"": true, "HERD.example": true, "other.example": false} {
		if s.IsLocalDomain(domain) != local {
			t.Errorf("IsLocalDomain(%q) = %v", domain, !local)
		}
	}
}
