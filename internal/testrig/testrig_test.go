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

// WaitJobs is a barrier for work handed between instances: once it
// returns, a follow sent from a to b has been accepted by b and the
// Accept taken in by a, without polling for either.
func TestWaitJobsAcrossANetwork(t *testing.T) {
	ForEachDB(t, func(t *testing.T, db DB) {
		insts := StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice, bob := a.NewUser(t, "alice"), b.NewUser(t, "bob")
		var found struct{ ID string }
		a.Expect(t, 200, "GET", "/api/v1/accounts/lookup?acct=bob@b.test", alice.Token, nil).JSON(t, &found)
		a.Expect(t, 200, "POST", "/api/v1/accounts/"+found.ID+"/follow", alice.Token, nil)
		WaitJobs(t, a, b)
		var rel []struct{ Following, Requested bool }
		a.Expect(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+found.ID, alice.Token, nil).JSON(t, &rel)
		if len(rel) != 1 || !rel[0].Following || rel[0].Requested {
			t.Fatalf("after WaitJobs alice's follow is %+v, want accepted", rel)
		}
		var me struct {
			FollowersCount int `json:"followers_count"`
		}
		b.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", bob.Token, nil).JSON(t, &me)
		if me.FollowersCount != 1 {
			t.Fatalf("after WaitJobs bob has %d followers, want 1", me.FollowersCount)
		}
	})
}
