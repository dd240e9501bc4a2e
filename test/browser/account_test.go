package browser

import (
	"net/http"
	"testing"

	"herd/internal/testrig"
)

// TestAccountSettings: in /settings/account a person signs out another
// browser, revokes an app's access, and changes their password, after
// which only the new one signs in. Without JavaScript (the settings are
// plain forms either way).
func TestAccountSettings(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		dana := inst.NewUser(t, "dana") // its token is an app's (testrig)
		other := signedInTab(t, inst, dana, false)
		b := signedInTab(t, inst, dana, false)

		b.Visit("/settings/account")
		b.WantText("main", dana.Email, "This browser", "testrig")
		if n := b.Count(`form[action="/settings/account/sessions/revoke"]`); n != 1 {
			t.Fatalf("%d other browsers listed, want 1", n)
		}
		b.Submit(`form[action="/settings/account/sessions/revoke"] button`)
		other.wantSignedOut()
		b.Visit("/home") // this browser stays signed in
		b.WantPath("/home")

		b.Visit("/settings/account")
		b.Submit(`form[action^="/settings/account/apps/"] button`)
		inst.Expect(t, http.StatusUnauthorized, http.MethodGet, "/api/v1/accounts/verify_credentials", dana.Token, nil)
		if b.Count(`form[action^="/settings/account/apps/"]`) != 0 {
			t.Fatalf("the revoked app is still listed")
		}

		b.Type(`form[action="/settings/account/password"] input[name=current_password]`, testrig.Password())
		b.Type(`form[action="/settings/account/password"] input[name=password]`, "a brand new passphrase")
		b.Type(`form[action="/settings/account/password"] input[name=password_confirmation]`, "a brand new passphrase")
		b.Submit(`form[action="/settings/account/password"] button`)
		b.WantText(`[role=status]`, "Your password was changed")

		b.Visit("/home")
		b.Click(signOutButton)
		b.wantSignedOut()
		if st := b.trySignIn(dana.Email, testrig.Password()); st != http.StatusUnauthorized {
			t.Fatalf("the old password answered %d, want 401", st)
		}
		b.signIn(dana.Email, "a brand new passphrase")
		b.wantSignedInAs("dana")
	})
}
