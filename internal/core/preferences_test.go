package core_test

import (
	"context"
	"net/http"
	"testing"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestSetPostingDefaults: the defaults a user sets show at once in the
// API's preferences (cached token viewers dropped), invalid ones are
// refused with nothing changed.
func TestSetPostingDefaults(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		prefs := func() map[string]any {
			var p map[string]any
			inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/preferences", alice.Token, nil).JSON(t, &p)
			return p
		}
		prefs() // the token's viewer is now cached
		v := &model.Viewer{Account: alice.Account}
		fresh, err := inst.Core.SetPostingDefaults(ctx, v, core.PostingDefaults{Privacy: model.Private, Sensitive: true, Language: "DE"})
		if err != nil {
			t.Fatal(err)
		}
		if fresh.User.DefaultPrivacy != model.Private || !fresh.User.DefaultSensitive || fresh.User.DefaultLanguage != "de" {
			t.Errorf("answered %+v", fresh.User)
		}
		p := prefs()
		if p["posting:default:visibility"] != "private" || p["posting:default:sensitive"] != true || p["posting:default:language"] != "de" {
			t.Errorf("preferences after setting: %v", p)
		}
		for _, bad := range []core.PostingDefaults{{Privacy: model.Direct}, {Privacy: "everyone"}, {Privacy: model.Public, Language: "english"}} {
			_, err := inst.Core.SetPostingDefaults(ctx, v, bad)
			if e, ok := fault.As(err); !ok || e.Status != http.StatusUnprocessableEntity {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		if p := prefs(); p["posting:default:visibility"] != "private" || p["posting:default:language"] != "de" {
			t.Errorf("a refused change changed the preferences: %v", p)
		}
	})
}
