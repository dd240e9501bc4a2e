package api

import (
	"herd/internal/core/files"
	"herd/internal/core/social"
)

// routes registers every client API route, top to bottom: the method and
// path, who may call it (public, anyToken, user, with the scopes any one
// of which suffices, as docs.joinmastodon.org lists them; scope.Covers
// lets "read", "write" and the deprecated "follow" stand for their parts),
// and the handler, in the area's file.
func (a *API) routes() {
	handle := a.handle
	// Mastodon's authorize_if_got_token!: anonymous callers are served, but
	// a token, if sent, must carry the scope.
	readStatuses := access{scopes: []string{"read:statuses"}}
	readAccounts := access{scopes: []string{"read:accounts"}}
	readSearch := access{scopes: []string{"read:search"}}

	// Apps (apps.go) and registration (registration.go), which Mastodon
	// asks of an app token (client_credentials) with write:accounts.
	handle("POST /api/v1/apps", public, a.createApp)
	handle("GET /api/v1/apps/verify_credentials", anyToken(), a.verifyAppCredentials)
	handle("POST /api/v1/accounts", anyToken("write:accounts"), a.registerAccount)

	// Accounts (accounts.go). Rails routes both PATCH and PUT to
	// credentials#update; the profile's pictures are Mastodon 4.2's
	// (docs.joinmastodon.org/methods/profile).
	handle("GET /api/v1/accounts/verify_credentials", user("profile", "read:accounts"), a.verifyCredentials)
	handle("PATCH /api/v1/accounts/update_credentials", user("write:accounts"), a.updateCredentials)
	handle("PUT /api/v1/accounts/update_credentials", user("write:accounts"), a.updateCredentials)
	handle("DELETE /api/v1/profile/avatar", user("write:accounts"), a.deleteProfileImage(files.ProfileAvatar))
	handle("DELETE /api/v1/profile/header", user("write:accounts"), a.deleteProfileImage(files.ProfileHeader))
	handle("GET /api/v1/accounts", public, a.getAccounts)
	handle("GET /api/v1/accounts/{id}", public, a.getAccount)
	handle("GET /api/v1/accounts/lookup", public, a.lookupAccount)
	handle("GET /api/v1/accounts/search", user("read:accounts"), a.searchAccounts)
	handle("GET /api/v1/accounts/{id}/statuses", public, a.accountStatuses)
	handle("GET /api/v1/accounts/{id}/followers", public, a.followers)
	handle("GET /api/v1/accounts/{id}/following", public, a.following)

	// Relationships (relationships.go).
	handle("GET /api/v1/accounts/relationships", user("read:follows"), a.relationships)
	handle("GET /api/v1/accounts/familiar_followers", user("read:follows"), a.familiarFollowers)
	handle("POST /api/v1/accounts/{id}/follow", user("write:follows"), a.follow)
	handle("POST /api/v1/accounts/{id}/unfollow", user("write:follows"), a.change((*social.Service).Unfollow))
	handle("POST /api/v1/accounts/{id}/remove_from_followers", user("write:follows"), a.change((*social.Service).RemoveFromFollowers))
	handle("POST /api/v1/accounts/{id}/block", user("write:blocks"), a.change((*social.Service).Block))
	handle("POST /api/v1/accounts/{id}/unblock", user("write:blocks"), a.change((*social.Service).Unblock))
	handle("POST /api/v1/accounts/{id}/mute", user("write:mutes"), a.mute)
	handle("POST /api/v1/accounts/{id}/unmute", user("write:mutes"), a.change((*social.Service).Unmute))
	handle("POST /api/v1/accounts/{id}/note", user("write:accounts"), a.note)
	handle("GET /api/v1/follow_requests", user("read:follows"), a.followRequests)
	handle("POST /api/v1/follow_requests/{id}/authorize", user("write:follows"), a.change((*social.Service).AuthorizeFollowRequest))
	handle("POST /api/v1/follow_requests/{id}/reject", user("write:follows"), a.change((*social.Service).RejectFollowRequest))
	handle("GET /api/v1/blocks", user("read:blocks"), a.blocks)
	handle("GET /api/v1/mutes", user("read:mutes"), a.mutes)

	// Statuses: posting, reading, editing and deleting (statuses.go).
	handle("POST /api/v1/statuses", user("write:statuses"), a.postStatus)
	handle("GET /api/v1/statuses", readStatuses, a.getStatuses)
	handle("GET /api/v1/statuses/{id}", readStatuses, a.getStatus)
	handle("DELETE /api/v1/statuses/{id}", user("write:statuses"), a.deleteStatus)
	handle("PUT /api/v1/statuses/{id}", user("write:statuses"), a.editStatus)
	handle("GET /api/v1/statuses/{id}/context", readStatuses, a.statusContext)
	handle("GET /api/v1/statuses/{id}/history", readStatuses, a.statusHistory)
	handle("GET /api/v1/statuses/{id}/source", anyToken("read:statuses"), a.statusSource)

	// Interactions with a status (status_actions.go).
	handle("POST /api/v1/statuses/{id}/favourite", user("write:favourites"), a.statusUseCase(a.core.Favourite))
	handle("POST /api/v1/statuses/{id}/unfavourite", user("write:favourites"), a.statusUseCase(a.core.Unfavourite))
	handle("POST /api/v1/statuses/{id}/reblog", user("write:statuses"), a.statusAction(a.reblog))
	handle("POST /api/v1/statuses/{id}/unreblog", user("write:statuses"), a.statusUseCase(a.core.Unreblog))
	handle("POST /api/v1/statuses/{id}/bookmark", user("write:bookmarks"), a.statusUseCase(a.core.Bookmark))
	handle("POST /api/v1/statuses/{id}/unbookmark", user("write:bookmarks"), a.statusUseCase(a.core.Unbookmark))
	handle("POST /api/v1/statuses/{id}/pin", user("write:accounts"), a.statusUseCase(a.core.Pin))
	handle("POST /api/v1/statuses/{id}/unpin", user("write:accounts"), a.statusUseCase(a.core.Unpin))
	handle("POST /api/v1/statuses/{id}/mute", user("write:mutes"), a.statusUseCase(a.core.MuteConversation))
	handle("POST /api/v1/statuses/{id}/unmute", user("write:mutes"), a.statusUseCase(a.core.UnmuteConversation))
	handle("GET /api/v1/statuses/{id}/favourited_by", readAccounts, a.statusAccounts(a.core.FavouritedBy))
	handle("GET /api/v1/statuses/{id}/reblogged_by", readAccounts, a.statusAccounts(a.core.RebloggedBy))

	// Media (media.go): Mastodon asks write:media for every upload route,
	// reads included.
	handle("POST /api/v1/media", user("write:media"), a.uploadMedia)
	handle("POST /api/v2/media", user("write:media"), a.uploadMedia)
	handle("GET /api/v1/media/{id}", user("write:media"), a.getMedia)
	handle("PUT /api/v1/media/{id}", user("write:media"), a.updateMedia)
	handle("DELETE /api/v1/media/{id}", user("write:media"), a.deleteMedia)

	// Timelines (timelines.go): the public ones are open to anonymous
	// callers, as Mastodon's default settings (public preview) allow.
	handle("GET /api/v1/timelines/home", user("read:statuses"), a.homeTimeline)
	handle("GET /api/v1/timelines/public", readStatuses, a.publicTimeline)
	handle("GET /api/v1/timelines/tag/{hashtag}", readStatuses, a.tagTimeline)
	handle("GET /api/v1/timelines/list/{id}", user("read:lists"), a.listTimeline)

	// Lists and their members (lists.go).
	handle("GET /api/v1/lists", user("read:lists"), a.getLists)
	handle("POST /api/v1/lists", user("write:lists"), a.createList)
	handle("GET /api/v1/lists/{id}", user("read:lists"), a.getList)
	handle("PUT /api/v1/lists/{id}", user("write:lists"), a.updateList)
	handle("DELETE /api/v1/lists/{id}", user("write:lists"), a.deleteList)
	handle("GET /api/v1/lists/{id}/accounts", user("read:lists"), a.listAccounts)
	handle("POST /api/v1/lists/{id}/accounts", user("write:lists"), a.addListAccounts)
	handle("DELETE /api/v1/lists/{id}/accounts", user("write:lists"), a.removeListAccounts)
	handle("GET /api/v1/accounts/{id}/lists", user("read:lists"), a.accountLists)

	// Notifications (notifications.go), and Mastodon 4.3's grouped ones
	// (notifications_v2.go). For a group's accounts the docs list
	// write:notifications but Mastodon's controller asks for read: either
	// scope is accepted.
	handle("GET /api/v1/notifications", user("read:notifications"), a.notifications)
	handle("GET /api/v1/notifications/unread_count", user("read:notifications"), a.unreadNotifications)
	handle("GET /api/v1/notifications/{id}", user("read:notifications"), a.notification)
	handle("POST /api/v1/notifications/{id}/dismiss", user("write:notifications"), a.dismissNotification)
	handle("POST /api/v1/notifications/clear", user("write:notifications"), a.clearNotifications)
	handle("GET /api/v2/notifications", user("read:notifications"), a.notificationGroups)
	handle("GET /api/v2/notifications/unread_count", user("read:notifications"), a.unreadNotificationGroups)
	handle("GET /api/v2/notifications/{group_key}", user("read:notifications"), a.notificationGroup)
	handle("POST /api/v2/notifications/{group_key}/dismiss", user("write:notifications"), a.dismissNotificationGroup)
	handle("GET /api/v2/notifications/{group_key}/accounts", user("read:notifications", "write:notifications"), a.notificationGroupAccounts)

	// Streaming (streaming.go, streaming_ws.go), on the API's own host and
	// port. Each stream authenticates itself (a user token in the header,
	// the access_token parameter or, for the WebSocket,
	// Sec-WebSocket-Protocol; scopes per stream) and answers in the
	// streaming server's words, so these take no access rule and no Gate:
	// Mastodon does not rate-limit streams.
	a.mux.HandleFunc("GET /api/v1/streaming", a.errors.Handler(a.streamWebSocket))
	a.mux.HandleFunc("GET /api/v1/streaming/health", a.streamingHealth)
	a.mux.HandleFunc("GET /api/v1/streaming/{channel...}", a.errors.Handler(a.streamSSE))

	// Web Push (push.go): one subscription per access token. As Mastodon,
	// GET and PUT answer 404 while the token has none, and DELETE an empty
	// object whether or not it had one.
	handle("POST /api/v1/push/subscription", user("push"), a.subscribePush)
	handle("GET /api/v1/push/subscription", user("push"), a.getPushSubscription)
	handle("PUT /api/v1/push/subscription", user("push"), a.updatePushSubscription)
	handle("DELETE /api/v1/push/subscription", user("push"), a.deletePushSubscription)

	// Search (search.go): public since Mastodon 4.0, a token must hold
	// read:search. /api/v1/search was removed in Mastodon 3.0 and is not
	// served.
	handle("GET /api/v2/search", readSearch, a.search)
	handle("GET /api/v1/tags/{name}", public, a.tag)

	// Markers (markers.go); bookmarks and favourites (bookmarks.go).
	handle("GET /api/v1/markers", user("read:statuses"), a.markers)
	handle("POST /api/v1/markers", user("write:statuses"), a.saveMarkers)
	handle("GET /api/v1/bookmarks", user("read:bookmarks"), a.savedList(a.core.Timelines.Bookmarks))
	handle("GET /api/v1/favourites", user("read:favourites"), a.savedList(a.core.Timelines.Favourites))

	// Reports (reports.go).
	handle("POST /api/v1/reports", user("write:reports"), a.postReport)

	// The instance's self-description, public as in Mastodon (instance.go,
	// admin_domain_blocks.go, custom_emojis.go). No privacy policy or terms
	// are configurable yet: Mastodon answers 404 for terms of service when
	// none are published.
	handle("GET /api/v2/instance", public, a.getInstanceV2)
	handle("GET /api/v1/instance", public, a.getInstanceV1)
	handle("GET /api/v1/instance/rules", public, a.getInstanceRules)
	handle("GET /api/v1/instance/peers", public, a.getInstancePeers)
	handle("GET /api/v1/instance/activity", public, a.getInstanceActivity)
	handle("GET /api/v1/instance/extended_description", public, a.getExtendedDescription)
	handle("GET /api/v1/instance/translation_languages", public, a.getTranslationLanguages)
	handle("GET /api/v1/instance/domain_blocks", public, a.getInstanceDomainBlocks)
	handle("GET /api/v1/instance/privacy_policy", public, a.recordNotFound)
	handle("GET /api/v1/instance/terms_of_service", public, a.recordNotFound)
	handle("GET /api/v1/custom_emojis", public, a.getCustomEmojis)
	handle("GET /.well-known/nodeinfo", public, a.getNodeInfoLinks) // nodeinfo.go
	handle("GET /nodeinfo/2.0", public, a.nodeInfo("2.0"))
	handle("GET /nodeinfo/2.1", public, a.nodeInfo("2.1"))
	handle("GET /api/v1/preferences", user("read:accounts"), a.getPreferences) // preferences.go

	// Federation's moderation, admins only (admin_domain_blocks.go;
	// docs.joinmastodon.org/methods/admin/domain_blocks and domain_allows).
	handle("GET /api/v1/admin/domain_blocks", user("admin:read", "admin:read:domain_blocks"), a.listDomainBlocks)
	handle("GET /api/v1/admin/domain_blocks/{id}", user("admin:read", "admin:read:domain_blocks"), a.getDomainBlock)
	handle("POST /api/v1/admin/domain_blocks", user("admin:write", "admin:write:domain_blocks"), a.createDomainBlock)
	handle("PUT /api/v1/admin/domain_blocks/{id}", user("admin:write", "admin:write:domain_blocks"), a.updateDomainBlock)
	handle("DELETE /api/v1/admin/domain_blocks/{id}", user("admin:write", "admin:write:domain_blocks"), a.deleteDomainBlock)
	handle("GET /api/v1/admin/domain_allows", user("admin:read", "admin:read:domain_allows"), a.listDomainAllows)
	handle("GET /api/v1/admin/domain_allows/{id}", user("admin:read", "admin:read:domain_allows"), a.getDomainAllow)
	handle("POST /api/v1/admin/domain_allows", user("admin:write", "admin:write:domain_allows"), a.createDomainAllow)
	handle("DELETE /api/v1/admin/domain_allows/{id}", user("admin:write", "admin:write:domain_allows"), a.deleteDomainAllow)

	// What apps ask for when they start or open a screen, for features Herd
	// does not have yet (startup.go): reads get a valid empty answer with
	// the scopes Mastodon requires (an app shows an empty screen, not an
	// error), attempts to create such things get 422 with a message the app
	// shows. Without followed tags there is no page, hence no Link header. Mastodon 4.3's
	// notification filtering: Herd filters nothing, so the policy accepts
	// everything and there are no filtered requests.
	handle("GET /api/v1/filters", user("read:filters"), a.emptyList)
	handle("GET /api/v2/filters", user("read:filters"), a.emptyList)
	handle("GET /api/v1/filters/{id}", user("read:filters"), a.recordNotFound)
	handle("GET /api/v2/filters/{id}", user("read:filters"), a.recordNotFound)
	handle("POST /api/v1/filters", user("write:filters"), notYet("Filters are not supported yet"))
	handle("POST /api/v2/filters", user("write:filters"), notYet("Filters are not supported yet"))
	handle("GET /api/v1/announcements", user(), a.emptyList)
	handle("POST /api/v1/announcements/{id}/dismiss", user("write:accounts"), a.recordNotFound)
	handle("GET /api/v1/trends", public, a.emptyList)
	handle("GET /api/v1/trends/tags", public, a.emptyList)
	handle("GET /api/v1/trends/statuses", public, a.emptyList)
	handle("GET /api/v1/trends/links", public, a.emptyList)
	handle("GET /api/v1/followed_tags", user("read:follows"), a.emptyList)
	handle("GET /api/v1/featured_tags", user("read:accounts"), a.emptyList)
	handle("GET /api/v1/featured_tags/suggestions", user("read:accounts"), a.emptyList)
	handle("GET /api/v1/accounts/{id}/featured_tags", public, a.getAccountFeaturedTags)
	handle("POST /api/v1/featured_tags", user("write:accounts"), notYet("Featured hashtags are not supported yet"))
	handle("GET /api/v1/conversations", user("read:statuses"), a.emptyList)
	handle("GET /api/v1/scheduled_statuses", user("read:statuses"), a.emptyList)
	handle("GET /api/v1/scheduled_statuses/{id}", user("read:statuses"), a.recordNotFound)
	handle("GET /api/v1/endorsements", user("read:accounts"), a.emptyList)
	handle("GET /api/v1/suggestions", user("read", "read:accounts"), a.emptyList)
	handle("GET /api/v2/suggestions", user("read", "read:accounts"), a.emptyList)
	handle("DELETE /api/v1/suggestions/{id}", user("read", "read:accounts"), emptyObject)
	handle("GET /api/v1/domain_blocks", user("read:blocks", "follow"), a.emptyList)
	handle("POST /api/v1/domain_blocks", user("write:blocks", "follow"), notYet("Domain blocks are not supported yet"))
	handle("GET /api/v1/polls/{id}", public, a.recordNotFound)
	handle("POST /api/v1/polls/{id}/votes", user("write:statuses"), a.recordNotFound)
	handle("GET /api/v2/notifications/policy", user("read:notifications"), a.getNotificationPolicy)
	handle("PATCH /api/v2/notifications/policy", user("write:notifications"), notYet("Notification filtering is not supported yet"))
	handle("GET /api/v1/notifications/requests", user("read:notifications"), a.emptyList)
}
