package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"herd/internal/core/federation"
	"herd/internal/model"
)

// maxThreadFetch bounds how many unknown ancestors are fetched for one
// incoming reply (a hostile thread could otherwise be endless).
const maxThreadFetch = 5

// publicCollection is the ActivityStreams Public audience, with the
// compact forms some servers send.
var publicCollection = map[string]bool{
	"https://www.w3.org/ns/activitystreams#Public": true, "as:Public": true, "Public": true,
}

// noteTypes are the object types stored as statuses (Mastodon's
// SUPPORTED_TYPES and CONVERTED_TYPES, without polls yet).
var noteTypes = map[string]bool{"Note": true, "Article": true, "Page": true, "Question": true}

// noteJSON is the part of a Note Herd reads. Properties that come in
// several shapes stay raw.
type noteJSON struct {
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	AttributedTo json.RawMessage   `json:"attributedTo"`
	Content      lenientString     `json:"content"`
	ContentMap   map[string]string `json:"contentMap"`
	Summary      lenientString     `json:"summary"`
	Sensitive    lenientBool       `json:"sensitive"`
	InReplyTo    json.RawMessage   `json:"inReplyTo"`
	Published    string            `json:"published"`
	Updated      string            `json:"updated"`
	URL          json.RawMessage   `json:"url"`
	To           json.RawMessage   `json:"to"`
	Cc           json.RawMessage   `json:"cc"`
	Tag          json.RawMessage   `json:"tag"`
	Attachment   json.RawMessage   `json:"attachment"`
}

// create stores the Note a Create carries: embedded (trusted, since the
// signer is its actor and core checks its id is on the actor's host) or
// named by id (fetched from its origin).
func (rc *Receiver) create(ctx context.Context, actor *model.Account, raw json.RawMessage) error {
	e, ok := readEmbedded(raw)
	if !ok {
		uri := linkID(raw)
		if err := checkOnHost(uri, actor); err != nil {
			return err
		}
		_, err := rc.status(ctx, uri, 0)
		return err
	}
	if !noteTypes[e.Type] {
		return nil
	}
	n, err := rc.parseNote(ctx, actor, raw, 0)
	if err != nil {
		return err
	}
	_, err = rc.core.Federation.ReceiveNote(ctx, actor, n)
	return err
}

// status finds a status by id, fetching it (and, through its parent, up to
// maxThreadFetch ancestors) from its origin when Herd does not hold it. A
// fetched document is its origin's word, so its author is the account it
// is attributed to, which must be on the object's host.
func (rc *Receiver) status(ctx context.Context, uri string, depth int) (*model.Status, error) {
	if st, err := rc.core.Federation.StatusByURI(ctx, uri); !errors.Is(err, model.ErrNotFound) {
		return st, err
	}
	if depth > maxThreadFetch {
		return nil, fmt.Errorf("%w: thread deeper than %d fetches at %s", federation.ErrRejected, maxThreadFetch, uri)
	}
	doc, err := rc.fetcher.Load().Fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	return rc.fetchedStatus(ctx, doc, depth)
}

// fetchedStatus stores a Note fetched from its origin (see status), or
// finds it when its id, which may differ from the URL it was asked by, is
// already known.
func (rc *Receiver) fetchedStatus(ctx context.Context, doc *Document, depth int) (*model.Status, error) {
	if st, err := rc.core.Federation.StatusByURI(ctx, doc.ID); !errors.Is(err, model.ErrNotFound) {
		return st, err
	}
	uri := doc.ID
	var j noteJSON
	if err := json.Unmarshal(doc.Body, &j); err != nil {
		return nil, err
	}
	if !noteTypes[j.Type] {
		return nil, fmt.Errorf("%w: %s is a %q, not a note", federation.ErrRejected, uri, j.Type)
	}
	author := linkID(j.AttributedTo)
	if !sameHost(author, doc.ID) {
		return nil, fmt.Errorf("%w: %s is attributed to %s on another host", federation.ErrRejected, doc.ID, author)
	}
	a, err := rc.fetcher.Load().ResolveActor(ctx, author)
	if err != nil {
		return nil, err
	}
	n, err := rc.parseNote(ctx, a, doc.Body, depth)
	if err != nil {
		return nil, err
	}
	return rc.core.Federation.ReceiveNote(ctx, a, n)
}

