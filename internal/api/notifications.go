package api

func (a *API) notificationRoutes() {
}
