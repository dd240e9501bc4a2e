package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/apischema"
	"herd/internal/config"
	"herd/internal/core/accounts"
	"herd/internal/core/domains"
	"herd/internal/model"
	"herd/internal/testrig"
)

// adminToken creates an admin and a token with the given scopes.
func adminToken(t *testing.T, inst *testrig.Instance, scopes ...string) string {
	t.Helper()
	a, _, err := inst.Core.Accounts.CreateAccount(context.Background(), accounts.NewAccount{Username: "boss", Email: "boss@example.com",
		Password: testrig.Password(), Approved: true, Role: model.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	return inst.Token(t, a.ID, scopes...)
}

type adminBlock struct {
	ID, Domain, Digest, Severity string
	CreatedAt                    string  `json:"created_at"`
	RejectMedia                  bool    `json:"reject_media"`
	RejectReports                bool    `json:"reject_reports"`
	PrivateComment               *string `json:"private_comment"`
	PublicComment                *string `json:"public_comment"`
	Obfuscate                    bool
}

func TestAdminDomainBlocks(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		admin := adminToken(t, inst, "admin:read", "admin:write")
		user := inst.NewUser(t, "alice")
		path := "/api/v1/admin/domain_blocks"

		// Only admins, and only with the admin scopes.
		inst.Expect(t, http.StatusForbidden, "GET", path, user.Token, nil)
		inst.Expect(t, http.StatusForbidden, "POST", path, user.Token, url.Values{"domain": {"evil.example"}})
		inst.Expect(t, http.StatusUnauthorized, "GET", path, "", nil)
		readOnly := inst.Token(t, mustAccountID(t, inst, "boss"), "admin:read:domain_blocks")
		inst.Expect(t, http.StatusOK, "GET", path, readOnly, nil)
		inst.Expect(t, http.StatusForbidden, "POST", path, readOnly, url.Values{"domain": {"evil.example"}})
		inst.Expect(t, http.StatusForbidden, "GET", path, inst.Token(t, mustAccountID(t, inst, "boss"), "read"), nil)

		r := inst.Expect(t, http.StatusOK, "POST", path, admin, url.Values{"domain": {" Evil.Example "},
			"severity": {"suspend"}, "reject_media": {"true"}, "public_comment": {"spam"}, "obfuscate": {"true"}})
		apischema.MustMatch(t, "AdminDomainBlock", r.Body)
		var b adminBlock
		r.JSON(t, &b)
		if b.Domain != "evil.example" || b.Severity != "suspend" || !b.RejectMedia || b.RejectReports || !b.Obfuscate ||
			b.PublicComment == nil || *b.PublicComment != "spam" || b.PrivateComment != nil || b.ID == "" ||
			b.Digest != domains.DomainDigest("evil.example") {
			t.Fatalf("created %+v", b)
		}
		// A block that exists, on the domain or through a parent at least
		// as strict: 422 naming the existing block.
		r = inst.Expect(t, http.StatusUnprocessableEntity, "POST", path, admin, url.Values{"domain": {"evil.example"}})
		var existing struct {
			Error    string
			Existing adminBlock `json:"existing_domain_block"`
		}
		r.JSON(t, &existing)
		if existing.Existing.ID != b.ID || !strings.Contains(existing.Error, "evil.example") {
			t.Errorf("422 body %s", r.Body)
		}
		inst.Expect(t, http.StatusUnprocessableEntity, "POST", path, admin, url.Values{"domain": {"sub.evil.example"}, "severity": {"silence"}})
		for _, bad := range []string{"", "not a domain", "evil..example", "-x.example", "x/y", "a@b.example"} {
			inst.Expect(t, http.StatusUnprocessableEntity, "POST", path, admin, url.Values{"domain": {bad}})
		}
		inst.Expect(t, http.StatusUnprocessableEntity, "POST", path, admin, url.Values{"domain": {"ok.example"}, "severity": {"nuke"}})
		// International names are stored in punycode.
		r = inst.Expect(t, http.StatusOK, "POST", path, admin, url.Values{"domain": {"bücher.example"}, "severity": {"noop"}, "reject_media": {"1"}})
		var idn adminBlock
		r.JSON(t, &idn)
		if idn.Domain != "xn--bcher-kva.example" || idn.Severity != "noop" {
			t.Errorf("IDN block %+v", idn)
		}
		// A subdomain of a silenced domain may be suspended (stricter).
		silenced := createBlock(t, inst, admin, url.Values{"domain": {"loud.example"}})
		if silenced.Severity != "silence" {
			t.Errorf("default severity %q, want silence", silenced.Severity)
		}
		createBlock(t, inst, admin, url.Values{"domain": {"worse.loud.example"}, "severity": {"suspend"}})

		r = inst.Expect(t, http.StatusOK, "GET", path, admin, nil)
		apischema.MustMatchArray(t, "AdminDomainBlock", r.Body)
		var list []adminBlock
		r.JSON(t, &list)
		if len(list) != 4 || list[0].Domain != "worse.loud.example" || list[3].ID != b.ID {
			t.Fatalf("list %+v", list)
		}
		r = inst.Expect(t, http.StatusOK, "GET", path+"?limit=2", admin, nil)
		r.JSON(t, &list)
		if len(list) != 2 || !strings.Contains(r.Header.Get("Link"), "max_id="+list[1].ID) {
			t.Errorf("limit=2: %d blocks, Link %q", len(list), r.Header.Get("Link"))
		}

		r = inst.Expect(t, http.StatusOK, "GET", path+"/"+b.ID, admin, nil)
		var got adminBlock
		r.JSON(t, &got)
		if got.Domain != "evil.example" {
			t.Errorf("show %+v", got)
		}
		r = inst.Expect(t, http.StatusOK, "PUT", path+"/"+b.ID, admin, url.Values{"severity": {"silence"},
			"private_comment": {"moderators only"}})
		r.JSON(t, &got)
		if got.Severity != "silence" || !got.RejectMedia || got.PrivateComment == nil || *got.PrivateComment != "moderators only" ||
			got.PublicComment == nil || *got.PublicComment != "spam" {
			t.Errorf("updated %+v (unsent fields must keep their values)", got)
		}
		inst.Expect(t, http.StatusOK, "DELETE", path+"/"+b.ID, admin, nil)
		inst.Expect(t, http.StatusNotFound, "GET", path+"/"+b.ID, admin, nil)
		inst.Expect(t, http.StatusNotFound, "DELETE", path+"/"+b.ID, admin, nil)
		inst.Expect(t, http.StatusNotFound, "PUT", path+"/123", admin, url.Values{"severity": {"noop"}})
		// Unblocked, it can be blocked again.
		createBlock(t, inst, admin, url.Values{"domain": {"evil.example"}})
	})
}

