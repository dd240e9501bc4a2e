package web_test

import (
	"net/http"
	"regexp"
	"testing"

	"herd/internal/config"
	"herd/internal/testrig"
)

var hrefRE = regexp.MustCompile(`href="([^"]+)"`)

// TestProfileLinkVerification: a profile field naming a page that links
// back with rel="me" is marked verified, local accounts when saved and
// remote ones when their profile arrives; a page that does not link back
// leaves the field unverified. Here two people link their profiles on two
// servers to each other, each profile page giving the other's address as
// rel="me".
func TestProfileLinkVerification(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetworkWith(t, db, func(_ string, c *config.Config) { c.RemoteCardSpread = -1 }, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob := b.NewUser(t, "bob")
		setFields := func(inst *testrig.Instance, u *testrig.User, values ...string) {
			fields := map[string]any{}
			for i, v := range values {
				fields[string(rune('0'+i))] = map[string]string{"name": "Link", "value": v}
			}
			inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", u.Token,
				map[string]any{"fields_attributes": fields})
		}
		verified := func(inst *testrig.Instance, acct string) map[string]bool {
			var got struct {
				Fields []struct {
					Value      string
					VerifiedAt *string `json:"verified_at"`
				}
			}
			inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/lookup?acct="+acct, "", nil).JSON(t, &got)
			out := map[string]bool{} // by the address linked (values are HTML)
			for _, f := range got.Fields {
				if m := hrefRE.FindStringSubmatch(f.Value); m != nil {
					out[m[1]] = f.VerifiedAt != nil
				}
			}
			return out
		}

		// a's alice follows b's bob, so that bob's profile reaches a: once
		// b has accepted (bob's Update goes to the followers b knows of).
		var found struct{ Accounts []struct{ ID string } }
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v2/search?resolve=true&q=bob@b.test", alice.Token, nil).JSON(t, &found)
		if len(found.Accounts) != 1 {
			t.Fatalf("bob not found from a: %+v", found)
		}
		a.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+found.Accounts[0].ID+"/follow", alice.Token, nil)
		testrig.WaitJobs(t, a, b)

		// alice names bob's page, which does not link to her yet: once
		// a's links job has read it, the field is still unverified.
		setFields(a, alice, "http://b.test/@bob")
		a.WaitJobs(t)
		if verified(a, "alice")["http://b.test/@bob"] {
			t.Fatal("verified without a link back")
		}
		// bob names alice's page, which links to his with rel="me".
		setFields(b, bob, "http://a.test/@alice", "http://a.test/about")
		testrig.Eventually(t, "bob's link verified on b", func() bool { return verified(b, "bob")["http://a.test/@alice"] })
		if verified(b, "bob")["http://a.test/about"] {
			t.Error("a page without a link back verified")
		}
		// a sees bob's new profile and checks the link itself.
		testrig.Eventually(t, "bob's link verified on a", func() bool { return verified(a, "bob@b.test")["http://a.test/@alice"] })
		// Saved again, alice's link is now confirmed by bob's page.
		setFields(a, alice, "http://b.test/@bob")
		testrig.Eventually(t, "alice's link verified", func() bool { return verified(a, "alice")["http://b.test/@bob"] })

		p := newBrowser(t, a).do(http.MethodGet, "/@alice", nil)
		lacks(t, "verified profile", p.Body, `<div class="verified"><dt>Link</dt><dd><span title="Ownership of this link was checked" aria-label="Verified">✓</span>`)
		// Saving other fields keeps the verification of an unchanged one.
		setFields(a, alice, "http://b.test/@bob", "plain words")
		if !verified(a, "alice")["http://b.test/@bob"] {
			t.Error("an unchanged field lost its verification")
		}
	})
}
