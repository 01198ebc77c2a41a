package handlers

import (
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
)

// searches shows the results for ?q= (if any) and the recent searches. Any
// text is a valid query: what isn't a word is ignored.
func (h *Handler) searches(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	ctx := r.Context()
	q := db.CleanQuery(r.URL.Query().Get("q"))
	results, err := h.store.SearchMessages(ctx, u.ID, q)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	recent, err := h.store.RecentSearches(ctx, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	rooms, err := h.store.SidebarRooms(ctx, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.SearchPage(h.page(r, "Search"), views.SearchPageProps{
		Rooms: rooms, Query: q, Results: results, Recent: recent,
	}))
}

// createSearch remembers the query and shows its results.
func (h *Handler) createSearch(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	q := db.CleanQuery(r.PostForm.Get("q"))
	if q == "" {
		h.redirect(w, r, "/searches")
		return
	}
	if err := h.store.RecordSearch(r.Context(), u.ID, q); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, views.SearchURL(q))
}

func (h *Handler) clearSearches(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	if err := h.store.ClearSearches(r.Context(), u.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, "/searches")
}
