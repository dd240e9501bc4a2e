package api_test

import (
	"context"
	"testing"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

func TestVerifyCredentials(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")

		acct, err := inst.Client(alice.Token).GetAccountCurrentUser(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if acct.Username != "alice" || acct.Acct != "alice" || string(acct.ID) != itoa(alice.Account.ID) {
			t.Errorf("verify_credentials = %+v", acct)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
		apischema.MustMatch(t, "CredentialAccount", r.Body)

		inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", "", nil)
		inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", "bogus", nil)
		appOnly := inst.Token(t, 0, "read")
		inst.Expect(t, 403, "GET", "/api/v1/accounts/verify_credentials", appOnly, nil)
		writeOnly := inst.Token(t, alice.Account.ID, "write")
		inst.Expect(t, 403, "GET", "/api/v1/accounts/verify_credentials", writeOnly, nil)
		profileOnly := inst.Token(t, alice.Account.ID, "profile")
		inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", profileOnly, nil)
	})
}
