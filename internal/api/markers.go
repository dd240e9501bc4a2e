package api

func (a *API) markerRoutes() {
}
