package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
	"github.com/campfire-go/campfire/views"
)

// Administrators manage bots here; the bots themselves use bot_api.go.

const maxBotNameRunes = 100

func (h *Handler) bots(w http.ResponseWriter, r *http.Request) {
	bots, err := h.store.Bots(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	base := h.remote(r).origin()
	list := make([]views.BotListing, len(bots))
	for i, b := range bots {
		list[i] = views.BotListing{ID: b.ID, Name: b.Name, AvatarKey: b.AvatarKey, WebhookURL: b.WebhookURL, Listen: views.ListenLine(base, b.Key())}
		for _, room := range b.Rooms {
			list[i].Rooms = append(list[i].Rooms, views.BotRoomLine{
				ID: room.ID, Name: room.Name, Curl: views.CurlLine(base, room.ID, b.Key()),
				CurlFile: views.CurlFileLine(base, room.ID, b.Key()),
			})
		}
	}
	h.render(w, r, http.StatusOK, views.BotsPage(h.page(r, "Chat bots"), views.BotsPageProps{Bots: list}))
}

func (h *Handler) newBot(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.BotFormPage(h.page(r, "New chat bot"), views.BotFormProps{}))
}

// botForm reads and checks user[name] and user[webhook_url].
func botForm(w http.ResponseWriter, r *http.Request) (name, webhookURL string, errs map[string]string, err error) {
	if err := parseImageForm(w, r); err != nil {
		return "", "", nil, err
	}
	name = strings.TrimSpace(r.PostForm.Get("user[name]"))
	webhookURL = strings.TrimSpace(r.PostForm.Get("user[webhook_url]"))
	errs = map[string]string{}
	switch {
	case !utf8.ValidString(name):
		errs["name"] = "The name is not valid text."
	case name == "":
		errs["name"] = "A bot needs a name."
	case utf8.RuneCountInString(name) > maxBotNameRunes:
		errs["name"] = "A name can be at most 100 characters long."
	default:
		if p := richtext.LineProblem(name); p != "" {
			errs["name"] = p
		}
	}
	if webhookURL != "" {
		// Administrators may point a webhook anywhere, loopback included
		// (SPEC §11); it only has to be a URL we can POST to.
		u, perr := url.Parse(webhookURL)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(webhookURL) > 2048 {
			errs["webhook_url"] = "The webhook URL must be an http or https address."
		}
	}
	return name, webhookURL, errs, nil
}

func (h *Handler) createBot(w http.ResponseWriter, r *http.Request) {
	name, webhookURL, errs, err := botForm(w, r)
	if err != nil {
		h.formError(w, r, err)
		return
	}
	if len(errs) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, views.BotFormPage(h.page(r, "New chat bot"), views.BotFormProps{
			Name: name, WebhookURL: webhookURL, Errors: errs,
		}))
		return
	}
	if _, err := h.store.CreateBot(r.Context(), name, webhookURL); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, views.BotsURL)
}

// routeBot loads the route's active bot, answering 404 when there is none.
func (h *Handler) routeBot(w http.ResponseWriter, r *http.Request) (model.Bot, bool) {
	id, err := pathID(r, "botID")
	if err != nil {
		h.notFound(w, r)
		return model.Bot{}, false
	}
	b, err := h.store.Bot(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return model.Bot{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return model.Bot{}, false
	}
	return b, true
}

func (h *Handler) editBot(w http.ResponseWriter, r *http.Request) {
	b, ok := h.routeBot(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, views.BotFormPage(h.page(r, "Edit bot"), views.BotFormProps{
		Bot: b.User, Name: b.Name, WebhookURL: b.WebhookURL,
	}))
}

func (h *Handler) updateBot(w http.ResponseWriter, r *http.Request) {
	b, ok := h.routeBot(w, r)
	if !ok {
		return
	}
	name, webhookURL, errs, err := botForm(w, r)
	if err != nil {
		h.formError(w, r, err)
		return
	}
	avatar, _, problem, err := uploadedImage(r, "user[avatar]")
	if err != nil {
		h.formError(w, r, err)
		return
	}
	if problem != "" {
		errs["avatar"] = problem
	}
	if len(errs) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, views.BotFormPage(h.page(r, "Edit bot"), views.BotFormProps{
			Bot: b.User, Name: name, WebhookURL: webhookURL, Errors: errs,
		}))
		return
	}
	if err := h.store.UpdateBot(r.Context(), b.ID, name, webhookURL); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	if avatar != nil {
		if err := h.setAvatar(r.Context(), b.ID, avatar); err != nil && !errors.Is(err, db.ErrNotFound) {
			h.serverError(w, r, err)
			return
		}
	}
	h.redirect(w, r, views.BotsURL)
}

func (h *Handler) deleteBot(w http.ResponseWriter, r *http.Request) {
	b, ok := h.routeBot(w, r)
	if !ok {
		return
	}
	if err := h.store.DeactivateBot(r.Context(), b.ID); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	h.hub.DisconnectUser(b.ID)
	h.redirect(w, r, views.BotsURL)
}

func (h *Handler) resetBotKey(w http.ResponseWriter, r *http.Request) {
	b, ok := h.routeBot(w, r)
	if !ok {
		return
	}
	if _, err := h.store.ResetBotKey(r.Context(), b.ID); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	// Its event streams were opened with the old key.
	h.hub.DisconnectUser(b.ID)
	h.redirect(w, r, views.BotsURL)
}
