package federation

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"herd/internal/core/files"
	"herd/internal/core/site"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// Caps on remote statuses. The inbox already bounds a whole activity to
// 1 MB; these keep single fields to what a client can show.
const (
	maxRemoteContent  = 100_000 // bytes of sanitized HTML kept
	maxRemoteSpoiler  = 1_000   // characters of a content warning
	maxRemoteLanguage = 16
	maxRemoteURI      = 2048
	maxRemoteTags     = 50 // hashtags recorded per status
	maxRemoteMentions = 50 // mentions recorded (and notified) per status
)

// RemoteNote is a status as the federation layer read it from a Note (or
// Article, Page…): the origin checks that need the document (attributedTo
// is the actor, the object came from its origin) are done; ReceiveNote
// does the rest.
type RemoteNote struct {
	URI         string // the object's id
	URL         string // its web page, URI when empty
	Content     string // HTML as received; sanitized here
	SpoilerText string // plain text (the Note's summary)
	Sensitive   bool
	Language    string
	Visibility  model.Visibility // derived from to/cc
	Published   time.Time
	Updated     time.Time        // for edits
	InReplyTo   *model.Status    // the parent, when it is a reply to a stored status
	Mentions    []*model.Account // accounts tagged as Mention (local or known remote)
	Tags        []string         // hashtag names, without #
	// CardURL is the link its origin chose for the preview card (a
	// FEP-8967 Link attachment), "" to pick the first link of Content;
	// Card, when set, is the preview the origin attached for it.
	CardURL string
	Card    *model.PreviewCard
	// Media are its attachments (fetched and cached by a job).
	Media []files.RemoteMedia
	// Emojis are its Emoji tags (files/remote_emojis.go).
	Emojis []files.RemoteEmoji
}

// ReceiveNote is the remote door for posting (DESIGN.md principle 2): it
// checks the note's origin (its id on the actor's host, never a local URI,
// never a URI another account owns, not deleted before it came), sanitizes
// and caps it, and stores it through recordStatus like a local post, so
// threads, mentions, notifications and fan-out follow. Receiving the same
// note again returns the stored status.
func (s *Service) ReceiveNote(ctx context.Context, actor *model.Account, n RemoteNote) (*model.Status, error) {
	if err := s.checkRemoteObject(actor, n.URI); err != nil {
		return nil, err
	}
	if gone, err := s.store.Tombstoned(ctx, n.URI); err != nil {
		return nil, err
	} else if gone {
		return nil, rejected("%s was deleted before it arrived", n.URI)
	}
	if existing, err := s.ownedStatus(ctx, actor, n.URI); err == nil || !errors.Is(err, model.ErrNotFound) {
		return existing, err
	}
	if !n.Visibility.Valid() {
		return nil, rejected("%s has no visibility", n.URI)
	}
	if err := s.files.SaveRemoteEmojis(ctx, actor.Domain, n.Emojis); err != nil {
		return nil, err
	}
	at := clampPublished(n.Published)
	st := &model.Status{ID: ids.FromTime(at), AccountID: actor.ID, URI: n.URI, URL: remoteURL(n.URL, n.URI),
		Visibility: n.Visibility, CreatedAt: at}
	setRemoteContent(st, n)
	attachments := s.files.RemoteAttachments(ctx, actor, n.Media)
	st.HasMedia = len(attachments) > 0
	var parent *model.Status
	if p := n.InReplyTo; p != nil {
		if p.ReblogOfID != 0 {
			return nil, rejected("%s replies to a boost", n.URI)
		}
		parent = p
		st.InReplyToID, st.InReplyToAccountID, st.ConversationID = p.ID, p.AccountID, conversationOf(p)
	} else {
		st.ConversationID = st.ID
	}
	mentions, tags := remoteMentions(n.Mentions), remoteTags(n.Tags)
	for attempt := 1; ; attempt++ {
		err := s.store.InTx(ctx, func(tx *store.Store) error {
			if err := s.recordStatus(ctx, tx, st, parent, mentions, tags); err != nil {
				return err
			}
			if err := s.files.AddRemoteMedia(ctx, tx, st, attachments); err != nil {
				return err
			}
			return s.links.AddCard(ctx, tx, st, mentions, n.CardURL, n.Card)
		})
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrDuplicate) {
			return nil, err
		}
		// Either the same note, delivered twice at once, was stored first
		// by the other delivery (statuses_uri_unique), or the id drawn for
		// its published millisecond was taken: draw again.
		if existing, err := s.ownedStatus(ctx, actor, n.URI); !errors.Is(err, model.ErrNotFound) {
			return existing, err
		}
		if attempt == maxIDAttempts {
			return nil, err
		}
		root := st.ConversationID == st.ID
		st.ID = ids.FromTime(at)
		if root {
			st.ConversationID = st.ID
		}
	}
	s.wake()
	return st, nil
}

