package api

func (a *API) timelineRoutes() {
}
