package api_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"herd/internal/apischema"
	"herd/internal/config"
	"herd/internal/core/accounts"
	"herd/internal/core/domains"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
	"herd/internal/version"
)

func TestInstanceV2(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db, func(c *config.Config) { c.MaxStatusChars = 1234 })
		ctx := context.Background()
		admin, _, err := inst.Core.Accounts.CreateAccount(ctx, accounts.NewAccount{Username: "boss", Email: "boss@example.com",
			Password: testrig.Password(), Approved: true, Role: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		alice := inst.NewUser(t, "alice")
		if _, err := inst.Core.Instance.AddInstanceRule(ctx, "Be kind", "Really."); err != nil {
			t.Fatal(err)
		}
		// alice uses the API, which counts her as active this month.
		inst.Expect(t, 200, "GET", "/api/v1/preferences", alice.Token, nil)

		r := inst.Expect(t, 200, "GET", "/api/v2/instance", "", nil)
		apischema.MustMatch(t, "Instance", r.Body)
		var in struct {
			Domain, Title, Version string
			SourceURL              string `json:"source_url"`
			Usage                  struct {
				Users struct {
					ActiveMonth int `json:"active_month"`
				} `json:"users"`
			} `json:"usage"`
			Configuration struct {
				URLs     struct{ Streaming string } `json:"urls"`
				Statuses struct {
					MaxCharacters int `json:"max_characters"`
				} `json:"statuses"`
				Accounts struct {
					MaxPinned int `json:"max_pinned_statuses"`
				} `json:"accounts"`
				Media struct {
					Types []string `json:"supported_mime_types"`
				} `json:"media_attachments"`
			} `json:"configuration"`
			Registrations struct {
				Enabled          bool `json:"enabled"`
				ApprovalRequired bool `json:"approval_required"`
			} `json:"registrations"`
			APIVersions map[string]int `json:"api_versions"`
			Contact     struct {
				Email   string `json:"email"`
				Account *struct{ ID, Username string }
			} `json:"contact"`
			Rules []struct{ ID, Text, Hint string } `json:"rules"`
		}
		r.JSON(t, &in)
		if in.Domain != inst.Domain || in.Title != "Herd test" || in.Version != version.InstanceVersion ||
			in.SourceURL != version.SourceURL {
			t.Errorf("identity = %q %q %q %q", in.Domain, in.Title, in.Version, in.SourceURL)
		}
		if in.Configuration.Statuses.MaxCharacters != 1234 {
			t.Errorf("max_characters = %d, want the configured 1234", in.Configuration.Statuses.MaxCharacters)
		}
		// ffmpeg is installed where the tests run (.ci/run installs it),
		// so apps are told video and audio are welcome.
		for _, want := range []string{"image/jpeg", "image/avif", "video/mp4", "video/webm", "audio/mpeg"} {
			if !slices.Contains(in.Configuration.Media.Types, want) {
				t.Errorf("supported_mime_types = %v, want %s", in.Configuration.Media.Types, want)
			}
		}
		if in.Configuration.Accounts.MaxPinned != inst.Core.Config.MaxPinnedStatuses {
			t.Errorf("max_pinned_statuses = %d", in.Configuration.Accounts.MaxPinned)
		}
		if in.Configuration.URLs.Streaming != "ws://"+inst.Domain {
			t.Errorf("streaming = %q, want ws:// for an http instance", in.Configuration.URLs.Streaming)
		}
		if !in.Registrations.Enabled || in.Registrations.ApprovalRequired {
			t.Errorf("registrations = %+v for open mode", in.Registrations)
		}
		if in.APIVersions["mastodon"] != version.MastodonAPIVersion {
			t.Errorf("api_versions = %v", in.APIVersions)
		}
		if in.Contact.Email != "admin@example.com" || in.Contact.Account == nil ||
			in.Contact.Account.ID != itoa(admin.ID) {
			t.Errorf("contact = %+v, want the admin", in.Contact)
		}
		if len(in.Rules) != 1 || in.Rules[0].Text != "Be kind" || in.Rules[0].Hint != "Really." {
			t.Errorf("rules = %+v", in.Rules)
		}
		if in.Usage.Users.ActiveMonth != 1 {
			t.Errorf("active_month = %d, want 1 (alice)", in.Usage.Users.ActiveMonth)
		}
	})
}