// maxIDAttempts is how often an id is drawn for a remote status whose
// published millisecond is crowded (ids.FromTime has 16 random bits).
const maxIDAttempts = 5

// ReceiveNoteUpdate applies an edit of a remote status by its author (an
// Update of a Note): content, content warning, sensitivity, language, new
// mentions and tags; the previous version goes to the history and boosters
// are told, as for a local edit. An update of a status not stored is
// ignored (Mastodon does the same); one by another account is rejected.
func (s *Service) ReceiveNoteUpdate(ctx context.Context, actor *model.Account, n RemoteNote) error {
	if err := s.checkRemoteObject(actor, n.URI); err != nil {
		return err
	}
	st, err := s.store.StatusByURI(ctx, n.URI)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID || st.Local || st.ReblogOfID != 0 {
		return rejected("%s cannot update status %d of account %d", actor.Acct(), st.ID, st.AccountID)
	}
	if err := s.files.SaveRemoteEmojis(ctx, actor.Domain, n.Emojis); err != nil {
		return err
	}
	next := *st
	setRemoteContent(&next, n)
	before, err := s.files.CurrentMedia(ctx, st)
	if err != nil {
		return err
	}
	after, added, described := s.files.RemoteMediaEdit(ctx, actor, before, n.Media)
	mediaChanged := !slices.Equal(files.MediaIDs(before), files.MediaIDs(after))
	next.HasMedia = len(after) > 0
	if next.Content == st.Content && next.SpoilerText == st.SpoilerText && next.Sensitive == st.Sensitive &&
		next.Language == st.Language && !mediaChanged && len(described) == 0 {
		return nil // a repeat of the current version
	}
	edited := time.Now()
	if !n.Updated.IsZero() && n.Updated.Before(edited) && n.Updated.After(st.CreatedAt) {
		edited = n.Updated
	}
	next.EditedAt = &edited
	mentions, tags := remoteMentions(n.Mentions), remoteTags(n.Tags)
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		edits, err := tx.StatusEditsOf(ctx, st.ID)
		if err != nil {
			return err
		}
		if len(edits) == 0 {
			if err := tx.InsertStatusEdit(ctx, editOf(st, files.MediaIDs(before), st.CreatedAt)); err != nil {
				return err
			}
		}
		if err := tx.InsertStatusEdit(ctx, editOf(&next, files.MediaIDs(after), edited)); err != nil {
			return err
		}
		if err := s.files.ApplyRemoteMediaEdit(ctx, tx, &next, after, added, described, mediaChanged); err != nil {
			return err
		}
		if err := tx.UpdateStatusContent(ctx, &next); err != nil {
			return err
		}
		if err := s.updateMentionsAndTags(ctx, tx, &next, mentions, tags); err != nil {
			return err
		}
		if err := s.links.Recard(ctx, tx, &next, mentions, n.CardURL, n.Card); err != nil {
			return err
		}
		boosts, err := tx.ReblogsOf(ctx, st.ID)
		if err != nil {
			return err
		}
		if err := s.notifyBoosters(ctx, tx, &next, boosts); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventStatusUpdated, st.ID, st.AccountID, "")
	})
	if err == nil {
		s.statusChanged(st.ID)
		s.wake()
	}
	return err
}

