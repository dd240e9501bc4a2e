package activitypub_test

import (
	"encoding/json"
	"testing"

	"herd/internal/testrig"
)

// TestNetworkLookup: two real Herd instances on one test network find each
// other's accounts the way a user does, by handle: WebFinger, then the
// actor, fetched over HTTP and signed as the instance actor.
func TestNetworkLookup(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		b.NewUser(t, "bob")
		r := a.Expect(t, 200, "GET", "/api/v1/accounts/lookup?acct=bob@b.herd.test", alice.Token, nil)
		var acct struct {
			Acct, URL, Username string
		}
		if err := json.Unmarshal(r.Body, &acct); err != nil {
			t.Fatal(err)
		}
		if acct.Acct != "bob@b.herd.test" || acct.URL != "http://b.herd.test/@bob" {
			t.Fatalf("looked up %+v", acct)
		}
		// And the other way round, the handle in any case.
		b.Expect(t, 200, "GET", "/api/v1/accounts/lookup?acct=Alice@A.herd.test", b.NewUser(t, "carol").Token, nil)
	})
}
