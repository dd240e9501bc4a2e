package api

func (a *API) relationshipRoutes() {
}
