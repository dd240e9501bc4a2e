package api

func (a *API) statusRoutes() {
}
