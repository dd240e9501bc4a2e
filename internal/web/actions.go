package web

import (
	"context"
	"net/http"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/core/social"
	"herd/internal/door"
	"herd/internal/ids"
	"herd/internal/model"
)

// statusUseCase is a use case of a status's action bar, the one the
// client API calls for the same action (routes.go lists them).
type statusUseCase func(c *core.Core, ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error)

// reblog boosts publicly, as the action bar's button does.
func reblog(c *core.Core, ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	return c.Reblog(ctx, v, id, "")
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
// unreblog, bookmark, unbookmark, pin and unpin, each with its use case:
// back to the page (303), or the status's new state as JSON for the
// script.
func (h *Handler) statusAction(act statusUseCase) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := h.postedTarget(w, r)
		if err != nil {
			return err
		}
		sv, err := act(h.core, r.Context(), h.viewer(r), id)
		if err != nil {
			return err
		}
		if isFetch(r) {
			if sv.Reblog != nil { // a boost answers with the boost; the buttons are the original's
				sv = sv.Reblog
			}
			st := sv.Status
			writeJSON(w, http.StatusOK, statusState{ID: ids.Format(st.ID), Favourited: sv.Favourited, Reblogged: sv.Reblogged,
				Bookmarked: sv.Bookmarked, Pinned: sv.Pinned,
				RepliesCount: st.RepliesCount, ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount})
			return nil
		}
		http.Redirect(w, r, withFragment(h.backPath(r, "/home"), "s-"+r.PathValue("id")), http.StatusSeeOther)
		return nil
	}
}

// relationshipUseCase is a use case acting on an account, the one the
// client API calls for the same action (routes.go lists them).
type relationshipUseCase func(s *social.Service, ctx context.Context, v *model.Viewer, id int64) (*model.Relationship, error)

// follow follows, or asks to follow a locked account.
func follow(s *social.Service, ctx context.Context, v *model.Viewer, id int64) (*model.Relationship, error) {
	return s.Follow(ctx, v, id, social.FollowOptions{})
}

// mute mutes the account and its notifications.
func mute(s *social.Service, ctx context.Context, v *model.Viewer, id int64) (*model.Relationship, error) {
	return s.Mute(ctx, v, id, social.MuteOptions{Notifications: true})
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
// unblock, mute and unmute (a locked account's follow is a request), each
// with its use case: back to the page (303), or the relationship as JSON
// for the script.
func (h *Handler) accountAction(act relationshipUseCase) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.relationshipAction(w, r, act, "/home")
	}
}

// relationshipAction runs act on the account {id} for the viewer, then
// answers the script with the relationship, or sends the browser back
// (to fallback when it cannot tell where from).
func (h *Handler) relationshipAction(w http.ResponseWriter, r *http.Request, act relationshipUseCase, fallback string) error {
	id, err := h.postedTarget(w, r)
	if err != nil {
		return err
	}
	rel, err := act(h.core.Social, r.Context(), h.viewer(r), id)
	if err != nil {
		return err
	}
	if isFetch(r) {
		writeJSON(w, http.StatusOK, relationshipJSON(rel))
		return nil
	}
	http.Redirect(w, r, h.backPath(r, fallback), http.StatusSeeOther)
	return nil
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

// accountActionForm handles GET /accounts/{id}/block and /mute, action
// (asked before acting, as Mastodon's web UI asks).
func (h *Handler) accountActionForm(action string) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.confirmAccountAction(w, r, action)
	}
}

func (h *Handler) confirmAccountAction(w http.ResponseWriter, r *http.Request, action string) error {
	v := h.viewer(r)
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return fault.ErrRecordNotFound
	}
	a, err := h.core.Account(r.Context(), id)
	if err != nil {
		return err
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
	return nil
}

// followRequestAction handles POST /follow_requests/{id}/authorize and
// /reject, {id} the account asking.
func (h *Handler) followRequestAction(act relationshipUseCase) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.relationshipAction(w, r, act, "/notifications")
	}
}
