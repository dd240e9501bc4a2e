package version

import (
	"strings"
	"testing"
)

// Apps parse the leading x.y.z of the instance version (see the package
// comment), so it must start with the Mastodon release and name Herd.
func TestInstanceVersionLeadsWithMastodon(t *testing.T) {
	if !strings.HasPrefix(InstanceVersion, Mastodon+" ") || !strings.Contains(InstanceVersion, "Herd "+Herd) {
		t.Fatalf("InstanceVersion = %q", InstanceVersion)
	}
	if parts := strings.Split(Mastodon, "."); len(parts) != 3 {
		t.Fatalf("Mastodon = %q is not x.y.z", Mastodon)
	}
}
