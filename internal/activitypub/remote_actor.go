package activitypub

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"herd/internal/core/federation"
	"herd/internal/core/site"
	"herd/internal/httpsig"
	"herd/internal/model"
	"herd/internal/text"
)

// Length caps on remote actors, as Mastodon applies them
// (Account::*_HARD_LIMIT, Account::Field, ProcessAccountService): longer
// text is cut, extra fields are dropped.
const (
	maxRemoteUsername    = 2048      // Account::USERNAME_LENGTH_HARD_LIMIT
	maxRemoteDisplayName = 2048      // Account::DISPLAY_NAME_LENGTH_HARD_LIMIT
	maxRemoteNote        = 20 * 1024 // Account::NOTE_LENGTH_HARD_LIMIT (20.kilobytes)
	maxRemoteFields      = 50        // PropertyValue attachments kept
	maxRemoteFieldChars  = 2047      // Account::Field's limit on remote names and values
	maxRemoteURL         = 2048      // longest avatar, header or profile URL kept
)

// actorTypes are the actor types Herd accepts as accounts; automated ones
// make the account a bot (Mastodon's AUTOMATED_ACTOR_TYPES).
var actorTypes = map[string]bool{
	"Person": true, "Service": true, "Application": true, "Group": true, "Organization": true,
}

// remoteActorJSON is the part of an actor document Herd reads. Fields that
// AS2 allows in several shapes (a link or an object, one or a list) stay
// raw and are read by the helpers below.
type remoteActorJSON struct {
	ID                string          `json:"id"`
	Type              json.RawMessage `json:"type"`
	PreferredUsername string          `json:"preferredUsername"`
	Name              lenientString   `json:"name"`
	Summary           lenientString   `json:"summary"`
	URL               json.RawMessage `json:"url"`
	Inbox             string          `json:"inbox"`
	Outbox            json.RawMessage `json:"outbox"`
	Followers         json.RawMessage `json:"followers"`
	Following         json.RawMessage `json:"following"`
	Endpoints         *struct {
		SharedInbox string `json:"sharedInbox"`
	} `json:"endpoints"`
	PublicKey                 json.RawMessage `json:"publicKey"`
	Icon                      json.RawMessage `json:"icon"`
	Image                     json.RawMessage `json:"image"`
	Attachment                json.RawMessage `json:"attachment"`
	Tag                       json.RawMessage `json:"tag"`
	ManuallyApprovesFollowers lenientBool     `json:"manuallyApprovesFollowers"`
	Discoverable              lenientBool     `json:"discoverable"`
	Indexable                 lenientBool     `json:"indexable"`
}

// lenientBool is true only for JSON true; any other value (null, a
// string, an object) is false rather than a reason to refuse the actor.
type lenientBool bool

func (b *lenientBool) UnmarshalJSON(data []byte) error {
	*b = string(data) == "true"
	return nil
}

// lenientString keeps a JSON string and ignores any other value.
type lenientString string

func (s *lenientString) UnmarshalJSON(data []byte) error {
	var v string
	if json.Unmarshal(data, &v) == nil {
		*s = lenientString(v)
	}
	return nil
}

type remoteKeyJSON struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPEM string `json:"publicKeyPem"`
}

// parseActor validates an actor document fetched from its origin (doc.ID
// is the URL it came from) and turns it into what core stores: the type is
// an actor type, the username is usable in an address, the key belongs to
// the actor and is on its host, the inbox is a URL Herd may post to. Text
// is capped and HTML sanitized.
func (f *Fetcher) parseActor(doc *Document) (federation.RemoteActor, error) {
	var j remoteActorJSON
	if err := json.Unmarshal(doc.Body, &j); err != nil {
		return federation.RemoteActor{}, fmt.Errorf("%w: %s: %v", ErrInvalidActor, doc.ID, err)
	}
	bad := func(format string, args ...any) (federation.RemoteActor, error) {
		return federation.RemoteActor{}, fmt.Errorf("%w: %s: %s", ErrInvalidActor, doc.ID, fmt.Sprintf(format, args...))
	}
	if j.ID != doc.ID {
		return bad("id %q is not the fetched document's", j.ID)
	}
	idURL, err := f.CheckURI(j.ID)
	if err != nil {
		return federation.RemoteActor{}, err
	}
	kind := ""
	for _, t := range stringsOf(j.Type) {
		if actorTypes[t] {
			kind = t
			break
		}
	}
	if kind == "" {
		return bad("type %s is not an actor type", j.Type)
	}
	if !validRemoteUsername(j.PreferredUsername) {
		return bad("preferredUsername %q is not usable", truncateRunes(j.PreferredUsername, 64))
	}
	inbox, err := f.CheckURI(j.Inbox)
	if err != nil {
		return bad("inbox: %v", err)
	}
	key, err := actorKey(j.PublicKey, j.ID, idURL)
	if err != nil {
		return bad("%v", err)
	}
	r := federation.RemoteActor{
		URI: j.ID, Username: j.PreferredUsername, Domain: site.CanonicalHost(idURL),
		InboxURL: inbox.String(), PublicKeyPEM: key,
		Locked:       bool(j.ManuallyApprovesFollowers),
		Bot:          kind == "Service" || kind == "Application",
		Discoverable: bool(j.Discoverable),
		Indexable:    bool(j.Indexable),
		URL:          f.webURL(firstLink(j.URL)),
		AvatarURL:    f.webURL(imageURL(j.Icon)),
		HeaderURL:    f.webURL(imageURL(j.Image)),
	}
	if j.Endpoints != nil && j.Endpoints.SharedInbox != "" {
		if u, err := f.CheckURI(j.Endpoints.SharedInbox); err == nil {
			r.SharedInboxURL = u.String()
		}
	}
	r.DisplayName = truncateRunes(string(j.Name), maxRemoteDisplayName)
	r.Note = text.SanitizeRemote(truncateRunes(string(j.Summary), maxRemoteNote))
	r.Fields = propertyValues(j.Attachment)
	r.Emojis = remoteEmojis(tags(j.Tag))
	return r, nil
}

