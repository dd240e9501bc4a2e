package core

import (
	"context"
	"io"
	"strings"
	"unicode/utf8"

	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/core/files"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// Profile limits, as Mastodon's Account model validates them.
const (
	maxDisplayName = 30  // DISPLAY_NAME_LENGTH_LIMIT
	maxNote        = 500 // NOTE_LENGTH_LIMIT, counted like a status
	maxFields      = 4   // DEFAULT_FIELDS_SIZE
	maxFieldChars  = 255 // Account::Field cuts names and values to this
)

// ProfileUpdate is what PATCH /api/v1/accounts/update_credentials may
// change; a nil field is left as it is.
type ProfileUpdate struct {
	DisplayName     *string
	Note            *string // plain text; rendered to HTML here
	Locked          *bool
	Bot             *bool
	Discoverable    *bool
	Indexable       *bool
	HideCollections *bool
	Fields          *[]model.Field // replaces every field when set
	Privacy         *string        // source[privacy]: default visibility of new posts
	Sensitive       *bool          // source[sensitive]
	Language        *string        // source[language]
	Avatar          io.Reader      // a new avatar file; nil keeps the one there
	Header          io.Reader      // a new header file; nil keeps the one there
}

// UpdateCredentials validates and saves the viewer's profile and posting
// defaults in one transaction, with an account.updated event so every node
// drops what it cached about the account. Unlocking accepts every pending
// follow request, as Mastodon does. It returns the viewer as it is now.
// Validation failures are 422 with Mastodon's messages.
func (c *Core) UpdateCredentials(ctx context.Context, v *model.Viewer, u ProfileUpdate) (*model.Viewer, error) {
	if u.DisplayName != nil && utf8.RuneCountInString(*u.DisplayName) > maxDisplayName {
		return nil, fault.Unprocessable("Validation failed: Display name is too long (maximum is 30 characters)")
	}
	if u.Note != nil && text.Length(*u.Note) > maxNote {
		return nil, fault.Unprocessable("Validation failed: Note is too long (maximum is 500 characters)")
	}
	if u.Privacy != nil {
		switch model.Visibility(*u.Privacy) {
		case model.Public, model.Unlisted, model.Private:
		default:
			return nil, fault.Unprocessable("Validation failed: Default privacy is not included in the list")
		}
	}
	if u.Language != nil && !accounts.ValidLanguage(*u.Language) {
		return nil, fault.Unprocessable("Validation failed: Default language is not included in the list")
	}
	// New pictures are stored first, under new keys; if anything fails
	// before the row names them, they go again, and the replaced files
	// go only once the row no longer names them.
	var newKeys, oldKeys [2]string
	committed := false
	defer func() {
		if !committed {
			c.Files.DeleteFiles(ctx, newKeys[:]...)
		}
	}()
	for which, r := range [2]io.Reader{files.ProfileAvatar: u.Avatar, files.ProfileHeader: u.Header} {
		if r == nil {
			continue
		}
		key, err := c.Files.StoreProfileImage(ctx, files.ProfileImage(which), r)
		if err != nil {
			return nil, err
		}
		newKeys[which] = key
	}
	var fresh *model.Viewer
	err := c.store.InTx(ctx, func(tx *store.Store) error {
		oldKeys = [2]string{}
		acct, err := tx.AccountByID(ctx, v.AccountID())
		if err != nil {
			return err
		}
		user, err := tx.UserByAccountID(ctx, acct.ID)
		if err != nil {
			return err
		}
		if u.Fields != nil {
			if acct.Fields, err = profileFields(*u.Fields, acct.Fields); err != nil {
				return err
			}
		}
		if u.Note != nil {
			acct.NoteSource = *u.Note
			if acct.Note, err = c.renderNote(ctx, tx, *u.Note); err != nil {
				return err
			}
		}
		for which, key := range newKeys {
			if key != "" {
				k := files.ProfileImage(which).Key(acct)
				oldKeys[which], *k = *k, key
			}
		}
		setString(&acct.DisplayName, u.DisplayName)
		wasLocked := acct.Locked
		setBool(&acct.Locked, u.Locked)
		if wasLocked && !acct.Locked {
			if err := c.Social.AcceptAllFollowRequests(ctx, tx, acct); err != nil {
				return err
			}
		}
		setBool(&acct.Bot, u.Bot)
		setBool(&acct.Discoverable, u.Discoverable)
		setBool(&acct.Indexable, u.Indexable)
		setBool(&acct.HideCollections, u.HideCollections)
		if u.Privacy != nil {
			user.DefaultPrivacy = model.Visibility(*u.Privacy)
		}
		setBool(&user.DefaultSensitive, u.Sensitive)
		if u.Language != nil {
			user.DefaultLanguage = strings.ToLower(*u.Language)
		}
		if err := tx.UpdateAccountProfile(ctx, acct); err != nil {
			return err
		}
		if err := tx.UpdateUserPreferences(ctx, user); err != nil {
			return err
		}
		if err := c.Links.QueueLinkVerification(ctx, tx, acct, 0); err != nil {
			return err
		}
		// Reload: accepting requests moved the counters in SQL.
		if acct, err = tx.AccountByID(ctx, acct.ID); err != nil {
			return err
		}
		fresh = &model.Viewer{Token: v.Token, Account: acct, User: user}
		// Followers' servers refresh the actor (new pictures included), as
		// after Mastodon's update_credentials (sent whatever changed).
		return c.profileChanged(ctx, tx, acct)
	})
	if err != nil {
		return nil, err
	}
	committed = true
	c.Files.DeleteFiles(ctx, oldKeys[:]...)
	c.wakeJobs()
	// This node need not wait for the event log to stop serving the old
	// profile and posting defaults from its token cache.
	c.forgetAccount(fresh.Account.ID)
	return fresh, nil
}

// profileChanged queues the Update of a local actor to its followers'
// servers, as Mastodon's UpdateDistributionWorker after any profile edit,
// and logs the change so every node drops what it cached of the account.
// The files area calls it too, when a picture is removed.
func (c *Core) profileChanged(ctx context.Context, tx *store.Store, acct *model.Account) error {
	if err := c.queueDelivery(ctx, tx, acct, Delivery{Kind: "Update:Person", Followers: true}); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, store.EventAccountUpdated, acct.ID, acct.ID, "")
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// profileFields applies Mastodon's fields_attributes rules: pairs with
// both parts blank are dropped, names and values are stripped and cut to
// 255 characters, at most four remain, a value needs a name, and a value
// that did not change keeps its verification time.
func profileFields(in, old []model.Field) ([]model.Field, error) {
	out := []model.Field{}
	for _, f := range in {
		name, value := cut(strings.TrimSpace(f.Name)), cut(strings.TrimSpace(f.Value))
		if name == "" && value == "" {
			continue
		}
		field := model.Field{Name: name, Value: value}
		for _, o := range old {
			if o.Value == value && o.VerifiedAt != nil {
				field.VerifiedAt = o.VerifiedAt
			}
		}
		out = append(out, field)
	}
	if len(out) > maxFields {
		return nil, fault.Unprocessable("Validation failed: Fields is too long (maximum is 4 characters)")
	}
	for _, f := range out {
		if f.Name == "" {
			return nil, fault.Unprocessable("Validation failed: Fields contains values with missing labels")
		}
	}
	return out, nil
}

func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxFieldChars {
		return s
	}
	return string([]rune(s)[:maxFieldChars])
}

// renderNote turns a bio into HTML like a status: links, hashtags and
// mentions of local accounts (looked up in one query) become links.
func (c *Core) renderNote(ctx context.Context, st *store.Store, note string) (string, error) {
	var names []string
	for _, m := range text.Parse(note).Mentions {
		if c.IsLocalDomain(m.Domain) {
			names = append(names, m.Username)
		}
	}
	accts, err := st.LocalAccountsByUsernames(ctx, names)
	if err != nil {
		return "", err
	}
	resolve := func(m text.Mention) (string, bool) {
		if !c.IsLocalDomain(m.Domain) {
			return "", false
		}
		a := accts[strings.ToLower(m.Username)]
		if a == nil {
			return "", false
		}
		return c.AccountURL(a.Username), true
	}
	return text.Render(note, resolve, c.TagURL), nil
}

// FieldHTML renders a local profile field's value as Mastodon does for
// the Account entity: escaped text with links marked rel="me", on one line.
func FieldHTML(value string) string {
	value = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(value)
	html := text.Render(value, nil, nil)
	html = strings.TrimSuffix(strings.TrimPrefix(html, "<p>"), "</p>")
	return strings.ReplaceAll(html, `rel="nofollow noopener"`, `rel="me nofollow noopener"`)
}
