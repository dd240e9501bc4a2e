package activitypub

import (
	"reflect"
	"testing"

	"herd/internal/model"
)

// The addressing table for all four visibilities, Mastodon's
// ActivityPub::TagManager#to and #cc, including the two never served to
// unsigned fetches (they will go out in deliveries).
func TestAddressingTable(t *testing.T) {
	author := &model.Account{URI: "https://a.example/users/alice"}
	bob := &model.Account{URI: "https://b.example/users/bob"}
	carol := &model.Account{URI: "https://a.example/users/carol"}
	followers := author.URI + "/followers"
	for _, tc := range []struct {
		vis    model.Visibility
		to, cc []string
	}{
		{model.Public, []string{Public}, []string{followers, bob.URI, carol.URI}},
		{model.Unlisted, []string{followers}, []string{Public, bob.URI, carol.URI}},
		{model.Private, []string{followers}, []string{bob.URI, carol.URI}},
		{model.Direct, []string{bob.URI, carol.URI}, []string{}},
	} {
		to, cc := addressing(&model.Status{Visibility: tc.vis}, author, []*model.Account{bob, carol}, nil)
		if !reflect.DeepEqual(to, tc.to) || !reflect.DeepEqual(cc, tc.cc) {
			t.Errorf("%s: to %v cc %v, want to %v cc %v", tc.vis, to, cc, tc.to, tc.cc)
		}
	}
	// A boost cc's the boosted author first.
	to, cc := addressing(&model.Status{Visibility: model.Unlisted}, author, nil, bob)
	if !reflect.DeepEqual(to, []string{followers}) || !reflect.DeepEqual(cc, []string{bob.URI, Public}) {
		t.Errorf("unlisted boost: to %v cc %v", to, cc)
	}
}
