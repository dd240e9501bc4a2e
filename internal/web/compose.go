package web

import (
	"context"
	"net/http"
	"os"
	"strings"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
)

// composeData fills the composer: empty for a new post, filled for a
// reply (InReplyToID, mentions in Text), an edit, a redraft, or a post
// that failed and comes back with what was written.
type composeData struct {
	Action, Button       string
	Text, SpoilerText    string
	Visibility, Language string
	InReplyToID          string
	Sensitive            bool
	MaxChars             int
	MaxMedia             int
	ReturnTo             string         // where the browser goes once posted (a path here)
	Media                []composeMedia // attachments already uploaded: an edit's, a redraft's, a failed post's
	Editing              bool           // an edit: the visibility cannot change
}

// composeMedia is an upload the composer keeps (a checkbox to drop it,
// its alt text editable).
type composeMedia struct {
	ID, Type, Preview, Description string
}

// FreeSlots numbers the file inputs the composer offers: as many as may
// still be attached.
func (c *composeData) FreeSlots() []int {
	var out []int
	for i := len(c.Media); i < c.MaxMedia; i++ {
		out = append(out, i+1)
	}
	return out
}

// composeOf is the composer of page p: the one its data carries
// (Compose *composeData), or a new post with the user's defaults.
func (h *Handler) composeOf(p *page) *composeData {
	if withCompose, ok := p.Data.(interface{ composer() *composeData }); ok {
		if c := withCompose.composer(); c != nil {
			return c
		}
	}
	return h.newCompose(p.Viewer)
}

func (h *Handler) newCompose(v *model.Viewer) *composeData {
	c := &composeData{Action: "/statuses", Button: "Publish", Visibility: "public",
		MaxChars: h.core.Config.MaxStatusChars, MaxMedia: h.core.Config.MaxMediaAttachments}
	if v != nil && v.User != nil {
		if v.User.DefaultPrivacy != "" {
			c.Visibility = string(v.User.DefaultPrivacy)
		}
		c.Language, c.Sensitive = v.User.DefaultLanguage, v.User.DefaultSensitive
	}
	return c
}

func (h *Handler) composeMedia(m *model.MediaAttachment) composeMedia {
	file, preview := h.core.Files.AttachmentURLs(m)
	if preview == "" {
		preview = file
	}
	return composeMedia{ID: ids.Format(m.ID), Type: m.Type, Preview: preview, Description: m.Description}
}

// composePageData fills compose.html: the composer on a page of its own,
// for an edit, a redraft, or a post that must be corrected.
type composePageData struct {
	Heading string
	ReplyTo *statusItem // the status answered, shown above
	Compose *composeData
	Page    *page
}

func (d *composePageData) composer() *composeData { return d.Compose }

// showCompose renders the composer page.
func (h *Handler) showCompose(w http.ResponseWriter, r *http.Request, v *model.Viewer, status int, heading string,
	c *composeData, errMsg string) {
	d := &composePageData{Heading: heading, Compose: c}
	if id, ok := ids.Parse(c.InReplyToID); ok {
		if sv, err := h.core.Status(r.Context(), v, id); err == nil {
			item := h.statusItem(v, sv)
			d.ReplyTo = &item
		}
	}
	p := h.newPage(r, heading, v, d)
	p.Error = errMsg
	d.Page = p
	h.render(w, r, status, "compose", p)
}

// composeFailed shows the composer again with what was written and why
// it was refused (422 for what the user can correct); a server error is
// returned to be answered.
func (h *Handler) composeFailed(w http.ResponseWriter, r *http.Request, v *model.Viewer, heading string, c *composeData, err error) error {
	e, ok := fault.As(err)
	if !ok || e.Status >= 500 {
		return err
	}
	status := e.Status
	if status == http.StatusNotFound || status == http.StatusForbidden {
		// The status answered is gone or hidden: still the form to correct.
		status = http.StatusUnprocessableEntity
	}
	h.showCompose(w, r, v, status, heading, c, strings.TrimPrefix(e.Message, "Validation failed: "))
	return nil
}

