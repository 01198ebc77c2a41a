package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/campfire-go/campfire/static"
	"github.com/campfire-go/campfire/views"
)

// The app is installable: a manifest and a service worker at the root, whose
// scope is the whole site.

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose,omitempty"`
}

func (h *Handler) webManifest(w http.ResponseWriter, r *http.Request) {
	name := "Campfire"
	a, err := h.store.Account(r.Context())
	if err == nil && a.Name != "" {
		name = a.Name
	}
	icons := []manifestIcon{
		{Src: static.Path("images/icon-192.png"), Sizes: "192x192", Type: "image/png"},
		{Src: static.Path("images/icon-512.png"), Sizes: "512x512", Type: "image/png"},
		{Src: static.Path("images/icon-maskable-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "maskable"},
		{Src: static.Path("images/icon.svg"), Sizes: "any", Type: "image/svg+xml"},
	}
	if a.LogoKey != "" {
		// The account's logo, in the sizes made from it on upload. Its
		// largest square is 512 px, or the upload's own size when smaller;
		// browsers scale what they are given.
		icons = []manifestIcon{
			{Src: views.LogoURL(192, a.LogoKey), Sizes: "192x192", Type: "image/png"},
			{Src: views.LogoURL(512, a.LogoKey), Sizes: "512x512", Type: "image/png"},
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "application/manifest+json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"name":             name,
		"short_name":       name,
		"description":      "Team chat on your own server.",
		"id":               "/",
		"start_url":        "/",
		"scope":            "/",
		"display":          "standalone",
		"theme_color":      "#1f5f8b",
		"background_color": "#ffffff",
		"categories":       []string{"social", "business", "productivity"},
		"icons":            icons,
	})
}

func (h *Handler) serviceWorker(w http.ResponseWriter, r *http.Request) {
	js, err := static.ReadFile("js/service-worker.js")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/javascript; charset=utf-8")
	hd.Set("Service-Worker-Allowed", "/")
	// Browsers check for a new worker on navigation; never let a cache
	// hold an old one back.
	hd.Set("Cache-Control", "no-cache")
	_, _ = w.Write(js)
}
