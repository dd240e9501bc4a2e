package api

import (
	"net/http"

	"herd/internal/core/fault"
	"herd/internal/core/lists"
	"herd/internal/ids"
	"herd/internal/model"
)

// List is Mastodon's List entity.
type List struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func listEntity(l *model.List) List {
	return List{ID: ids.Format(l.ID), Title: l.Title, RepliesPolicy: l.RepliesPolicy, Exclusive: l.Exclusive}
}

func writeLists(w http.ResponseWriter, ls []*model.List, err error) error {
	if err != nil {
		return err
	}
	out := make([]List, 0, len(ls))
	for _, l := range ls {
		out = append(out, listEntity(l))
	}
	return writeJSON(w, out)
}

func writeList(w http.ResponseWriter, l *model.List, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, listEntity(l))
}

// listInput reads title, replies_policy and exclusive, each only when sent.
func listInput(p params) lists.Input {
	var in lists.Input
	if p.has("title") {
		t := p.str("title")
		in.Title = &t
	}
	if p.has("replies_policy") {
		rp := p.str("replies_policy")
		in.RepliesPolicy = &rp
	}
	in.Exclusive = boolParam(p, "exclusive")
	return in
}

// getLists handles GET /api/v1/lists (unpaged, as Mastodon's).
func (a *API) getLists(w http.ResponseWriter, r *http.Request) error {
	ls, err := a.core.Lists.Lists(r.Context(), viewerOf(r))
	return writeLists(w, ls, err)
}

// getList handles GET /api/v1/lists/{id}.
func (a *API) getList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := a.core.Lists.List(r.Context(), viewerOf(r), id)
	return writeList(w, l, err)
}

// createList handles POST /api/v1/lists.
func (a *API) createList(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	l, err := a.core.Lists.Create(r.Context(), viewerOf(r), listInput(p))
	return writeList(w, l, err)
}

// updateList handles PUT /api/v1/lists/{id}.
func (a *API) updateList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	l, err := a.core.Lists.Update(r.Context(), viewerOf(r), id, listInput(p))
	return writeList(w, l, err)
}

// deleteList handles DELETE /api/v1/lists/{id}.
func (a *API) deleteList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.core.Lists.Delete(r.Context(), viewerOf(r), id); err != nil {
		return err
	}
	return emptyObject(w, r)
}

// listAccounts handles GET /api/v1/lists/{id}/accounts: 40 by default, at
// most 80, and limit=0 for every member unpaged (Mastodon's unlimited?).
func (a *API) listAccounts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	pg, err := pageParams(p, 40, 80)
	if err != nil {
		return err
	}
	all := p.str("limit") == "0"
	members, err := a.core.Lists.Accounts(r.Context(), viewerOf(r), id, pg, all)
	if all && err == nil {
		out := make([]Account, 0, len(members))
		for _, m := range members {
			out = append(out, a.accountEntity(m.Account))
		}
		return writeJSON(w, out)
	}
	return a.writeAccountList(w, r, members, err)
}

// listAccountIDs reads account_ids[]; an id that cannot be one names no
// account (Mastodon's Account.find: 404).
func listAccountIDs(r *http.Request) ([]int64, error) {
	p, err := parseParams(r)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, s := range p.list("account_ids") {
		id, ok := ids.Parse(s)
		if !ok {
			return nil, fault.ErrRecordNotFound
		}
		out = append(out, id)
	}
	return out, nil
}

// addListAccounts handles POST /api/v1/lists/{id}/accounts.
func (a *API) addListAccounts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	accounts, err := listAccountIDs(r)
	if err != nil {
		return err
	}
	if err := a.core.Lists.AddAccounts(r.Context(), viewerOf(r), id, accounts); err != nil {
		return err
	}
	return emptyObject(w, r)
}

// removeListAccounts handles DELETE /api/v1/lists/{id}/accounts.
func (a *API) removeListAccounts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	accounts, err := listAccountIDs(r)
	if err != nil {
		return err
	}
	if err := a.core.Lists.RemoveAccounts(r.Context(), viewerOf(r), id, accounts); err != nil {
		return err
	}
	return emptyObject(w, r)
}

// accountLists handles GET /api/v1/accounts/{id}/lists: the viewer's lists
// holding that account.
func (a *API) accountLists(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ls, err := a.core.Lists.ListsWith(r.Context(), viewerOf(r), id)
	return writeLists(w, ls, err)
}

// listTimeline handles GET /api/v1/timelines/list/{id}.
func (a *API) listTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	pg, err := pageParams(p, 20, 40)
	if err != nil {
		return err
	}
	page, err := a.core.Lists.Timeline(r.Context(), viewerOf(r), id, pg)
	if err != nil {
		return err
	}
	return a.writeStatusPage(w, r, page)
}