// fillCompose copies a submitted form's text fields into c, so that a
// refused post comes back as it was written.
func fillCompose(c *composeData, f *composeForm, back string) {
	val := f.values.Get
	c.Text, c.SpoilerText, c.Language = val("status"), val("spoiler_text"), val("language")
	if vis := val("visibility"); vis != "" {
		c.Visibility = vis
	}
	c.InReplyToID = val("in_reply_to_id")
	c.Sensitive = val("sensitive") != ""
	c.ReturnTo = back
}

// postStatus handles POST /statuses, the composer: text, content warning,
// visibility, language, sensitivity, the status answered, uploads kept
// from an earlier try or a redraft, and new files each with its alt text.
// Posted, the browser goes back where it was, to the new post; refused,
// the composer comes back filled in with the reason (nothing is posted:
// uploads already made stay in the composer).
func (h *Handler) postStatus(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	f, err := h.readComposeForm(w, r)
	if err != nil {
		return err
	}
	defer f.close()
	back := h.backPath(r, "")
	c := h.newCompose(v)
	fillCompose(c, f, back)
	heading := "New post"
	if c.InReplyToID != "" {
		heading = "Reply"
	}
	ctx := r.Context()
	mediaIDs, err := h.keepUploads(ctx, v, f, c)
	if err == nil {
		err = h.upload(ctx, v, f, c, &mediaIDs)
	}
	if err != nil {
		return h.composeFailed(w, r, v, heading, c, err)
	}
	n := core.NewStatus{Text: c.Text, SpoilerText: c.SpoilerText, Visibility: model.Visibility(c.Visibility),
		Language: c.Language, Sensitive: &c.Sensitive, MediaIDs: mediaIDs}
	if c.InReplyToID != "" {
		var ok bool
		if n.InReplyToID, ok = ids.Parse(c.InReplyToID); !ok {
			return h.composeFailed(w, r, v, heading, c, fault.ErrRecordNotFound)
		}
	}
	st, err := h.core.PostStatus(ctx, v, n)
	if err != nil {
		return h.composeFailed(w, r, v, heading, c, err)
	}
	id := ids.Format(st.ID)
	if back == "" {
		back = "/@" + v.Account.Username + "/" + id
	}
	http.Redirect(w, r, withFragment(back, "s-"+id), http.StatusSeeOther)
	return nil
}

// keepUploads takes the uploads the form keeps (media_ids, from an
// earlier try or a redraft) with their alt text as now written, and adds
// them to the composer.
func (h *Handler) keepUploads(ctx context.Context, v *model.Viewer, f *composeForm, c *composeData) ([]string, error) {
	var out []string
	for _, raw := range f.values["media_ids"] {
		id, ok := ids.Parse(raw)
		if !ok {
			return out, fault.Unprocessable("Validation failed: Media attachments are invalid")
		}
		m, err := h.core.Files.OwnUnattachedMedia(ctx, v, id)
		if err != nil {
			return out, fault.Unprocessable("Validation failed: Media attachments are invalid")
		}
		if alt, sent := f.values["media_alt_"+raw]; sent && alt[0] != m.Description {
			if m, err = h.core.Files.UpdateMedia(ctx, v, id, &alt[0], nil); err != nil {
				return out, err
			}
		}
		c.Media = append(c.Media, h.composeMedia(m))
		out = append(out, raw)
	}
	return out, nil
}

// upload processes the form's new files (waiting for video and audio to
// be transcoded: the post needs them ready), adding each to the composer
// and its id to mediaIDs.
func (h *Handler) upload(ctx context.Context, v *model.Viewer, f *composeForm, c *composeData, mediaIDs *[]string) error {
	for _, file := range f.files {
		fh, err := os.Open(file.path)
		if err != nil {
			return err
		}
		m, err := h.core.Files.UploadMedia(ctx, v, fh, file.description, "")
		fh.Close()
		if err != nil {
			return err
		}
		c.Media = append(c.Media, h.composeMedia(m))
		*mediaIDs = append(*mediaIDs, ids.Format(m.ID))
	}
	return nil
}
