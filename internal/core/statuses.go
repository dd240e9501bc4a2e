package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/files"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// idempotencyWindow is how long an Idempotency-Key is remembered
// (Mastodon keeps it an hour).
const idempotencyWindow = time.Hour

// NewStatus is what a local author sends to post (POST /api/v1/statuses).
type NewStatus struct {
	Text           string
	SpoilerText    string
	Visibility     model.Visibility // "" = the author's default privacy
	Sensitive      *bool            // nil = the author's default
	Language       string
	InReplyToID    int64
	MediaIDs       []string
	Poll           bool   // a poll was sent
	ScheduledAt    string // a schedule was sent
	IdempotencyKey string
}

// PostStatus is the local door for posting: it validates (length with
// URLs counted as 23, as Mastodon), honours the Idempotency-Key, renders
// the text and resolves local mentions and hashtags, then stores everything
// through recordStatus in one transaction.
func (c *Core) PostStatus(ctx context.Context, v *model.Viewer, n NewStatus) (*model.Status, error) {
	st, _, err := c.postStatus(ctx, v, n)
	return st, err
}

// PostStatusView is PostStatus answered as the viewer sees the new status,
// the author's counters as the post left them (not read back).
func (c *Core) PostStatusView(ctx context.Context, v *model.Viewer, n NewStatus) (*model.StatusView, error) {
	st, authorLive, err := c.postStatus(ctx, v, n)
	if err != nil {
		return nil, err
	}
	var known map[int64]store.AccountLive
	if authorLive != nil {
		known = map[int64]store.AccountLive{st.AccountID: *authorLive}
	}
	return c.statusView(ctx, v.AccountID(), st, known)
}

// postStatus is PostStatus, with the author's live counters as the post's
// transaction left them (nil when it did not count, or was answered from
// an earlier request with the same Idempotency-Key).
func (c *Core) postStatus(ctx context.Context, v *model.Viewer, n NewStatus) (*model.Status, *store.AccountLive, error) {
	author := v.Account
	switch {
	case n.Poll:
		return nil, nil, fault.Unprocessable("Polls are not supported yet")
	case n.ScheduledAt != "":
		return nil, nil, fault.Unprocessable("Scheduled statuses are not supported yet")
	}
	if n.Visibility == "" && v.User != nil {
		n.Visibility = v.User.DefaultPrivacy
	}
	if n.Visibility == "" {
		n.Visibility = model.Public
	}
	if !n.Visibility.Valid() {
		return nil, nil, fault.Unprocessable("Validation failed: Visibility is not included in the list")
	}
	if err := c.validateText(n.Text, n.SpoilerText, len(n.MediaIDs) > 0); err != nil {
		return nil, nil, err
	}
	now := time.Now()
	if n.IdempotencyKey != "" {
		if id, err := c.store.IdempotentStatus(ctx, author.ID, n.IdempotencyKey, now.Add(-idempotencyWindow)); err == nil {
			if st, err := c.store.StatusByID(ctx, id); err == nil {
				return st, nil, nil
			}
		} else if !errors.Is(err, model.ErrNotFound) {
			return nil, nil, err
		}
	}
	// After the Idempotency-Key: a retried post's media are attached
	// already, to the status the retry is answered with.
	attachments, err := c.Files.StatusMedia(ctx, author.ID, 0, n.MediaIDs)
	if err != nil {
		return nil, nil, err
	}
	st := &model.Status{
		ID: ids.New(), AccountID: author.ID, Local: true, Text: n.Text, SpoilerText: n.SpoilerText,
		Visibility: n.Visibility, Language: n.Language, CreatedAt: now, HasMedia: len(attachments) > 0,
	}
	if v.Token != nil {
		st.ApplicationID = v.Token.AppID
	}
	st.URI, st.URL = c.StatusURI(author.Username, st.ID), c.StatusURL(author.Username, st.ID)
	if v.User != nil {
		st.Sensitive = v.User.DefaultSensitive
		if st.Language == "" {
			st.Language = v.User.DefaultLanguage
		}
	}
	if n.Sensitive != nil {
		st.Sensitive = *n.Sensitive
	}
	// Mastodon marks a post with a content warning sensitive whatever was sent.
	st.Sensitive = st.Sensitive || strings.TrimSpace(n.SpoilerText) != ""
	var parent *model.Status
	if n.InReplyToID != 0 {
		p, err := c.VisibleStatus(ctx, author.ID, n.InReplyToID)
		if err != nil {
			return nil, nil, err
		}
		if p.ReblogOfID != 0 { // replying to a boost answers the boosted post
			if p, err = c.VisibleStatus(ctx, author.ID, p.ReblogOfID); err != nil {
				return nil, nil, err
			}
		}
		parent = p
		st.InReplyToID, st.InReplyToAccountID = p.ID, p.AccountID
		st.ConversationID = p.ConversationID
		if st.ConversationID == 0 {
			st.ConversationID = p.ID
		}
	} else {
		st.ConversationID = st.ID // a thread's root names its conversation
	}
	r, err := c.renderText(ctx, st.Text)
	if err != nil {
		return nil, nil, err
	}
	st.Content = r.html
	primer := c.newStatusPrimer()
	var rec *recorded
	err = c.store.InTx(ctx, func(tx *store.Store) error {
		if n.IdempotencyKey != "" {
			if err := tx.ClaimIdempotencyKey(ctx, author.ID, n.IdempotencyKey, st.ID, now, now.Add(-idempotencyWindow)); err != nil {
				return err
			}
		}
		var err error
		if rec, err = c.recordStatus(ctx, tx, st, parent, r.mentions, r.tags); err != nil {
			return err
		}
		if err := files.AttachMedia(ctx, tx, st, attachments); err != nil {
			return err
		}
		if err := c.Links.AddCard(ctx, tx, st, r.mentions, "", nil); err != nil {
			return err
		}
		return c.queueDelivery(ctx, tx, author, createDelivery(st, parent, r.mentions))
	})
	if errors.Is(err, store.ErrDuplicate) && n.IdempotencyKey != "" {
		// The same request, sent concurrently, was posted first: answer with it.
		if id, err := c.store.IdempotentStatus(ctx, author.ID, n.IdempotencyKey, now.Add(-idempotencyWindow)); err == nil {
			st, err := c.store.StatusByID(ctx, id)
			return st, nil, err
		}
	}
	if err != nil {
		return nil, nil, err
	}
	primer.put(ctx, st, r.mentions, rec.tags, attachments)
	c.wakeJobs()
	return st, rec.authorLive, nil
}

