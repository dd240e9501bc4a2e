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

// TestMediaStorageSettings: S3 comes from HERD_S3_* or flags and needs
// its endpoint, bucket and keys; a media host is a bare host and goes
// with local storage only.
func TestMediaStorageSettings(t *testing.T) {
	t.Setenv("HERD_DOMAIN", "example.com")
	c, err := Load(nil)
	if err != nil || c.UsesS3() || c.MediaHost != "" {
		t.Fatalf("defaults: S3 %v, media host %q, %v", c.UsesS3(), c.MediaHost, err)
	}
	t.Setenv("HERD_S3_ENDPOINT", "https://s3.example.net")
	t.Setenv("HERD_S3_BUCKET", "herd")
	t.Setenv("HERD_S3_ACCESS_KEY", "id")
	t.Setenv("HERD_S3_SECRET_KEY", "secret")
	t.Setenv("HERD_S3_PATH_STYLE", "true")
	c, err = Load([]string{"-s3-region", "eu-1", "-s3-public-url", "https://cdn.example.com/herd"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.UsesS3() || c.S3Endpoint != "https://s3.example.net" || c.S3Bucket != "herd" || c.S3AccessKey != "id" ||
		c.S3SecretKey != "secret" || !c.S3PathStyle || c.S3Region != "eu-1" || c.S3PublicURL != "https://cdn.example.com/herd" {
		t.Errorf("S3 settings: %+v", c)
	}
	if _, err := Load([]string{"-media-host", "media.example.com"}); err == nil {
		t.Error("a media host was accepted with S3 storage")
	}
	t.Setenv("HERD_S3_SECRET_KEY", "")
	if _, err := Load(nil); err == nil {
		t.Error("S3 without a secret key was accepted")
	}
	for _, k := range []string{"HERD_S3_ENDPOINT", "HERD_S3_BUCKET", "HERD_S3_ACCESS_KEY"} {
		t.Setenv(k, "")
	}
	if c, err := Load([]string{"-media-host", "Media.Example.com"}); err != nil || c.MediaHost != "media.example.com" {
		t.Errorf("media host: %q, %v", c.MediaHost, err)
	}
	for _, bad := range []string{"https://media.example.com", "media.example.com/system", "example.com"} {
		if _, err := Load([]string{"-media-host", bad}); err == nil {
			t.Errorf("media host %q accepted", bad)
		}
	}
}