// actorKey finds the actor's public key (publicKey may be one object or a
// list; the first key the actor owns is taken), checks that the actor owns
// it and that its id is on the actor's host, and that it parses.
func actorKey(raw json.RawMessage, actorID string, actorURL *url.URL) (string, error) {
	var keys []remoteKeyJSON
	if err := decodeOneOrMany(raw, &keys); err != nil || len(keys) == 0 {
		return "", errors.New("no publicKey")
	}
	k := keys[0]
	if k.Owner != actorID {
		return "", fmt.Errorf("publicKey owner %q is not the actor", k.Owner)
	}
	ku, err := url.Parse(k.ID)
	if err != nil || site.CanonicalHost(ku) != site.CanonicalHost(actorURL) {
		return "", fmt.Errorf("publicKey id %q is not on the actor's host", k.ID)
	}
	if _, err := httpsig.ParsePublicKeyPEM([]byte(k.PublicKeyPEM)); err != nil {
		return "", fmt.Errorf("publicKey: %v", err)
	}
	return k.PublicKeyPEM, nil
}

// validRemoteUsername accepts what can stand before the @ of an address:
// letters, digits, '_', '-' and '.', at most maxRemoteUsername characters.
// Anything else (spaces, '@', '/', control characters) would let an actor
// pass for another address.
func validRemoteUsername(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > maxRemoteUsername {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' && r != '.' {
			return false
		}
	}
	return true
}

// propertyValues reads profile fields from attachment: PropertyValue
// entries, at most maxRemoteFields, names and values cut to
// maxRemoteFieldChars, values sanitized (names are shown as text).
func propertyValues(raw json.RawMessage) []model.Field {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil {
		return nil
	}
	var out []model.Field
	for _, it := range items {
		if len(out) == maxRemoteFields {
			break
		}
		var pv struct {
			Type  string `json:"type"`
			Name  string `json:"name"`
			Value string `json:"value"`
		}
		if json.Unmarshal(it, &pv) != nil || pv.Type != "PropertyValue" {
			continue
		}
		name := strings.TrimSpace(truncateRunes(pv.Name, maxRemoteFieldChars))
		value := strings.TrimSpace(truncateRunes(pv.Value, maxRemoteFieldChars))
		if name == "" && value == "" {
			continue
		}
		out = append(out, model.Field{Name: name, Value: text.SanitizeRemote(value)})
	}
	return out
}

// webURL keeps a link for display (profile page, avatar, header) when it
// is an http(s) URL of sensible length; media are not fetched yet.
func (f *Fetcher) webURL(s string) string {
	if s == "" || len(s) > maxRemoteURL {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.String()
}

// firstLink reads a url property: a string, a Link object with href, or a
// list of those (the first text/html one, else the first).
func firstLink(raw json.RawMessage) string {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil {
		return ""
	}
	first := ""
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) == nil {
			if first == "" {
				first = s
			}
			continue
		}
		var link struct {
			Href      string `json:"href"`
			MediaType string `json:"mediaType"`
		}
		if json.Unmarshal(it, &link) == nil && link.Href != "" {
			if link.MediaType == "text/html" {
				return link.Href
			}
			if first == "" {
				first = link.Href
			}
		}
	}
	return first
}

// imageURL reads icon or image: an Image object (or a list, the first)
// whose url is a link, or a bare link.
func imageURL(raw json.RawMessage) string {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil || len(items) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(items[0], &s) == nil {
		return s
	}
	var img struct {
		URL json.RawMessage `json:"url"`
	}
	if json.Unmarshal(items[0], &img) != nil {
		return ""
	}
	return firstLink(img.URL)
}

// stringsOf reads a property that is a string or a list of strings.
func stringsOf(raw json.RawMessage) []string {
	var out []string
	if decodeOneOrMany(raw, &out) != nil {
		return nil
	}
	return out
}

// decodeOneOrMany decodes raw, a JSON value or a list of them, into a
// slice; null or absent gives an empty slice.
func decodeOneOrMany[T any](raw json.RawMessage, into *[]T) error {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		*into = nil
		return nil
	}
	if raw[0] == '[' {
		return json.Unmarshal(raw, into)
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return err
	}
	*into = []T{one}
	return nil
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
