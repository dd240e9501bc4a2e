package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/media"
	"herd/internal/model"
)

// TestAppendStatusMatchesEncoding pins the fast renderer of pages to the
// entity structs: for every shape of status (plain, reply with mentions and
// tags, boost, edited, own and pinned, suspended author, media, HTML that
// encoding/json escapes) and both kinds of viewer, appendStatus must write
// exactly the bytes json.Marshal makes of statusEntity, with the cached
// prefixes empty and then warm.
func TestAppendStatusMatchesEncoding(t *testing.T) {
	a := &API{core: core.New(core.Deps{Config: core.Config{Domain: "herd.example", Protocol: "https"},
		Media: &media.Local{Dir: t.TempDir(), BaseURL: "https://herd.example/system"}})}
	day := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	edited := day.Add(time.Hour)
	suspendedAt := day
	alice := &model.Account{ID: 11, Username: "alice", DisplayName: `Alice <b>&</b> "co"`, Note: "<p>hi</p>",
		Fields: []model.Field{{Name: "site", Value: "https://alice.example"}}, FollowersCount: 3, FollowingCount: 4,
		StatusesCount: 5, LastStatusAt: &day, CreatedAt: day, Locked: true, Indexable: true}
	bob := &model.Account{ID: 12, Username: "bob", Domain: "remote.example", URL: "https://remote.example/@bob",
		URI: "https://remote.example/users/bob", CreatedAt: day}
	gone := &model.Account{ID: 13, Username: "gone", CreatedAt: day, SuspendedAt: &suspendedAt, StatusesCount: 9}
	plain := &model.StatusView{Status: &model.Status{ID: 101, AccountID: alice.ID, Visibility: model.Public,
		Content: "<p>hello &amp; <a href=\"x\">link</a></p>", CreatedAt: day, RepliesCount: 2, FavouritesCount: 7,
		Language: "en", URI: "https://herd.example/users/alice/statuses/101", URL: "https://herd.example/@alice/101"},
		Account: alice, App: &model.App{Name: "Tusky", Website: "https://tusky.app"}}
	reply := &model.StatusView{Status: &model.Status{ID: 102, AccountID: bob.ID, Visibility: model.Unlisted,
		InReplyToID: 101, InReplyToAccountID: alice.ID, SpoilerText: "cw <3", Sensitive: true, Content: "<p>@alice</p>",
		CreatedAt: day, EditedAt: &edited}, Account: bob, Mentions: []*model.Account{alice},
		Tags: []model.Tag{{Name: "Go"}}, Favourited: true, Bookmarked: true, Muted: true}
	boost := &model.StatusView{Status: &model.Status{ID: 103, AccountID: bob.ID, Visibility: model.Public,
		ReblogOfID: 102, CreatedAt: day}, Account: bob, Reblog: reply, Reblogged: true}
	pinned := &model.StatusView{Status: &model.Status{ID: 104, AccountID: alice.ID, Visibility: model.Private,
		CreatedAt: day, Content: "<p>mine</p>"}, Account: alice, Pinned: true}
	suspended := &model.StatusView{Status: &model.Status{ID: 105, AccountID: gone.ID, Visibility: model.Public,
		CreatedAt: day}, Account: gone}

	withMedia := &model.StatusView{Status: &model.Status{ID: 106, AccountID: alice.ID, Visibility: model.Public,
		CreatedAt: day, Sensitive: true, HasMedia: true}, Account: alice, Media: []*model.MediaAttachment{
		{ID: 201, AccountID: alice.ID, StatusID: 106, Type: "image", FileKey: "media_attachments/ab/cd/abcd/original.jpg",
			PreviewKey: "media_attachments/ab/cd/abcd/small.jpg", Description: `a "cat" <on> a mat & more`,
			Focus: "0.50,-0.25", Blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
			Meta: model.MediaMeta{Original: model.MediaSize{Width: 1200, Height: 800}, Small: model.MediaSize{Width: 480, Height: 320}}},
		{ID: 202, AccountID: alice.ID, StatusID: 106, Type: "image", FileKey: "media_attachments/ef/01/ef01/original.png",
			PreviewKey: "media_attachments/ef/01/ef01/small.png"},
	}}
	boostOfMedia := &model.StatusView{Status: &model.Status{ID: 107, AccountID: bob.ID, Visibility: model.Public,
		ReblogOfID: 106, CreatedAt: day}, Account: bob, Reblog: withMedia}

	for _, warm := range []bool{false, true} {
		for _, v := range []*model.StatusView{plain, reply, boost, pinned, suspended, withMedia, boostOfMedia} {
			for _, viewer := range []int64{0, alice.ID, bob.ID} {
				withFragments(v, warm)
				want, err := json.Marshal(a.statusEntity(v, viewer))
				if err != nil {
					t.Fatal(err)
				}
				got := a.appendStatus(nil, v, viewer)
				if warm { // second time from the warm fragments
					got = a.appendStatus(nil, v, viewer)
				}
				if v == withMedia && !strings.Contains(string(got), `"url":"https://herd.example/system/media_attachments/ab/cd/abcd/original.jpg"`) {
					t.Errorf("media missing: %s", got)
				}
				if string(got) != string(want) {
					t.Errorf("status %d, viewer %d, warm %v:\n got %s\nwant %s", v.Status.ID, viewer, warm, got, want)
				}
			}
		}
	}
}

// withFragments gives a view (and what it embeds) fragment slots, or none.
func withFragments(v *model.StatusView, on bool) {
	for ; v != nil; v = v.Reblog {
		v.JSON, v.Account.JSON = nil, nil
		if on {
			v.JSON, v.Account.JSON = new(model.Fragment), new(model.Fragment)
		}
	}
}

// TestAppendPrefixKeepsFragment checks the cache is used: a fragment that
// holds bytes is written as it is, without encoding the entity again.
func TestAppendPrefixKeepsFragment(t *testing.T) {
	f := new(model.Fragment)
	got := appendPrefix(nil, f, func() any { return map[string]int{"a": 1} })
	if string(got) != `{"a":1` || string(f.Get()) != `{"a":1` {
		t.Fatalf("first render %q, fragment %q", got, f.Get())
	}
	got = appendPrefix(nil, f, func() any { t.Fatal("encoded again despite a warm fragment"); return nil })
	if string(got) != `{"a":1` {
		t.Fatalf("warm render %q", got)
	}
}
