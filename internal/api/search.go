package api

func (a *API) searchRoutes() {
}
