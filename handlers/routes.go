package handlers

import (
	"net/http"

	"github.com/campfire-go/campfire/static"
	"github.com/go-chi/chi/v5"
)

// Routes returns the whole HTTP surface of the app.
func (h *Handler) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(h.recoverPanics, h.logRequests, securityHeaders, h.secureCookiesOverTLS, h.limitBodies, methodOverride)
	// Banned addresses may read but not post (issue 3).
	r.Use(h.blockBannedIPs)

	r.Get("/up", h.up)
	r.Handle("/static/*", static.Handler())
	r.Get("/qr_code/{code}", h.showQRCode)
	// The logo (or our icon) is the favicon of every page, the sign-in page's
	// included, and an icon of the manifest: anyone may fetch it.
	r.Get("/favicon.ico", h.favicon)
	r.Get("/account/logo", h.showLogo)

	// PWA: anyone may fetch these; the worker's scope is the whole site.
	r.Get("/webmanifest.json", h.webManifest)
	r.Head("/webmanifest.json", h.webManifest)
	r.Get("/service-worker.js", h.serviceWorker)
	r.Head("/service-worker.js", h.serviceWorker)

	// Bot API: the key in the path is the only credential, so no session is
	// loaded or saved. Bots send no Origin or Sec-Fetch-Site header, which
	// CrossOriginProtection lets through as a non-browser request.
	r.Group(func(r chi.Router) {
		r.Use(h.botAuth)
		r.Get("/rooms/{roomID}/{botKey}/messages", h.botMessages)
		r.Post("/rooms/{roomID}/{botKey}/messages", h.botCreateMessage)
		r.Put("/rooms/{roomID}/{botKey}/messages/{messageID}", h.botUpdateMessage)
		r.Patch("/rooms/{roomID}/{botKey}/messages/{messageID}", h.botUpdateMessage)
		r.Delete("/rooms/{roomID}/{botKey}/messages/{messageID}", h.botDeleteMessage)
		r.Post("/rooms/{roomID}/{botKey}/messages/{messageID}/boosts", h.botCreateBoost)
		r.Delete("/rooms/{roomID}/{botKey}/messages/{messageID}/boosts/{boostID}", h.botDeleteBoost)
	})
	// A bot's event stream: every room it is in, so no room in the path.
	r.Get("/bots/{botKey}/events", h.botStream)
	// A tab's event stream: its token, or else the session (streamEntry).
	r.Get("/events", h.streamEntry)

	r.Group(func(r chi.Router) {
		r.Use(h.sessions.LoadAndSave, h.loadUser)

		// Onboarding and signing in.
		r.Get("/first_run", h.newFirstRun)
		r.Post("/first_run", h.createFirstRun)
		r.Get("/session/new", h.newSession)
		r.Post("/session", h.createSession)

		// People: joining with the code, and sign-in links from another device.
		r.Get("/join/{joinCode}", h.newJoin)
		r.Post("/join/{joinCode}", h.createJoin)
		r.Get("/session/transfers/{token}", h.showTransfer)
		r.Put("/session/transfers/{token}", h.updateTransfer)
		r.Patch("/session/transfers/{token}", h.updateTransfer)

		r.Group(func(r chi.Router) {
			// Signed-in addresses are for the person and our own scripts, never
			// an image or script of some page (issue 19).
			r.Use(h.refuseSubresources)
			r.Use(h.requireUser)

			r.Get("/", h.welcome)
			r.Delete("/session", h.destroySession)

			// Rooms and their messages.
			r.Get("/rooms/{roomID}", h.showRoom)
			r.Get("/rooms/{roomID}/@{messageID}", h.showRoomAtMessage)
			r.Get("/rooms/{roomID}/messages", h.listMessages)
			r.Post("/rooms/{roomID}/messages", h.createMessage)
			r.Get("/rooms/{roomID}/messages/{messageID}", h.showMessage)
			r.Get("/rooms/{roomID}/messages/{messageID}/edit", h.editMessage)
			r.Get("/rooms/{roomID}/messages/{messageID}/delete", h.confirmDeleteMessage)
			r.Put("/rooms/{roomID}/messages/{messageID}", h.updateMessage)
			r.Patch("/rooms/{roomID}/messages/{messageID}", h.updateMessage)
			r.Delete("/rooms/{roomID}/messages/{messageID}", h.deleteMessage)
			r.Delete("/rooms/{roomID}/messages/{messageID}/preview", h.deleteLinkPreview)
			r.Get("/messages/{messageID}/preview_image", h.showLinkPreviewImage)

			// Messages' files, for the members of their rooms.
			r.Get("/attachments/{attachmentID}/{filename}", h.showAttachment)
			r.Head("/attachments/{attachmentID}/{filename}", h.showAttachment)

			// Boosts on messages (the room is the message's).
			r.Post("/messages/{messageID}/boosts", h.createBoost)
			r.Delete("/messages/{messageID}/boosts/{boostID}", h.deleteBoost)

			// Rooms: making, changing and deleting them, involvement, typing,
			// presence and the room list (issue 3).
			r.Get("/rooms/opens/new", h.newOpenRoom)
			r.Post("/rooms/opens", h.createOpenRoom)
			r.Get("/rooms/opens/{roomID}/edit", h.editOpenRoom)
			r.Put("/rooms/opens/{roomID}", h.updateOpenRoom)
			r.Patch("/rooms/opens/{roomID}", h.updateOpenRoom)
			r.Get("/rooms/closeds/new", h.newClosedRoom)
			r.Post("/rooms/closeds", h.createClosedRoom)
			r.Get("/rooms/closeds/{roomID}/edit", h.editClosedRoom)
			r.Put("/rooms/closeds/{roomID}", h.updateClosedRoom)
			r.Patch("/rooms/closeds/{roomID}", h.updateClosedRoom)
			r.Get("/rooms/directs/new", h.newDirectRoom)
			r.Post("/rooms/directs", h.createDirectRoom)
			r.Get("/rooms/directs/{roomID}/edit", h.editDirectRoom)
			r.Delete("/rooms/directs/{roomID}", h.deleteDirectRoom)
			r.Get("/rooms/{roomID}/delete", h.confirmDeleteRoom)
			r.Delete("/rooms/{roomID}", h.deleteRoom)
			r.Get("/rooms/{roomID}/involvement", h.showInvolvement)
			r.Put("/rooms/{roomID}/involvement", h.updateInvolvement)
			r.Patch("/rooms/{roomID}/involvement", h.updateInvolvement)
			r.Post("/rooms/{roomID}/typing", h.typing)
			r.Post("/rooms/{roomID}/presence", h.presence)
			r.Get("/users/me/sidebar", h.showSidebar)

			// People and administration: the account, profiles, avatars,
			// roles, deactivation and bans.
			r.Get("/account/edit", h.editAccount)
			r.Get("/users/{userID}", h.showUser)
			r.Get("/users/{userID}/avatar", h.showAvatar)
			r.Get("/users/me/profile", h.showProfile)
			r.Put("/users/me/profile", h.updateProfile)
			r.Patch("/users/me/profile", h.updateProfile)
			r.Delete("/users/me/avatar", h.destroyAvatar)
			r.Delete("/users/me/sessions", h.destroyOtherSessions)
			r.Get("/autocompletable/users", h.autocompleteUsers)
			r.Group(func(r chi.Router) {
				r.Use(h.requireAdmin)
				r.Put("/account", h.updateAccount)
				r.Patch("/account", h.updateAccount)
				r.Post("/account/join_code", h.resetJoinCode)
				r.Delete("/account/logo", h.destroyLogo)
				r.Get("/account/custom_styles/edit", h.editCustomStyles)
				r.Put("/account/custom_styles", h.updateCustomStyles)
				r.Patch("/account/custom_styles", h.updateCustomStyles)
				r.Put("/account/users/{userID}", h.updateUserRole)
				r.Patch("/account/users/{userID}", h.updateUserRole)
				r.Delete("/account/users/{userID}", h.deactivateUser)
				r.Post("/users/{userID}/ban", h.createBan)
				r.Delete("/users/{userID}/ban", h.deleteBan)
			})

			// Search, bots, Web Push.
			r.Get("/searches", h.searches)
			r.Post("/searches", h.createSearch)
			r.Delete("/searches/clear", h.clearSearches)
			r.Get("/users/me/push_subscriptions", h.pushSubscriptions)
			r.Post("/users/me/push_subscriptions", h.createPushSubscription)
			r.Delete("/users/me/push_subscriptions/{subscriptionID}", h.deletePushSubscription)
			r.Post("/users/me/push_subscriptions/{subscriptionID}/test_notifications", h.testNotification)
			r.Group(func(r chi.Router) {
				r.Use(h.requireAdmin)
				r.Get("/account/bots", h.bots)
				r.Get("/account/bots/new", h.newBot)
				r.Post("/account/bots", h.createBot)
				r.Get("/account/bots/{botID}/edit", h.editBot)
				r.Put("/account/bots/{botID}", h.updateBot)
				r.Patch("/account/bots/{botID}", h.updateBot)
				r.Delete("/account/bots/{botID}", h.deleteBot)
				r.Delete("/account/bots/{botID}/avatar", h.destroyBotAvatar)
				r.Put("/account/bots/{botID}/key", h.resetBotKey)
				r.Patch("/account/bots/{botID}/key", h.resetBotKey)
			})
		})
	})

	r.NotFound(h.notFoundPage)
	r.MethodNotAllowed(h.methodNotAllowed)
	return http.NewCrossOriginProtection().Handler(r)
}
