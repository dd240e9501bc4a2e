package api

func (a *API) startupRoutes() {
}
