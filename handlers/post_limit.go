package handlers

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/campfire-go/campfire/internal/model"
)

// The bots' post limit unless configured: a burst of a few hundred, or five
// posts a second kept up, and no more.
const (
	DefaultBotPostLimit  = 300
	DefaultBotPostWindow = time.Minute
)

// allowPost counts a post by u and, past the limit, answers 429 with
// Retry-After and returns false. Every way of posting (form, htmx, bot API)
// should call it first, so one flooding account slows only itself.
func (h *Handler) allowPost(w http.ResponseWriter, r *http.Request, u model.User) bool {
	if h.countPost(w, u) {
		return true
	}
	h.errorPage(w, r, http.StatusTooManyRequests, "Slow down",
		"You are posting faster than this room can take. Wait a few seconds and send it again.")
	return false
}

// countPost counts a post by u; past the limit it sets Retry-After and
// returns false, leaving the answer's shape (page or JSON) to the caller.
func (h *Handler) countPost(w http.ResponseWriter, u model.User) bool {
	limiter, window := h.posts, h.cfg.PostWindow
	if u.Role == model.RoleBot {
		limiter, window = h.botPosts, h.cfg.BotPostWindow
	}
	if limiter.allow("user:" + strconv.FormatInt(u.ID, 10)) {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(window.Seconds()))))
	return false
}
