// Package clients runs the Mastodon client libraries that real apps are
// built on (masto.js for Elk, megalodon for Whalebird) against a Herd
// instance, to catch what the Go client library would not notice.
package clients

import (
	"os"
	"os/exec"
	"strconv"
	"testing"

	"herd/internal/testrig"
)

func TestJavaScriptClientLibraries(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat("node_modules/masto"); err != nil {
		t.Skip("client libraries not installed: run `npm ci` in test/clients (.ci/run does)")
	}
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		out, err := exec.Command("node", "smoke.mjs", inst.URL, alice.Token, bob.Token,
			strconv.FormatInt(alice.Account.ID, 10)).CombinedOutput()
		t.Logf("%s", out)
		if err != nil {
			t.Fatalf("client libraries failed: %v", err)
		}
	})
}
