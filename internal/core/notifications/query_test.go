package notifications

import (
	"slices"
	"testing"

	"herd/internal/model"
)

// The store's filter follows Mastodon's Notification.browserable: no type
// filter when none is asked for, otherwise the known types asked for minus
// the excluded ones (unknown types ignored).
func TestNotificationQueryFilter(t *testing.T) {
	cases := []struct {
		name            string
		types, excluded []string
		want            []string // nil: no type filter
	}{
		{"none asked", nil, nil, nil},
		{"only these", []string{model.NotifyMention, model.NotifyFollow}, nil,
			[]string{model.NotifyMention, model.NotifyFollow}},
		{"unknown type ignored", []string{"admin.sign_up", model.NotifyMention}, nil, []string{model.NotifyMention}},
		{"only unknown types", []string{"admin.sign_up"}, nil, []string{}},
		{"all but excluded", nil, []string{model.NotifyFavourite, model.NotifyReblog},
			[]string{model.NotifyMention, model.NotifyStatus, model.NotifyFollow, model.NotifyFollowRequest, model.NotifyUpdate}},
		{"asked and excluded", []string{model.NotifyMention, model.NotifyFollow}, []string{model.NotifyFollow},
			[]string{model.NotifyMention}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := NotificationQuery{Types: c.types, ExcludeTypes: c.excluded, FromAccountID: 7}.filter()
			if f.FromAccountID != 7 {
				t.Errorf("FromAccountID = %d, want 7", f.FromAccountID)
			}
			if (f.Types == nil) != (c.want == nil) || !slices.Equal(f.Types, c.want) {
				t.Errorf("Types = %#v, want %#v", f.Types, c.want)
			}
		})
	}
}

// grouped_types[] is limited to the types Mastodon 4.3 groups, all of them
// when none is asked for.
func TestGroupedTypes(t *testing.T) {
	cases := []struct {
		asked, want []string
	}{
		{nil, groupableTypes()},
		{[]string{model.NotifyFollow, model.NotifyMention}, []string{model.NotifyFollow}},
		{[]string{model.NotifyMention}, nil},
	}
	for _, c := range cases {
		if got := (GroupQuery{GroupedTypes: c.asked}).groupedTypes(); !slices.Equal(got, c.want) {
			t.Errorf("groupedTypes(%v) = %v, want %v", c.asked, got, c.want)
		}
	}
}
