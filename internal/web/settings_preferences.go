package web

import (
	"net/http"

	"herd/internal/core/accounts"
	"herd/internal/core/fault"
	"herd/internal/model"
)

// preferencesForm fills settings_preferences.html.
type preferencesForm struct {
	settingsPage
	Visibility string
	Sensitive  bool
	Language   string
	Languages  []language
}

// preferencesSettings handles GET /settings/preferences.
func (h *Handler) preferencesSettings(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	u := v.User
	h.showPreferences(w, r, v, http.StatusOK, "", &preferencesForm{
		Visibility: string(u.DefaultPrivacy), Sensitive: u.DefaultSensitive, Language: u.DefaultLanguage,
	})
	return nil
}

func (h *Handler) showPreferences(w http.ResponseWriter, r *http.Request, v *model.Viewer, status int, errMsg string, f *preferencesForm) {
	f.Section = "preferences"
	if f.Visibility == "" {
		f.Visibility = string(model.Public)
	}
	f.Languages = languagesWith(f.Language)
	h.showSettings(w, r, v, status, "settings_preferences", "Preferences", errMsg, f)
}

// savePreferences handles POST /settings/preferences: the defaults the
// composer starts from (and apps, through the API's preferences).
func (h *Handler) savePreferences(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	if err := h.readForm(w, r); err != nil {
		return err
	}
	f := &preferencesForm{Visibility: r.PostFormValue("visibility"), Sensitive: r.PostFormValue("sensitive") != "",
		Language: r.PostFormValue("language")}
	_, err := h.core.Accounts.SetPostingDefaults(r.Context(), v, accounts.PostingDefaults{
		Privacy: model.Visibility(f.Visibility), Sensitive: f.Sensitive, Language: f.Language,
	})
	if err != nil {
		if e, ok := fault.As(err); ok && e.Status < 500 {
			h.showPreferences(w, r, v, e.Status, e.Message, f)
			return nil
		}
		return err
	}
	settingsSaved(w, r, "/settings/preferences", "preferences")
	return nil
}
