package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"herd/internal/core/fault"
	"herd/internal/core/social"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/session"
	"herd/internal/text"
)

// interactionData fills interaction.html.
type interactionData struct {
	URI        string // as asked, carried through the form
	ID         string // the status's id, or the account's
	Acct       string
	ProfileURL string
	Account    *model.Account
	// DisplayName is the account's, escaped, custom emoji as images.
	DisplayName template.HTML
	Status      *interactionStatus
	Following   bool
	Requested   bool
	Self        bool
	Done        string
}

type interactionStatus struct {
	Content                         template.HTML // stored HTML (rendered here or sanitized on receipt), custom emoji as images
	URL                             string
	Favourited, Reblogged, CanBoost bool
}

// doneMessages are what the page says after an action (never the raw
// parameter).
var doneMessages = map[string]string{
	"follow": "Done: you follow this account, or asked to.", "favourite": "Favourited.", "reblog": "Boosted.",
}

// showInteraction handles GET /authorize_interaction?uri=: the link
// template other servers find in WebFinger (the OStatus subscribe rel) to
// send their users to act from here on an account or status, known or
// fetched from its origin. Mastodon sends the browser on to its web
// client; until Herd has one, the page shows what the URI names with the
// buttons to follow, favourite or boost it. A visitor not signed in signs
// in first and comes back.
func (h *Handler) showInteraction(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	uri := q.Get("uri")
	if uri == "" {
		uri = q.Get("acct") // older Mastodon links
	}
	v, err := h.interactionViewer(w, r, uri)
	if v == nil {
		return err
	}
	if uri == "" {
		return &pageError{"Nothing to show", fault.BadRequest("No account or post was named.")}
	}
	t, err := h.core.FindInteractionTarget(r.Context(), v, uri)
	if errors.Is(err, fault.ErrRecordNotFound) {
		return &pageError{"Not found",
			fault.NotFound("Nothing could be found at that address. It may be private, deleted, or its server unreachable.")}
	}
	if err != nil {
		return err
	}
	d := interactionData{URI: uri, Account: t.Account, Acct: t.Account.Acct(), ProfileURL: t.Account.URL,
		DisplayName: template.HTML(text.EmojifyText(t.Account.DisplayName, h.core.Files.EmojiURLs(t.Account.Domain, t.Account.DisplayName))),
		Done:        doneMessages[q.Get("done")], Self: t.Account.ID == v.AccountID(),
		Following: t.Relationship.Following, Requested: t.Relationship.Requested}
	if t.Account.Local() {
		d.Acct += "@" + h.core.Config.Domain
		d.ProfileURL = h.core.AccountURL(t.Account.Username)
	}
	title := "Follow " + t.Account.Acct()
	if sv := t.Status; sv != nil {
		st := sv.Status
		d.ID = ids.Format(st.ID)
		emojis := h.core.Files.EmojiURLs(sv.Account.Domain, st.Content)
		d.Status = &interactionStatus{Content: template.HTML(text.EmojifyHTML(st.Content, emojis)), URL: st.URL, Favourited: sv.Favourited,
			Reblogged: sv.Reblogged, CanBoost: st.Visibility == model.Public || st.Visibility == model.Unlisted}
		title = "Interact with a post"
	} else {
		d.ID = ids.Format(t.Account.ID)
	}
	h.show(w, r, http.StatusOK, "interaction", title, "", d)
	return nil
}

// interact handles the page's form: follow the account, or favourite or
// boost the status, through the same use cases as the client API, then
// back to the page (POST, redirect, GET).
func (h *Handler) interact(w http.ResponseWriter, r *http.Request) error {
	if err := h.readForm(w, r); err != nil {
		return err
	}
	uri := r.PostFormValue("uri")
	v, err := h.interactionViewer(w, r, uri)
	if v == nil {
		return err
	}
	id, valid := ids.Parse(r.PostFormValue("id"))
	if !valid {
		return session.ErrFormUnreadable
	}
	ctx := r.Context()
	action := r.PostFormValue("action")
	switch action {
	case "follow":
		_, err = h.core.Social.Follow(ctx, v, id, social.FollowOptions{})
	case "favourite":
		_, err = h.core.Favourite(ctx, v, id)
	case "reblog":
		_, err = h.core.Reblog(ctx, v, id, "")
	default:
		return &pageError{"Bad request", fault.BadRequest("Unknown action.")}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, interactionPath(uri)+"&done="+action, http.StatusSeeOther)
	return nil
}

// interactionViewer finds the signed-in user. Without one it sends the
// browser to sign in and come back to the page for uri, and returns no
// viewer and no error; a session that cannot act (pending approval) is
// its error.
func (h *Handler) interactionViewer(w http.ResponseWriter, r *http.Request, uri string) (*model.Viewer, error) {
	v, err := session.Viewer(h.core.Accounts, r)
	if err == nil {
		return v, nil
	}
	if e, ok := fault.As(err); ok && e.Status == http.StatusUnauthorized {
		http.Redirect(w, r, "/auth/sign_in?return_to="+url.QueryEscape(interactionPath(uri)), http.StatusFound)
		return nil, nil
	}
	return nil, err
}

// interactionPath is the page's path for uri.
func interactionPath(uri string) string {
	return "/authorize_interaction?uri=" + url.QueryEscape(uri)
}
