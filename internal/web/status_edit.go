package web

import (
	"net/http"
	"strings"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
)

// ownStatus loads one of the viewer's own statuses for its edit or
// delete page; another's is not found.
func (h *Handler) ownStatus(r *http.Request, v *model.Viewer) (*model.StatusView, error) {
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return nil, fault.ErrRecordNotFound
	}
	sv, err := h.core.Status(r.Context(), v, id)
	if err == nil && (sv.Status.AccountID != v.AccountID() || sv.Reblog != nil) {
		err = fault.ErrRecordNotFound
	}
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// editCompose is the composer of an edit of sv: its source text, content
// warning, sensitivity, language and attachments.
func (h *Handler) editCompose(v *model.Viewer, sv *model.StatusView) *composeData {
	st := sv.Status
	c := h.newCompose(v)
	c.Action, c.Button, c.Editing = "/statuses/"+ids.Format(st.ID)+"/edit", "Save", true
	c.Text, c.SpoilerText, c.Visibility, c.Language, c.Sensitive = st.Text, st.SpoilerText, string(st.Visibility), st.Language, st.Sensitive
	for _, m := range sv.Media {
		c.Media = append(c.Media, h.composeMedia(m))
	}
	return c
}

// editForm handles GET /statuses/{id}/edit: the composer with the post as
// it was written.
func (h *Handler) editForm(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	sv, err := h.ownStatus(r, v)
	if err != nil {
		return err
	}
	c := h.editCompose(v, sv)
	c.ReturnTo = h.refererPath(r)
	h.showCompose(w, r, v, http.StatusOK, "Edit post", c, "")
	return nil
}

// editStatus handles POST /statuses/{id}/edit: new text, content warning,
// sensitivity and language; attachments kept (their alt text as now
// written), dropped or added. The visibility and the status answered stay.
func (h *Handler) editStatus(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	f, err := h.readComposeForm(w, r)
	if err != nil {
		return err
	}
	defer f.close()
	sv, err := h.ownStatus(r, v)
	if err != nil {
		return err
	}
	back := h.backPath(r, "")
	c := h.editCompose(v, sv)
	vis := c.Visibility
	fillCompose(c, f, back)
	c.Visibility, c.InReplyToID = vis, ""
	req := core.StatusEditRequest{Text: c.Text, SpoilerText: &c.SpoilerText, Sensitive: &c.Sensitive, Language: &c.Language}
	kept := map[string]bool{}
	for _, id := range f.values["media_ids"] {
		kept[id] = true
	}
	current := c.Media
	c.Media = nil
	for _, m := range current {
		if !kept[m.ID] {
			continue
		}
		if alt, sent := f.values["media_alt_"+m.ID]; sent {
			m.Description = alt[0]
			req.MediaAttributes = append(req.MediaAttributes, core.MediaAttribute{ID: m.ID, Description: &alt[0]})
		}
		c.Media = append(c.Media, m)
		req.MediaIDs = append(req.MediaIDs, m.ID)
		delete(kept, m.ID)
	}
	ctx := r.Context()
	// Uploads of an earlier try of this edit, not attached yet.
	f.values["media_ids"] = filterKept(f.values["media_ids"], kept)
	more, err := h.keepUploads(ctx, v, f, c)
	req.MediaIDs = append(req.MediaIDs, more...)
	if err == nil {
		err = h.upload(ctx, v, f, c, &req.MediaIDs)
	}
	if err == nil {
		_, err = h.core.EditStatus(ctx, v, sv.Status.ID, req)
	}
	if err != nil {
		return h.composeFailed(w, r, v, "Edit post", c, err)
	}
	if back == "" {
		back = h.statusItem(v, sv).Page
	}
	http.Redirect(w, r, withFragment(back, "s-"+ids.Format(sv.Status.ID)), http.StatusSeeOther)
	return nil
}

// filterKept keeps the ids of list still in set, in order.
func filterKept(list []string, set map[string]bool) []string {
	var out []string
	for _, id := range list {
		if set[id] {
			out = append(out, id)
		}
	}
	return out
}

// deleteForm handles GET /statuses/{id}/delete: "Delete this post?", with
// the post, a button to delete and one to delete and redraft (?redraft=1
// asks about the redraft first).
func (h *Handler) deleteForm(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	sv, err := h.ownStatus(r, v)
	if err != nil {
		return err
	}
	item := h.statusItem(v, sv)
	d := &confirmData{Status: &item, ReturnTo: h.refererPath(r)}
	del := confirmForm{Action: "/statuses/" + item.ID + "/delete", Button: "Delete", Danger: true}
	redraft := confirmForm{Action: "/statuses/" + item.ID + "/redraft", Button: "Delete & redraft"}
	if r.URL.Query().Get("redraft") != "" {
		d.Heading = "Delete & redraft this post?"
		d.Question = "The post is deleted and its text and attachments come back in the composer. Its favourites and boosts are lost, and replies to it are orphaned."
		d.Forms = []confirmForm{redraft, del}
	} else {
		d.Heading = "Delete this post?"
		d.Question = "It is removed here and from the servers it was sent to."
		d.Forms = []confirmForm{del, redraft}
	}
	p := h.newPage(r, d.Heading, v, d)
	d.Page = p
	h.render(w, r, http.StatusOK, "confirm", p)
	return nil
}

// deleteStatus handles POST /statuses/{id}/delete, back to where the
// browser came from (the author's profile when that was the post itself).
func (h *Handler) deleteStatus(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	id, err := h.postedTarget(w, r)
	if err != nil {
		return err
	}
	if _, err := h.core.DeleteStatus(r.Context(), v, id); err != nil {
		return err
	}
	if isFetch(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	profile := "/@" + v.Account.Username
	back := h.backPath(r, profile)
	if path, _, _ := strings.Cut(back, "?"); strings.HasSuffix(path, "/"+r.PathValue("id")) || strings.HasPrefix(path, "/statuses/") {
		back = profile
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// redraft handles POST /statuses/{id}/redraft: the post is deleted and its
// text, content warning, visibility, sensitivity, language, the status it
// answered and its attachments (back with the author, unattached) fill
// the composer, as Mastodon's "Delete & redraft".
func (h *Handler) redraft(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	id, err := h.postedTarget(w, r)
	if err != nil {
		return err
	}
	sv, err := h.core.DeleteStatus(r.Context(), v, id)
	if err != nil {
		return err
	}
	st := sv.Status
	c := h.newCompose(v)
	c.Text, c.SpoilerText, c.Visibility, c.Language, c.Sensitive = st.Text, st.SpoilerText, string(st.Visibility), st.Language, st.Sensitive
	if st.InReplyToID != 0 {
		c.InReplyToID = ids.Format(st.InReplyToID)
	}
	for _, m := range sv.Media {
		c.Media = append(c.Media, h.composeMedia(m))
	}
	c.ReturnTo = h.backPath(r, "")
	if path, _, _ := strings.Cut(c.ReturnTo, "?"); strings.HasSuffix(path, "/"+r.PathValue("id")) {
		c.ReturnTo = ""
	}
	h.showCompose(w, r, v, http.StatusOK, "Redraft", c, "")
	return nil
}
