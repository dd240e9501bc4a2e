package api

// routes registers every client API route, area by area; each area's
// routes sit at the top of its own file.
func (a *API) routes() {
	a.accountRoutes()
	a.statusRoutes()
	a.timelineRoutes()
	a.notificationRoutes()
	a.instanceRoutes()
}
