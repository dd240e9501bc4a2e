package web

import (
	"context"
	"net/http"

	"herd/internal/core/fault"
	"herd/internal/core/lists"
	"herd/internal/core/timelines"
	"herd/internal/ids"
	"herd/internal/model"
)

// listItem is a list as the templates show it; Member says, on a
// profile, whether the account shown is in it.
type listItem struct {
	ID, Title string
	Member    bool
}

// listsData fills lists.html.
type listsData struct {
	Lists []listItem
	Limit int
}

func listItems(ls []*model.List, members map[int64]bool) []listItem {
	out := make([]listItem, 0, len(ls))
	for _, l := range ls {
		out = append(out, listItem{ID: ids.Format(l.ID), Title: l.Title, Member: members[l.ID]})
	}
	return out
}

// lists handles GET /lists: the user's lists, each to open, rename or
// delete, and a form for a new one.
func (h *Handler) lists(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	ls, err := h.core.Lists.Lists(r.Context(), v)
	if err != nil {
		return err
	}
	d := &listsData{Lists: listItems(ls, nil), Limit: lists.PerAccountLimit}
	p := h.newPage(r, "Lists", v, d)
	p.Nav = "lists"
	h.render(w, r, http.StatusOK, "lists", p)
	return nil
}

// createList handles POST /lists.
func (h *Handler) createList(w http.ResponseWriter, r *http.Request) error {
	if err := h.readForm(w, r); err != nil {
		return err
	}
	title := r.PostFormValue("title")
	if _, err := h.core.Lists.Create(r.Context(), h.viewer(r), lists.Input{Title: &title}); err != nil {
		return err
	}
	http.Redirect(w, r, "/lists", http.StatusSeeOther)
	return nil
}

// renameList handles POST /lists/{id}/rename.
func (h *Handler) renameList(w http.ResponseWriter, r *http.Request) error {
	id, err := h.postedTarget(w, r)
	if err != nil {
		return err
	}
	title := r.PostFormValue("title")
	if _, err := h.core.Lists.Update(r.Context(), h.viewer(r), id, lists.Input{Title: &title}); err != nil {
		return err
	}
	http.Redirect(w, r, "/lists", http.StatusSeeOther)
	return nil
}

// deleteList handles POST /lists/{id}/delete.
func (h *Handler) deleteList(w http.ResponseWriter, r *http.Request) error {
	id, err := h.postedTarget(w, r)
	if err != nil {
		return err
	}
	if err := h.core.Lists.Delete(r.Context(), h.viewer(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/lists", http.StatusSeeOther)
	return nil
}

// listTimeline handles GET /lists/{id}: the list's timeline.
func (h *Handler) listTimeline(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return fault.ErrRecordNotFound
	}
	l, err := h.core.Lists.List(r.Context(), v, id)
	if err != nil {
		return err
	}
	return h.showTimeline(w, r, v, "lists", l.Title, "This list is empty. Add people you follow from their profiles.", false,
		func(ctx context.Context, p model.Page) (*timelines.StatusPage, error) {
			return h.core.Lists.Timeline(ctx, v, id, p)
		})
}

// listMember handles POST /lists/{id}/add and /lists/{id}/remove: the
// account in the form's account_id joins or leaves the list, and the
// browser goes back to the profile it came from.
func (h *Handler) listMember(add bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := h.postedTarget(w, r)
		if err != nil {
			return err
		}
		account, ok := ids.Parse(r.PostFormValue("account_id"))
		if !ok {
			return fault.ErrRecordNotFound
		}
		change := h.core.Lists.RemoveAccounts
		if add {
			change = h.core.Lists.AddAccounts
		}
		if err := change(r.Context(), h.viewer(r), id, []int64{account}); err != nil {
			return err
		}
		http.Redirect(w, r, h.backPath(r, "/lists"), http.StatusSeeOther)
		return nil
	}
}

// profileLists is the viewer's lists with whether they hold the account a
// profile shows, for its "add to list" forms: only for an account the
// viewer follows or asked to follow (no other may be added).
func (h *Handler) profileLists(ctx context.Context, v *model.Viewer, accountID int64) ([]listItem, error) {
	ls, err := h.core.Lists.Lists(ctx, v)
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	in, err := h.core.Lists.ListsWith(ctx, v, accountID)
	if err != nil {
		return nil, err
	}
	members := map[int64]bool{}
	for _, l := range in {
		members[l.ID] = true
	}
	return listItems(ls, members), nil
}
