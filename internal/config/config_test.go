package config

import "testing"

func TestDefaultsRunOnLocalhost(t *testing.T) {
	for _, k := range []string{"HERD_DOMAIN", "HERD_LISTEN", "HERD_DB", "HERD_PROTOCOL"} {
		t.Setenv(k, "")
	}
	t.Setenv("HERD_DOMAIN", "localhost:8080")
	c, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Protocol != "http" || c.Listen != "localhost:8080" {
		t.Errorf("protocol %q listen %q, want http on localhost:8080", c.Protocol, c.Listen)
	}
}

// TestListenDefaultsToTheDomainsPort: two instances on one machine
// (a.herd.test:8081 and b.herd.test:8082, say) need no HERD_LISTEN.
func TestListenDefaultsToTheDomainsPort(t *testing.T) {
	t.Setenv("HERD_LISTEN", "")
	for domain, want := range map[string]string{
		"a.herd.test:8081": ":8081",
		"localhost:3000":   "localhost:3000",
		"example.com":      ":8080",
	} {
		t.Setenv("HERD_DOMAIN", domain)
		c, err := Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Listen != want {
			t.Errorf("domain %s: listen %q, want %q", domain, c.Listen, want)
		}
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	t.Setenv("HERD_DOMAIN", "env.example")
	c, err := Load([]string{"-domain", "flag.example", "-max-status-chars", "1000"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Domain != "flag.example" || c.Protocol != "https" || c.MaxStatusChars != 1000 {
		t.Errorf("got domain %q protocol %q max %d", c.Domain, c.Protocol, c.MaxStatusChars)
	}
}

func TestInvalidSettingsAreRefused(t *testing.T) {
	t.Setenv("HERD_DOMAIN", "example.com")
	for _, args := range [][]string{
		{"-registrations", "sometimes"},
		{"-protocol", "gopher"},
		{"-domain", "https://example.com/"},
		{"-trusted-proxies", "not-a-cidr"},
	} {
		if _, err := Load(args); err == nil {
			t.Errorf("Load(%v) accepted an invalid setting", args)
		}
	}
	t.Setenv("HERD_MAX_STATUS_CHARS", "many")
	if _, err := Load(nil); err == nil {
		t.Error("a non-numeric HERD_MAX_STATUS_CHARS was accepted")
	}
}

// TestFederationModes: authorized fetch and limited federation come from
// the environment or flags; limited federation implies authorized fetch;
// domain blocks are shown to all unless set otherwise.
func TestFederationModes(t *testing.T) {
	t.Setenv("HERD_DOMAIN", "example.com")
	c, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthorizedFetch || c.LimitedFederation || c.ShowDomainBlocks != "all" {
		t.Errorf("defaults: authorized %v limited %v show %q", c.AuthorizedFetch, c.LimitedFederation, c.ShowDomainBlocks)
	}
	t.Setenv("HERD_AUTHORIZED_FETCH", "true")
	t.Setenv("HERD_SHOW_DOMAIN_BLOCKS", "users")
	if c, err = Load(nil); err != nil || !c.AuthorizedFetch || c.LimitedFederation || c.ShowDomainBlocks != "users" {
		t.Errorf("from env: %+v, %v", c, err)
	}
	t.Setenv("HERD_AUTHORIZED_FETCH", "false")
	if c, err = Load([]string{"-limited-federation"}); err != nil || !c.LimitedFederation || !c.AuthorizedFetch {
		t.Errorf("limited federation must imply authorized fetch: %+v, %v", c, err)
	}
	t.Setenv("HERD_SHOW_DOMAIN_BLOCKS", "everyone")
	if _, err := Load(nil); err == nil {
		t.Error("an unknown show-domain-blocks value was accepted")
	}
}
