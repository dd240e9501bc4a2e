package testrig

import "testing"

// The rig itself: an instance starts, answers, and its users' tokens work.
func TestStartAndNewUser(t *testing.T) {
	ForEachDB(t, func(t *testing.T, db DB) {
		inst := Start(t, db)
		alice := inst.NewUser(t, "alice")
		var acct struct{ Username string }
		inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).JSON(t, &acct)
		if acct.Username != "alice" {
			t.Fatalf("verify_credentials names %q", acct.Username)
		}
		inst.Expect(t, 401, "GET", "/api/v1/accounts/verify_credentials", "not-a-token", nil)
	})
}
