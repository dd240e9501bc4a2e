package api

func (a *API) instanceRoutes() {
}
