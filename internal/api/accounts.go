package api

import (
	"net/http"
)

func (a *API) accountRoutes() {
	a.handle("GET /api/v1/accounts/verify_credentials", user("profile", "read:accounts"), a.verifyCredentials)
}

// verifyCredentials handles GET /api/v1/accounts/verify_credentials.
func (a *API) verifyCredentials(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	n, err := a.core.CountFollowRequests(r.Context(), v)
	if err != nil {
		return err
	}
	return writeJSON(w, a.credentialAccount(v, n))
}