func createBlock(t *testing.T, inst *testrig.Instance, token string, form url.Values) adminBlock {
	t.Helper()
	var b adminBlock
	inst.Expect(t, http.StatusOK, "POST", "/api/v1/admin/domain_blocks", token, form).JSON(t, &b)
	return b
}

func mustAccountID(t *testing.T, inst *testrig.Instance, username string) int64 {
	t.Helper()
	a, err := inst.Store.AccountByUsername(context.Background(), username, "")
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func TestAdminDomainAllows(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		admin := adminToken(t, inst, "admin:read:domain_allows", "admin:write:domain_allows")
		user := inst.NewUser(t, "alice")
		path := "/api/v1/admin/domain_allows"
		inst.Expect(t, http.StatusForbidden, "POST", path, user.Token, url.Values{"domain": {"friend.example"}})

		type allow struct {
			ID, Domain string
			CreatedAt  string `json:"created_at"`
		}
		var a, again allow
		r := inst.Expect(t, http.StatusOK, "POST", path, admin, url.Values{"domain": {"Friend.Example"}})
		apischema.MustMatch(t, "AdminDomainAllow", r.Body)
		r.JSON(t, &a)
		if a.Domain != "friend.example" || a.ID == "" || a.CreatedAt == "" {
			t.Fatalf("created %+v", a)
		}
		// Allowing it again answers the existing entry, as Mastodon.
		inst.Expect(t, http.StatusOK, "POST", path, admin, url.Values{"domain": {"friend.example"}}).JSON(t, &again)
		if again.ID != a.ID {
			t.Errorf("second allow made a new entry %+v", again)
		}
		inst.Expect(t, http.StatusUnprocessableEntity, "POST", path, admin, url.Values{"domain": {"no such thing"}})
		var list []allow
		inst.Expect(t, http.StatusOK, "GET", path, admin, nil).JSON(t, &list)
		if len(list) != 1 || list[0].ID != a.ID {
			t.Fatalf("list %+v", list)
		}
		inst.Expect(t, http.StatusOK, "GET", path+"/"+a.ID, admin, nil)
		inst.Expect(t, http.StatusOK, "DELETE", path+"/"+a.ID, admin, nil)
		inst.Expect(t, http.StatusNotFound, "GET", path+"/"+a.ID, admin, nil)
	})
}

func TestInstanceDomainBlocks(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		sev := func(s string) *string { return &s }
		yes := true
		for _, p := range []domains.DomainBlockParams{
			{Domain: "zzz.example", Severity: sev("suspend")},
			{Domain: "aaa.example", Severity: sev("suspend"), PublicComment: sev("harassment")},
			{Domain: "quiet.example", Severity: sev("silence")},
			{Domain: "hidden-spam.example", Severity: sev("suspend"), Obfuscate: &yes},
			{Domain: "media.example", Severity: sev("noop"), RejectMedia: &yes}, // not user-facing: not listed
		} {
			if _, err := inst.Core.Domains.BlockDomain(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		r := inst.Expect(t, http.StatusOK, "GET", "/api/v1/instance/domain_blocks", "", nil)
		apischema.MustMatchArray(t, "DomainBlock", r.Body)
		var list []struct {
			Domain, Digest, Severity string
			Comment                  *string
		}
		r.JSON(t, &list)
		var shown []string
		for _, b := range list {
			shown = append(shown, b.Domain)
		}
		// Silences first, then suspensions, each by domain.
		want := []string{"quiet.example", "aaa.example", "hidde******.***mple", "zzz.example"}
		if strings.Join(shown, " ") != strings.Join(want, " ") {
			t.Fatalf("domains %v, want %v", shown, want)
		}
		if list[2].Digest != domains.DomainDigest("hidden-spam.example") || list[2].Severity != "suspend" {
			t.Errorf("obfuscated entry %+v", list[2])
		}
		if list[1].Comment == nil || *list[1].Comment != "harassment" || list[3].Comment != nil {
			t.Errorf("comments %v %v", list[1].Comment, list[3].Comment)
		}

		users := testrig.Start(t, db, func(c *config.Config) { c.ShowDomainBlocks = "users" })
		users.Expect(t, http.StatusNotFound, "GET", "/api/v1/instance/domain_blocks", "", nil)
		users.Expect(t, http.StatusOK, "GET", "/api/v1/instance/domain_blocks", users.NewUser(t, "alice").Token, nil)
		off := testrig.Start(t, db, func(c *config.Config) { c.ShowDomainBlocks = "disabled" })
		off.Expect(t, http.StatusNotFound, "GET", "/api/v1/instance/domain_blocks", off.NewUser(t, "alice").Token, nil)
	})
}
