package web

import (
	"context"
	"net/http"

	"herd/internal/core"
	"herd/internal/core/social"
	"herd/internal/door"
)

// access says who may use a route.
type access int

const (
	// anyone: visitors too; a page shows who is signed in, if anyone is.
	anyone access = iota
	// user: a signed-in user (h.viewer), whom the handler acts for; a
	// visitor is sent to sign in instead (signInFirst).
	user
)

// routes registers every route of the web interface on mux, top to bottom:
// the method and path, who may use it, and the handler. A page's failure is
// answered on the error page (JSON to the pages' script), a sign-in page's
// on a panel of its own (failures.go).
//
// Browsers' GETs of /@NAME, /@NAME@HOST, their tabs and feeds, and
// /@NAME/ID are not on mux, whose patterns cannot start a segment with
// "@": the server sends them to ServeProfilePath, for anyone (profile.go).
//
// Where a path's last segment names an action, the actions known are
// listed, and the rest of the segment's values answer 404 (405 for other
// methods) as no route would.
func (h *Handler) routes(mux *http.ServeMux) {
	page := func(pattern string, acc access, fn door.Func) { mux.Handle(pattern, h.serve(acc, fn)) }
	panel := func(pattern string, fn door.Func) { mux.Handle(pattern, h.panelErrors.Handler(fn)) }
	unknown := func(pattern string) { mux.HandleFunc(pattern, http.NotFound) }

	// The start page (the landing page, or home for a user) and the static
	// files.
	page("GET /{$}", anyone, h.root)
	mux.Handle("GET /assets/{name}", h.assets)

	// Signing in, up and out; forgotten passwords (signin.go, password.go).
	panel("GET /auth/sign_in", h.signInForm)
	panel("POST /auth/sign_in", h.signIn)
	panel("GET /auth/sign_up", h.signUpForm)
	panel("POST /auth/sign_up", h.signUp)
	panel("POST /auth/sign_out", h.signOut)
	panel("GET /auth/password/new", h.passwordForm)
	panel("POST /auth/password", h.requestPasswordReset)
	panel("GET /auth/password/edit", h.newPasswordForm)
	panel("POST /auth/password/edit", h.resetPassword)

	// Public pages (about.go, tags.go, status_page.go, timelines.go).
	page("GET /about", anyone, h.about)
	page("GET /privacy-policy", anyone, h.privacyPolicy)
	page("GET /tags/{name}", anyone, h.tagPage)
	page("GET /statuses/{id}", anyone, h.statusRedirect)
	page("GET /public/local", anyone, h.localTimeline)
	page("GET /public", anyone, h.federatedTimeline)
	h.profilePaths = h.serve(anyone, h.profilePath) // GET /@…, see above

	// Acting on another server's account or post (interaction.go): its
	// handlers send a visitor to sign in themselves, to come back to the
	// interaction asked.
	page("GET /authorize_interaction", anyone, h.showInteraction)
	page("POST /authorize_interaction", anyone, h.interact)

	// The web client's pages (timelines.go, notifications.go, saved.go,
	// search.go, lists.go).
	page("GET /home", user, h.home)
	page("GET /notifications", user, h.notifications)
	page("GET /bookmarks", user, h.bookmarks)
	page("GET /favourites", user, h.favourites)
	page("GET /search", user, h.search)
	// Lists (lists.go): the page of lists, each list's timeline, and
	// the forms that change them (a profile adds and removes members).
	page("GET /lists", user, h.lists)
	page("POST /lists", user, h.createList)
	page("GET /lists/{id}", user, h.listTimeline)
	page("POST /lists/{id}/rename", user, h.renameList)
	page("POST /lists/{id}/delete", user, h.deleteList)
	page("POST /lists/{id}/add", user, h.listMember(true))
	page("POST /lists/{id}/remove", user, h.listMember(false))
	// Their live updates: what is new, as server-sent events (stream.go).
	page("GET /stream", user, h.stream)

	// Posting, editing and deleting (compose.go, status_edit.go).
	page("POST /statuses", user, h.postStatus)
	page("GET /statuses/{id}/edit", user, h.editForm)
	page("POST /statuses/{id}/edit", user, h.editStatus)
	page("GET /statuses/{id}/delete", user, h.deleteForm)
	page("POST /statuses/{id}/delete", user, h.deleteStatus)
	page("POST /statuses/{id}/redraft", user, h.redraft)

	// A status's action bar (actions.go).
	page("POST /statuses/{id}/favourite", user, h.statusAction((*core.Core).Favourite))
	page("POST /statuses/{id}/unfavourite", user, h.statusAction((*core.Core).Unfavourite))
	page("POST /statuses/{id}/reblog", user, h.statusAction(reblog))
	page("POST /statuses/{id}/unreblog", user, h.statusAction((*core.Core).Unreblog))
	page("POST /statuses/{id}/bookmark", user, h.statusAction((*core.Core).Bookmark))
	page("POST /statuses/{id}/unbookmark", user, h.statusAction((*core.Core).Unbookmark))
	page("POST /statuses/{id}/pin", user, h.statusAction((*core.Core).Pin))
	page("POST /statuses/{id}/unpin", user, h.statusAction((*core.Core).Unpin))
	unknown("POST /statuses/{id}/{action}")

	// Acting on accounts (actions.go, report.go): block and mute are asked
	// first, a report is a form of its own.
	page("GET /accounts/{id}/block", user, h.accountActionForm("block"))
	page("GET /accounts/{id}/mute", user, h.accountActionForm("mute"))
	page("GET /accounts/{id}/report", user, h.reportForm)
	unknown("GET /accounts/{id}/{action}")
	page("POST /accounts/{id}/follow", user, h.accountAction(follow))
	page("POST /accounts/{id}/unfollow", user, h.accountAction((*social.Service).Unfollow))
	page("POST /accounts/{id}/block", user, h.accountAction((*social.Service).Block))
	page("POST /accounts/{id}/unblock", user, h.accountAction((*social.Service).Unblock))
	page("POST /accounts/{id}/mute", user, h.accountAction(mute))
	page("POST /accounts/{id}/unmute", user, h.accountAction((*social.Service).Unmute))
	page("POST /accounts/{id}/report", user, h.report)
	unknown("POST /accounts/{id}/{action}")
	page("POST /follow_requests/{id}/authorize", user, h.followRequestAction((*social.Service).AuthorizeFollowRequest))
	page("POST /follow_requests/{id}/reject", user, h.followRequestAction((*social.Service).RejectFollowRequest))
	unknown("POST /follow_requests/{id}/{action}")

	// Settings: the profile (settings_profile.go), posting preferences
	// (settings_preferences.go), and the account's email, password,
	// sessions and apps (settings_account.go).
	page("GET /settings", anyone, redirectTo("/settings/profile"))
	page("GET /settings/profile", user, h.profileSettings)
	page("POST /settings/profile", user, h.saveProfile)
	page("POST /settings/profile/avatar/delete", user, h.deleteProfilePicture("avatar"))
	page("POST /settings/profile/header/delete", user, h.deleteProfilePicture("header"))
	unknown("POST /settings/profile/{picture}/delete")
	page("GET /settings/preferences", user, h.preferencesSettings)
	page("POST /settings/preferences", user, h.savePreferences)
	page("GET /settings/account", user, h.accountSettings)
	page("POST /settings/account/email", user, h.changeEmail)
	page("POST /settings/account/password", user, h.changePassword)
	page("POST /settings/account/sessions/revoke", user, h.revokeSession)
	page("POST /settings/account/apps/{id}/revoke", user, h.revokeApp)
}

// viewerKey holds the signed-in viewer a user route runs for.
type viewerKey struct{}

// serve adapts a handler to its access rule, answering its failures on
// the error page: a user route runs with the signed-in viewer in its
// request (h.viewer finds it there), and sends a visitor to sign in.
func (h *Handler) serve(acc access, fn door.Func) http.Handler {
	if acc == anyone {
		return h.pageErrors.Handler(fn)
	}
	return h.pageErrors.Handler(func(w http.ResponseWriter, r *http.Request) error {
		v := h.viewer(r)
		if v == nil {
			return h.signInFirst(w, r)
		}
		return fn(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	})
}

// redirectTo answers with a redirect to path (302).
func redirectTo(path string) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, path, http.StatusFound)
		return nil
	}
}
