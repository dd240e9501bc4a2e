package streams

import (
	"strconv"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/scope"
)

// Stream is one stream a connection may subscribe to, named as Mastodon
// names them: user, user:notification, public, public:media, public:local,
// public:local:media, public:remote, public:remote:media, hashtag,
// hashtag:local, list and direct.
type Stream struct {
	Name string
	Tag  string // hashtag streams: the tag as the client gave it
	List string // list streams: the list's id
}

// Names is the stream as events name it (the "stream" array of a
// WebSocket message): the name, then the tag or list for those streams.
func (s Stream) Names() []string {
	switch {
	case s.List != "":
		return []string{s.Name, s.List}
	case s.Tag != "":
		return []string{s.Name, s.Tag}
	}
	return []string{s.Name}
}

// key tells subscriptions apart: hashtags compare case-insensitively.
func (s Stream) key() string {
	return s.Name + "\x00" + strings.ToLower(s.Tag) + "\x00" + s.List
}

// The public streams: any user token may open them, whatever its scopes.
var publicStreams = map[string]bool{
	"public": true, "public:media": true, "public:local": true, "public:local:media": true,
	"public:remote": true, "public:remote:media": true, "hashtag": true, "hashtag:local": true,
}

// ParseStream checks a stream's name and parameters, with Mastodon's
// errors: 400 "Unknown stream type", 400 when a hashtag stream has no tag
// or a list stream no list.
func ParseStream(name, tag, list string) (Stream, error) {
	switch {
	case name == "user", name == "user:notification", name == "direct", publicStreams[name] && !strings.HasPrefix(name, "hashtag"):
		return Stream{Name: name}, nil
	case name == "hashtag" || name == "hashtag:local":
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "#")
		if tag == "" {
			return Stream{}, fault.BadRequest("Missing tag name parameter")
		}
		return Stream{Name: name, Tag: tag}, nil
	case name == "list":
		if list == "" {
			return Stream{}, fault.BadRequest("Missing list name parameter")
		}
		return Stream{Name: name, List: list}, nil
	}
	return Stream{}, fault.BadRequest("Unknown stream type")
}

// allowed checks a token's scopes for a stream as Mastodon does: public
// streams need none; user:notification needs read:notifications; the
// others read:statuses (read covers both).
func allowed(granted []string, s Stream) error {
	need := "read:statuses"
	switch {
	case publicStreams[s.Name]:
		return nil
	case s.Name == "user:notification":
		need = "read:notifications"
	}
	if !scope.Covers(granted, need) {
		return fault.Unauthorized("Access token does not have the required scopes")
	}
	return nil
}

// listID reads a list stream's id; a malformed one is refused as Mastodon
// refuses another user's list.
func listID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.Unauthorized("Not authorized to stream this list")
	}
	return id, nil
}
