package handlers

import (
	"net/http"

	"github.com/campfire-go/campfire/static"
	"github.com/go-chi/chi/v5"
)

// Routes returns the whole HTTP surface of the app.
func (h *Handler) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(h.recoverPanics, h.logRequests, securityHeaders, limitBodies, methodOverride)

	r.Get("/up", h.up)
	r.Handle("/static/*", static.Handler())

	r.Group(func(r chi.Router) {
		r.Use(h.sessions.LoadAndSave, h.loadUser)

		// Onboarding and signing in.
		r.Get("/first_run", h.newFirstRun)
		r.Post("/first_run", h.createFirstRun)
		r.Get("/session/new", h.newSession)
		r.Post("/session", h.createSession)

		r.Group(func(r chi.Router) {
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
			r.Put("/rooms/{roomID}/messages/{messageID}", h.updateMessage)
			r.Patch("/rooms/{roomID}/messages/{messageID}", h.updateMessage)
			r.Delete("/rooms/{roomID}/messages/{messageID}", h.deleteMessage)

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
			r.Delete("/rooms/{roomID}", h.deleteRoom)
			r.Get("/rooms/{roomID}/involvement", h.showInvolvement)
			r.Put("/rooms/{roomID}/involvement", h.updateInvolvement)
			r.Patch("/rooms/{roomID}/involvement", h.updateInvolvement)
			r.Post("/rooms/{roomID}/typing", h.typing)
			r.Post("/rooms/{roomID}/presence", h.presence)
			r.Get("/users/me/sidebar", h.showSidebar)

			// Real time.
			r.Get("/events", h.stream)
		})
	})

	r.NotFound(h.notFoundPage)
	r.MethodNotAllowed(h.methodNotAllowed)
	return http.NewCrossOriginProtection().Handler(r)
}
