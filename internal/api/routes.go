package api

// routes registers every client API route, area by area; each area's
// routes sit at the top of its own file.
func (a *API) routes() {
	a.appRoutes()          // apps.go, registration.go
	a.accountRoutes()      // accounts.go
	a.relationshipRoutes() // relationships.go
	a.statusRoutes()       // statuses.go
	a.mediaRoutes()        // media.go
	a.timelineRoutes()     // timelines.go
	a.notificationRoutes() // notifications.go
	a.searchRoutes()       // search.go
	a.markerRoutes()       // markers.go
	a.reportRoutes()       // reports.go
	a.instanceRoutes()     // instance.go
	a.adminDomainRoutes()  // admin_domain_blocks.go
	a.startupRoutes()      // startup.go: empty answers for features still to come
}