func TestInstanceFollowsConfig(t *testing.T) {
	cases := []struct {
		mode              string
		enabled, approval bool
	}{
		{"open", true, false}, {"approval", true, true}, {"closed", false, false},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			inst := testrig.Start(t, testrig.SQLite, func(cfg *config.Config) {
				cfg.Registrations = c.mode
				cfg.Protocol = "https"
			})
			var v2 struct {
				Registrations struct {
					Enabled          bool `json:"enabled"`
					ApprovalRequired bool `json:"approval_required"`
				} `json:"registrations"`
				Configuration struct{ URLs struct{ Streaming string } } `json:"configuration"`
			}
			inst.Expect(t, 200, "GET", "/api/v2/instance", "", nil).JSON(t, &v2)
			if v2.Registrations.Enabled != c.enabled || v2.Registrations.ApprovalRequired != c.approval {
				t.Errorf("v2 registrations = %+v", v2.Registrations)
			}
			if v2.Configuration.URLs.Streaming != "wss://"+inst.Domain {
				t.Errorf("streaming = %q, want wss:// behind https", v2.Configuration.URLs.Streaming)
			}
			var v1 struct {
				Registrations    bool `json:"registrations"`
				ApprovalRequired bool `json:"approval_required"`
			}
			inst.Expect(t, 200, "GET", "/api/v1/instance", "", nil).JSON(t, &v1)
			if v1.Registrations != c.enabled || v1.ApprovalRequired != c.approval {
				t.Errorf("v1 registrations = %+v", v1)
			}
		})
	}
}

func TestInstanceV1(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		inst.NewUser(t, "alice")
		inst.NewUser(t, "bob")
		ctx := context.Background()
		// Two accounts from one remote server: one known domain, one peer.
		for _, name := range []string{"carol", "dave"} {
			remote := &model.Account{ID: ids.New(), Username: name, Domain: "remote.example",
				CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := inst.Store.InTx(ctx, func(tx *store.Store) error { return tx.InsertAccount(ctx, remote) }); err != nil {
				t.Fatal(err)
			}
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/instance", "", nil)
		apischema.MustMatch(t, "V1Instance", r.Body)
		var v1 struct {
			URI   string `json:"uri"`
			Stats struct {
				UserCount   int `json:"user_count"`
				StatusCount int `json:"status_count"`
				DomainCount int `json:"domain_count"`
			} `json:"stats"`
			URLs struct {
				StreamingAPI string `json:"streaming_api"`
			} `json:"urls"`
			ContactAccount *struct{} `json:"contact_account"`
		}
		r.JSON(t, &v1)
		if v1.URI != inst.Domain || v1.Stats.UserCount != 2 || v1.Stats.DomainCount != 1 {
			t.Errorf("v1 = %+v", v1)
		}
		if v1.URLs.StreamingAPI != "ws://"+inst.Domain || v1.ContactAccount != nil {
			t.Errorf("v1 urls/contact = %+v", v1)
		}

		// go-mastodon reads the same documents.
		c := inst.Client("")
		got, err := c.GetInstance(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got.URI != inst.Domain || got.Stats == nil || got.Stats.UserCount != 2 {
			t.Errorf("GetInstance = %+v", got)
		}
		peers, err := c.GetInstancePeers(context.Background())
		if err != nil || len(peers) != 1 || peers[0] != "remote.example" {
			t.Errorf("GetInstancePeers = %v, %v", peers, err)
		}
		// A suspended domain is no longer listed as a peer.
		suspend := model.SeveritySuspend
		if _, err := inst.Core.Domains.BlockDomain(context.Background(), domains.DomainBlockParams{Domain: "remote.example",
			Severity: &suspend}); err != nil {
			t.Fatal(err)
		}
		if peers, err := c.GetInstancePeers(context.Background()); err != nil || len(peers) != 0 {
			t.Errorf("GetInstancePeers after suspending remote.example = %v, %v", peers, err)
		}
	})
}

func TestInstanceActivity(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		inst.Expect(t, 200, "GET", "/api/v1/preferences", alice.Token, nil)

		acts, err := inst.Client("").GetInstanceActivity(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(acts) != 12 {
			t.Fatalf("%d weeks, want 12", len(acts))
		}
		if acts[0].Registrations != 1 || acts[0].Logins != 1 {
			t.Errorf("this week = %+v, want alice registered and active", acts[0])
		}
		now := time.Now().Unix()
		if start := time.Time(acts[0].Week).Unix(); start > now || now-start > 7*24*3600 {
			t.Errorf("first week starts %v, want this week", acts[0].Week)
		}
		if time.Time(acts[1].Week).Unix() != time.Time(acts[0].Week).Unix()-7*24*3600 {
			t.Errorf("weeks not consecutive, newest first: %v %v", acts[0].Week, acts[1].Week)
		}
		// Mastodon renders every value as a string.
		var raw []map[string]any
		inst.Expect(t, 200, "GET", "/api/v1/instance/activity", "", nil).JSON(t, &raw)
		for k, v := range raw[0] {
			if _, ok := v.(string); !ok {
				t.Errorf("%s = %v (%T), want a string", k, v, v)
			}
		}
	})
}

