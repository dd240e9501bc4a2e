package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/session"
)

// authorizeParams are the request parameters the consent form carries
// through as hidden fields.
var authorizeParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state",
	"code_challenge", "code_challenge_method", "response_mode"}

func authorizationRequest(v url.Values) accounts.AuthorizationRequest {
	return accounts.AuthorizationRequest{
		ResponseType: v.Get("response_type"), ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"),
		Scope: v.Get("scope"), State: v.Get("state"), CodeChallenge: v.Get("code_challenge"),
		CodeChallengeMethod: v.Get("code_challenge_method"),
	}
}

// consentData fills authorize.html.
type consentData struct {
	AppName  string
	Website  string
	Scopes   []scopeLine
	Account  string
	Hidden   map[string]string
	Redirect string
}

type scopeLine struct{ Name, Description string }

// authorizeForm handles GET /oauth/authorize: check the request, make
// sure someone is signed in (signing in afresh with force_login), then
// show the consent page.
func (h *Handler) authorizeForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	a, err := h.core.Accounts.CheckAuthorization(r.Context(), authorizationRequest(q))
	if err != nil {
		return h.refuse(w, r, a, q.Get("response_mode"), err)
	}
	acct, err := session.Account(h.core.Accounts, r)
	if err != nil || truthy(q.Get("force_login")) {
		if err == nil {
			// force_login lets someone pick another account of this server
			// (docs.joinmastodon.org/methods/oauth#authorize): sign out first.
			if err := h.core.Accounts.SignOut(r.Context(), session.Secret(r)); err != nil {
				return err
			}
			session.Clear(w, h.secure())
		}
		q.Del("force_login")
		// The web interface signs in, then sends the browser back here.
		back := "/oauth/authorize?" + q.Encode()
		http.Redirect(w, r, "/auth/sign_in?return_to="+url.QueryEscape(back), http.StatusFound)
		return nil
	}
	hidden := map[string]string{}
	for _, k := range authorizeParams {
		if v := q.Get(k); v != "" {
			hidden[k] = v
		}
	}
	hidden["redirect_uri"] = a.RedirectURI
	lines := make([]scopeLine, len(a.Scopes))
	for i, s := range a.Scopes {
		lines[i] = scopeLine{Name: s, Description: describeScope(s)}
	}
	h.render(w, r, http.StatusOK, "authorize", "Authorize "+a.App.Name, "", consentData{
		AppName: a.App.Name, Website: a.App.Website, Scopes: lines, Account: acct.Username,
		Hidden: hidden, Redirect: a.RedirectURI,
	})
	return nil
}

// authorizeDecision handles the consent form's POST /oauth/authorize.
func (h *Handler) authorizeDecision(w http.ResponseWriter, r *http.Request) error {
	if err := session.ReadForm(w, r, h.core.BaseURL()); err != nil {
		return err
	}
	acct, err := session.Account(h.core.Accounts, r)
	if err != nil {
		return &pageError{"Not signed in",
			fault.Unauthorized("Your session has ended. Go back to the app and start signing in again.")}
	}
	mode := r.PostFormValue("response_mode")
	a, err := h.core.Accounts.CheckAuthorization(r.Context(), authorizationRequest(r.PostForm))
	if err != nil {
		return h.refuse(w, r, a, mode, err)
	}
	if r.PostFormValue("decision") != "authorize" {
		return h.redirectBack(w, r, a, mode, url.Values{
			"error":             {"access_denied"},
			"error_description": {accounts.NewOAuthError("access_denied").Description},
		})
	}
	code, err := h.core.Accounts.GrantAuthorization(r.Context(), a, acct.ID)
	if err != nil {
		return err
	}
	return h.redirectBack(w, r, a, mode, url.Values{"code": {code}})
}

// refuse answers a request CheckAuthorization refused: errors about the
// client or its redirect URI show a page, the others go back to the
// verified URI.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, a *accounts.Authorization, mode string, err error) error {
	var oerr *accounts.OAuthError
	if !errors.As(err, &oerr) {
		return err
	}
	if oerr.Redirectable && a != nil {
		return h.redirectBack(w, r, a, mode, url.Values{
			"error": {oerr.Code}, "error_description": {oerr.Description},
		})
	}
	return &pageError{"An error has occurred", fault.BadRequest(oerr.Description)}
}

// redirectBack sends the answer (code or error, plus state) to the app:
// in the query (default), the fragment, or an auto-submitted form
// (response_mode form_post); for the out-of-band URI it shows the code.
func (h *Handler) redirectBack(w http.ResponseWriter, r *http.Request, a *accounts.Authorization, mode string, params url.Values) error {
	if a.Request.State != "" {
		params.Set("state", a.Request.State)
	}
	if a.RedirectURI == accounts.OOBRedirectURI {
		if code := params.Get("code"); code != "" {
			http.Redirect(w, r, "/oauth/authorize/native?code="+url.QueryEscape(code), http.StatusSeeOther)
			return nil
		}
		return &pageError{"Authorization denied", fault.BadRequest(params.Get("error_description"))}
	}
	switch mode {
	case "form_post":
		fields := map[string]string{}
		for k := range params {
			fields[k] = params.Get(k)
		}
		h.render(w, r, http.StatusOK, "form_post", "Redirecting", "", map[string]any{
			"Action": a.RedirectURI, "Fields": fields,
		})
	case "fragment":
		http.Redirect(w, r, a.RedirectURI+"#"+params.Encode(), http.StatusSeeOther)
	default:
		target := a.RedirectURI
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		http.Redirect(w, r, target+sep+params.Encode(), http.StatusSeeOther)
	}
	return nil
}

// showCode handles GET /oauth/authorize/native, where Doorkeeper shows an
// out-of-band code for the user to copy into the app.
func (h *Handler) showCode(w http.ResponseWriter, r *http.Request) error {
	code := r.URL.Query().Get("code")
	if code == "" {
		return &pageError{"An error has occurred", fault.BadRequest("No authorization code was given.")}
	}
	h.render(w, r, http.StatusOK, "code", "Authorization code", "", map[string]string{"Code": code})
	return nil
}

// truthy reads a Rails-style boolean parameter.
func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "t", "on", "yes":
		return true
	}
	return false
}