// checkRemoteObject refuses an object id that is not on the actor's host
// or that names this instance (no remote may speak for a local URI).
func (s *Service) checkRemoteObject(actor *model.Account, uri string) error {
	if actor == nil || actor.Local() || actor.Suspended() {
		return rejected("%s is not an active remote account", actor.Acct())
	}
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || len(uri) > maxRemoteURI {
		return rejected("object id %q is not a URL", uri)
	}
	if s.site.IsLocalHost(u) {
		return rejected("%s claims a local URI %s", actor.Acct(), uri)
	}
	if site.CanonicalHost(u) != strings.ToLower(actor.Domain) {
		return rejected("object %s is not on %s's host", uri, actor.Acct())
	}
	return nil
}

// ownedStatus loads the status at uri when actor wrote it; one another
// account holds is a rejection.
func (s *Service) ownedStatus(ctx context.Context, actor *model.Account, uri string) (*model.Status, error) {
	st, err := s.store.StatusByURI(ctx, uri)
	if err != nil {
		return nil, err
	}
	if st.AccountID != actor.ID || st.ReblogOfID != 0 {
		return nil, rejected("%s is already held by account %d", uri, st.AccountID)
	}
	return st, nil
}

// setRemoteContent copies a note's text into st, sanitized and capped.
func setRemoteContent(st *model.Status, n RemoteNote) {
	st.Content = truncateBytes(text.SanitizeRemote(n.Content), maxRemoteContent)
	st.SpoilerText = truncateChars(strings.TrimSpace(n.SpoilerText), maxRemoteSpoiler)
	st.Sensitive = n.Sensitive || st.SpoilerText != ""
	st.Language = truncateChars(n.Language, maxRemoteLanguage)
}

func remoteURL(u, uri string) string {
	if u == "" || len(u) > maxRemoteURI {
		return uri
	}
	if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") {
		return uri
	}
	return u
}

// remoteMentions dedupes the mentioned accounts, drops suspended ones and
// caps the list.
func remoteMentions(in []*model.Account) []*model.Account {
	seen := map[int64]bool{}
	var out []*model.Account
	for _, a := range in {
		if a == nil || a.Suspended() || seen[a.ID] || len(out) == maxRemoteMentions {
			continue
		}
		seen[a.ID] = true
		out = append(out, a)
	}
	return out
}

// remoteTags keeps valid hashtag names, lowercased → as written.
func remoteTags(in []string) map[string]string {
	out := map[string]string{}
	for _, t := range in {
		t = strings.TrimPrefix(t, "#")
		if !text.ValidTag(t) || len(out) == maxRemoteTags {
			continue
		}
		if lower := text.NormalizeTag(t); out[lower] == "" {
			out[lower] = t
		}
	}
	return out
}

func truncateChars(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// truncateBytes cuts HTML that is too long; the cut is sanitized again so
// it stays well-formed.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	for !utf8.ValidString(cut) && len(cut) > 0 {
		cut = cut[:len(cut)-1]
	}
	return text.SanitizeRemote(cut)
}

// editOf is a stored version of st with its attachments' ids, as core's
// own edits store it (status_edit.go).
func editOf(st *model.Status, media []int64, at time.Time) *model.StatusEdit {
	return &model.StatusEdit{ID: ids.New(), StatusID: st.ID, AccountID: st.AccountID, Text: st.Text, Content: st.Content,
		SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, MediaIDs: media, CreatedAt: at}
}

// conversationOf is the conversation a reply to st joins: st's own, or st
// itself for a status stored without one (as core's interactions.go).
func conversationOf(st *model.Status) int64 {
	if st.ConversationID != 0 {
		return st.ConversationID
	}
	return st.ID
}