func TestInstanceRulesAndSmallDocuments(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		first, err := inst.Core.Instance.AddInstanceRule(ctx, "First", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Core.Instance.AddInstanceRule(ctx, "Second", "why"); err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Core.Instance.AddInstanceRule(ctx, "  ", ""); err == nil {
			t.Error("blank rule accepted")
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/instance/rules", "", nil)
		apischema.MustMatchArray(t, "Rule", r.Body)
		var rules []struct{ ID, Text string }
		r.JSON(t, &rules)
		if len(rules) != 2 || rules[0].Text != "First" || rules[1].Text != "Second" || rules[0].ID != itoa(first.ID) {
			t.Errorf("rules = %+v", rules)
		}
		if err := inst.Core.Instance.RemoveInstanceRule(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		inst.Expect(t, 200, "GET", "/api/v1/instance/rules", "", nil).JSON(t, &rules)
		if len(rules) != 1 {
			t.Errorf("after removal: %+v", rules)
		}

		r = inst.Expect(t, 200, "GET", "/api/v1/instance/extended_description", "", nil)
		apischema.MustMatch(t, "ExtendedDescription", r.Body)
		inst.Expect(t, 404, "GET", "/api/v1/instance/terms_of_service", "", nil)
		if r := inst.Expect(t, 200, "GET", "/api/v1/custom_emojis", "", nil); string(r.Body) != "[]\n" {
			t.Errorf("custom_emojis = %s", r.Body)
		}
	})
}

func TestPreferences(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		r := inst.Expect(t, 200, "GET", "/api/v1/preferences", alice.Token, nil)
		apischema.MustMatch(t, "Preferences", r.Body)
		var prefs map[string]any
		r.JSON(t, &prefs)
		want := map[string]any{"posting:default:visibility": "public", "posting:default:sensitive": false,
			"posting:default:language": nil, "reading:expand:media": "default", "reading:expand:spoilers": false}
		for k, v := range want {
			if prefs[k] != v {
				t.Errorf("%s = %v, want %v", k, prefs[k], v)
			}
		}
		// The posting defaults are the ones update_credentials sets.
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, url.Values{
			"source[privacy]": {"unlisted"}, "source[sensitive]": {"true"}, "source[language]": {"fr"}})
		inst.Expect(t, 200, "GET", "/api/v1/preferences", alice.Token, nil).JSON(t, &prefs)
		if prefs["posting:default:visibility"] != "unlisted" || prefs["posting:default:sensitive"] != true ||
			prefs["posting:default:language"] != "fr" {
			t.Errorf("after update_credentials: %v", prefs)
		}
		inst.Expect(t, 401, "GET", "/api/v1/preferences", "", nil)
		inst.Expect(t, 403, "GET", "/api/v1/preferences", inst.Token(t, alice.Account.ID, "write"), nil)
		inst.Expect(t, 200, "GET", "/api/v1/preferences", inst.Token(t, alice.Account.ID, "read:accounts"), nil)
	})
}
