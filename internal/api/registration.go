package api

import (
	"errors"
	"net/http"

	"herd/internal/core/accounts"
	"herd/internal/oauth"
)

// registerAccount handles POST /api/v1/accounts and answers a Token for
// the new account. Invalid fields are 422 in Mastodon's
// ValidationErrorFormatter shape: {"error": "...", "details": {field: [...]}}.
func (a *API) registerAccount(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	it, err := a.core.Accounts.RegisterThroughApp(r.Context(), viewerOf(r), accounts.Registration{
		Username: p.str("username"), Email: p.str("email"), Password: p.str("password"),
		Agreement: p.boolean("agreement", false), Locale: p.str("locale"), Reason: p.str("reason"),
	})
	var verr *accounts.ValidationError
	if errors.As(err, &verr) {
		return writeJSON(w, validationErrorEntity(verr), http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, oauth.TokenEntity(it))
}

type fieldErrorJSON struct {
	Error       string `json:"error"`
	Description string `json:"description"`
}

// validationErrorEntity is Mastodon's ValidationError entity.
func validationErrorEntity(e *accounts.ValidationError) map[string]any {
	details := map[string][]fieldErrorJSON{}
	for _, f := range e.Fields {
		details[f.Field] = append(details[f.Field], fieldErrorJSON{Error: f.Code, Description: f.Description})
	}
	return map[string]any{"error": e.Error(), "details": details}
}
