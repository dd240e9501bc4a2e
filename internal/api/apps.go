package api

func (a *API) appRoutes() {
}
