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