// parseNote reads a Note written by actor into what core stores: its
// author must be the actor; its parent is looked up (fetched within the
// thread bound); mentions name local or known accounts; the visibility is
// derived from to and cc as Mastodon derives it.
func (rc *Receiver) parseNote(ctx context.Context, actor *model.Account, raw json.RawMessage, depth int) (federation.RemoteNote, error) {
	var j noteJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return federation.RemoteNote{}, err
	}
	if by := linkID(j.AttributedTo); by != actor.URI {
		return federation.RemoteNote{}, fmt.Errorf("%w: %s is attributed to %q, not %s", federation.ErrRejected, j.ID, by, actor.URI)
	}
	n := federation.RemoteNote{URI: j.ID, URL: firstLink(j.URL), Content: string(j.Content),
		SpoilerText: string(j.Summary), Sensitive: bool(j.Sensitive)}
	if n.Content == "" {
		for lang, c := range j.ContentMap {
			n.Content, n.Language = c, lang
			break
		}
	} else if len(j.ContentMap) == 1 {
		for lang := range j.ContentMap {
			n.Language = lang
		}
	}
	n.CardURL, n.Card = linkAttachment(j.Attachment)
	n.Media = mediaAttachments(j.Attachment)
	n.Published, _ = time.Parse(time.RFC3339, j.Published)
	n.Updated, _ = time.Parse(time.RFC3339, j.Updated)
	if parent := linkID(j.InReplyTo); parent != "" {
		st, err := rc.status(ctx, parent, depth+1)
		if err != nil {
			// The reply is kept outside the thread rather than lost.
			rc.log.Info("inbox: parent of a reply not found", "reply", j.ID, "parent", parent, "err", err)
		} else {
			n.InReplyTo = st
		}
	}
	tagList := tags(j.Tag)
	n.Emojis = remoteEmojis(tagList)
	for _, t := range tagList {
		switch t.Type {
		case "Mention":
			if a := rc.knownAccount(ctx, t.Href); a != nil {
				n.Mentions = append(n.Mentions, a)
			}
		case "Hashtag":
			n.Tags = append(n.Tags, t.Name)
		}
	}
	n.Visibility = visibility(actor, j.To, j.Cc)
	return n, nil
}

type tagJSON struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Href    string          `json:"href"`
	Name    string          `json:"name"`
	Updated string          `json:"updated"`
	Icon    json.RawMessage `json:"icon"` // of an Emoji
}

// tags reads a tag property (one object or a list); malformed items are
// skipped.
func tags(raw json.RawMessage) []tagJSON {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil {
		return nil
	}
	var out []tagJSON
	for _, it := range items {
		var t tagJSON
		if json.Unmarshal(it, &t) == nil {
			out = append(out, t)
		}
	}
	return out
}

// knownAccount finds the account an ActivityPub id names, local or
// already stored remote, without fetching (nil when none).
func (rc *Receiver) knownAccount(ctx context.Context, uri string) *model.Account {
	if a, err := rc.localAccount(ctx, uri); err == nil {
		return a
	}
	if ra, err := rc.core.Federation.RemoteAccountByURI(ctx, uri); err == nil && !ra.Suspended() {
		return ra.Account
	}
	return nil
}

// visibility derives a status's visibility from its addressing as
// Mastodon does: Public in to is public, in cc unlisted; the author's
// followers collection makes it followers-only; anything else is direct.
// Remote followers URLs are not stored, so a collection on the author's
// host named …/followers counts (Mastodon, Pleroma, GoToSocial and
// Misskey all name it so). Erring towards direct is the safe side: a
// "limited" post (addressed to some accounts, Mastodon's fifth
// visibility) must not reach every follower.
func visibility(actor *model.Account, to, cc json.RawMessage) model.Visibility {
	toList, ccList := audience(to), audience(cc)
	for _, a := range toList {
		if publicCollection[a] {
			return model.Public
		}
	}
	for _, a := range ccList {
		if publicCollection[a] {
			return model.Unlisted
		}
	}
	for _, a := range append(toList, ccList...) {
		if a == actor.URI+"/followers" || (strings.HasSuffix(a, "/followers") && sameHost(a, actor.URI)) {
			return model.Private
		}
	}
	return model.Direct
}

// audience reads to or cc: a link, an object with an id, or a list.
func audience(raw json.RawMessage) []string {
	var items []json.RawMessage
	if decodeOneOrMany(raw, &items) != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		if id := linkID(it); id != "" {
			out = append(out, id)
		}
	}
	return out
}
