package web

import (
	"context"
	"net/http"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
)

// statusActions are the forms of a status's action bar, by the last
// segment of their path, each the use case the client API calls for it.
var statusActions = map[string]func(c *core.Core, ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error){
	"favourite":   (*core.Core).Favourite,
	"unfavourite": (*core.Core).Unfavourite,
	"reblog": func(c *core.Core, ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
		return c.Reblog(ctx, v, id, "")
	},
	"unreblog":   (*core.Core).Unreblog,
	"bookmark":   (*core.Core).Bookmark,
	"unbookmark": (*core.Core).Unbookmark,
	"pin":        (*core.Core).Pin,
	"unpin":      (*core.Core).Unpin,
}

// statusState is the answer to actions.js: the status's flags and counts
// after the action, by Mastodon's names.
type statusState struct {
	ID              string `json:"id"`
	Favourited      bool   `json:"favourited"`
	Reblogged       bool   `json:"reblogged"`
	Bookmarked      bool   `json:"bookmarked"`
	Pinned          bool   `json:"pinned"`
	RepliesCount    int64  `json:"replies_count"`
	ReblogsCount    int64  `json:"reblogs_count"`
	FavouritesCount int64  `json:"favourites_count"`
}

// statusAction handles POST /statuses/{id}/favourite, unfavourite, reblog,
// unreblog, bookmark, unbookmark, pin and unpin: back to the page (303),
// or the status's new state as JSON for the script.
func (h *Handler) statusAction(w http.ResponseWriter, r *http.Request) {
	act, known := statusActions[r.PathValue("action")]
	if !known {
		http.NotFound(w, r)
		return
	}
	v, id, ok := h.postedTarget(w, r)
	if !ok {
		return
	}
	sv, err := act(h.core, r.Context(), v, id)
	if err != nil {
		h.failAction(w, r, err)
		return
	}
	if isFetch(r) {
		if sv.Reblog != nil { // a boost answers with the boost; the buttons are the original's
			sv = sv.Reblog
		}
		st := sv.Status
		writeJSON(w, http.StatusOK, statusState{ID: ids.Format(st.ID), Favourited: sv.Favourited, Reblogged: sv.Reblogged,
			Bookmarked: sv.Bookmarked, Pinned: sv.Pinned,
			RepliesCount: st.RepliesCount, ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount})
		return
	}
	http.Redirect(w, r, withFragment(h.backPath(r, "/home"), "s-"+r.PathValue("id")), http.StatusSeeOther)
}

// accountActions are the forms acting on an account, by the last segment
// of their path.
var accountActions = map[string]func(c *core.Core, ctx context.Context, v *model.Viewer, id int64) (*model.Relationship, error){
	"follow": func(c *core.Core, ctx context.Context, v *model.Viewer, id int64) (*model.Relationship, error) {
		return c.Follow(ctx, v, id, core.FollowOptions{})
	},
	"unfollow": (*core.Core).Unfollow,
	"block":    (*core.Core).Block,
	"unblock":  (*core.Core).Unblock,
	"mute": func(c *core.Core, ctx context.Context, v *model.Viewer, id int64) (*model.Relationship, error) {
		return c.Mute(ctx, v, id, core.MuteOptions{Notifications: true})
	},
	"unmute": (*core.Core).Unmute,
}

// relationshipState is the answer to actions.js after an account action.
type relationshipState struct {
	ID         string `json:"id"`
	Following  bool   `json:"following"`
	Requested  bool   `json:"requested"`
	FollowedBy bool   `json:"followed_by"`
	Blocking   bool   `json:"blocking"`
	Muting     bool   `json:"muting"`
}

func relationshipJSON(rel *model.Relationship) relationshipState {
	return relationshipState{ID: ids.Format(rel.ID), Following: rel.Following, Requested: rel.Requested,
		FollowedBy: rel.FollowedBy, Blocking: rel.Blocking, Muting: rel.Muting}
}

// accountAction handles POST /accounts/{id}/follow, unfollow, block,
// unblock, mute and unmute (a locked account's follow is a request):
// back to the page (303), or the relationship as JSON for the script.
func (h *Handler) accountAction(w http.ResponseWriter, r *http.Request) {
	act, known := accountActions[r.PathValue("action")]
	if !known {
		http.NotFound(w, r)
		return
	}
	v, id, ok := h.postedTarget(w, r)
	if !ok {
		return
	}
	rel, err := act(h.core, r.Context(), v, id)
	if err != nil {
		h.failAction(w, r, err)
		return
	}
	if isFetch(r) {
		writeJSON(w, http.StatusOK, relationshipJSON(rel))
		return
	}
	http.Redirect(w, r, h.backPath(r, "/home"), http.StatusSeeOther)
}

// confirmData fills confirm.html: a question about an account or a
// status, answered by one form (or two: delete, and delete and redraft).
type confirmData struct {
	Heading  string
	Question string
	Account  *accountItem
	Status   *statusItem
	Page     *page
	Forms    []confirmForm
	ReturnTo string // where the forms and Cancel lead back to
}

type confirmForm struct {
	Action, Button string
	Danger         bool
}

// accountActionForm handles GET /accounts/{id}/block and /mute (asked
// before acting, as Mastodon's web UI asks).
func (h *Handler) accountActionForm(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	if action != "block" && action != "mute" {
		http.NotFound(w, r)
		return
	}
	v := h.requireUser(w, r)
	if v == nil {
		return
	}
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		h.fail(w, r, fault.ErrRecordNotFound)
		return
	}
	a, err := h.core.Account(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	item := h.accountItem(a)
	d := &confirmData{Account: &item, ReturnTo: h.refererPath(r)}
	if d.ReturnTo == "" {
		d.ReturnTo = item.Page
	}
	path := "/accounts/" + item.ID + "/" + action
	if action == "block" {
		d.Heading = "Block " + item.Handle + "?"
		d.Question = "They will no longer be able to follow you or see your posts, and you will not see theirs. They may see that they are blocked."
		d.Forms = []confirmForm{{Action: path, Button: "Block", Danger: true}}
	} else {
		d.Heading = "Mute " + item.Handle + "?"
		d.Question = "You will no longer see their posts or notifications from them. They will not know they are muted."
		d.Forms = []confirmForm{{Action: path, Button: "Mute", Danger: true}}
	}
	p := h.newPage(r, d.Heading, v, d)
	d.Page = p
	h.render(w, r, http.StatusOK, "confirm", p)
}

// followRequestAction handles POST /follow_requests/{id}/authorize and
// /reject, {id} the account asking.
func (h *Handler) followRequestAction(w http.ResponseWriter, r *http.Request) {
	var act func(context.Context, *model.Viewer, int64) (*model.Relationship, error)
	switch r.PathValue("action") {
	case "authorize":
		act = h.core.AuthorizeFollowRequest
	case "reject":
		act = h.core.RejectFollowRequest
	default:
		http.NotFound(w, r)
		return
	}
	v, id, ok := h.postedTarget(w, r)
	if !ok {
		return
	}
	rel, err := act(r.Context(), v, id)
	if err != nil {
		h.failAction(w, r, err)
		return
	}
	if isFetch(r) {
		writeJSON(w, http.StatusOK, relationshipJSON(rel))
		return
	}
	http.Redirect(w, r, h.backPath(r, "/notifications"), http.StatusSeeOther)
}