// validateText applies Mastodon's status length rule: status and content
// warning together, URLs as 23 characters, at most MaxStatusChars; a post
// needs text unless it has media.
func (c *Core) validateText(status, spoiler string, hasMedia bool) error {
	if strings.TrimSpace(status) == "" && !hasMedia {
		return fault.Unprocessable("Validation failed: Text can't be blank")
	}
	if text.Length(status)+text.Length(spoiler) > c.Config.MaxStatusChars {
		return fault.Unprocessable(fmt.Sprintf("Validation failed: Text character limit of %d exceeded", c.Config.MaxStatusChars))
	}
	return nil
}

// renderedText is a status text rendered to HTML with what it links to.
type renderedText struct {
	html     string
	mentions []*model.Account
	tags     map[string]string // lowercased name → name as first written
}

// renderText renders status text, linking mentions of existing local
// accounts (@name, or @name@this-domain), of remote accounts (known, or
// found through the Resolver: only a text with remote mentions waits on
// other servers) and hashtags. Mentions of no one stay text.
func (c *Core) renderText(ctx context.Context, s string) (*renderedText, error) {
	parsed := text.Parse(s)
	var names []string
	var remote []text.Mention
	for _, m := range parsed.Mentions {
		if c.IsLocalDomain(m.Domain) {
			names = append(names, m.Username)
		} else {
			remote = append(remote, m)
		}
	}
	accounts, err := c.store.LocalAccountsByUsernames(ctx, names)
	if err != nil {
		return nil, err
	}
	var remoteAccounts map[string]*model.Account
	if len(remote) > 0 {
		remoteAccounts = c.resolveRemoteMentions(ctx, remote)
	}
	out := &renderedText{tags: map[string]string{}}
	seen := map[int64]bool{}
	resolve := func(m text.Mention) (string, bool) {
		var a *model.Account
		if c.IsLocalDomain(m.Domain) {
			a = accounts[strings.ToLower(m.Username)]
		} else {
			a = remoteAccounts[mentionKey(m)]
		}
		if a == nil || a.Suspended() {
			return "", false
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			out.mentions = append(out.mentions, a)
		}
		return c.profileURL(a), true
	}
	out.html = text.Render(s, resolve, func(tag string) string { return c.TagURL(tag) })
	for _, t := range parsed.Tags {
		lower := text.NormalizeTag(t)
		if _, ok := out.tags[lower]; !ok {
			out.tags[lower] = t
		}
	}
	return out, nil
}

// PruneIdempotencyKeys forgets Idempotency-Keys past their window; the
// server runs it periodically.
func (c *Core) PruneIdempotencyKeys(ctx context.Context) error {
	return c.store.InTx(ctx, func(tx *store.Store) error {
		return tx.PruneIdempotencyKeys(ctx, time.Now().Add(-idempotencyWindow))
	})
}

// profileURL is the page a mention of a links to, as Mastodon links it:
// a remote account's url (its uri when it has none), a local one's page.
func (c *Core) profileURL(a *model.Account) string {
	switch {
	case a.Local():
		return c.AccountURL(a.Username)
	case a.URL != "":
		return a.URL
	}
	return a.URI
}
