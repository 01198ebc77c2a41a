package handlers

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/notify"
	"github.com/campfire-go/campfire/internal/push"
	"github.com/campfire-go/campfire/views"
)

// maxPushSubscriptions is how many devices one person may subscribe: each is
// a send on every message that concerns them.
const maxPushSubscriptions = 20

// pushSetup is Web Push as wired by EnablePush.
type pushSetup struct {
	svc *notify.Push
	// allowLocal accepts http and private endpoints (tests, development).
	allowLocal bool
}

// EnablePush gives the handlers the push service: its public key for the
// bell, and sending for test notifications. Call before serving.
func (h *Handler) EnablePush(p *notify.Push, allowLocal bool) {
	h.push = pushSetup{svc: p, allowLocal: allowLocal}
}

func (h *Handler) pushSubscriptions(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	subs, err := h.store.PushSubscriptions(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	props := views.PushPageProps{Devices: make([]model.PushDevice, len(subs))}
	for i, s := range subs {
		props.Devices[i] = s.Device()
	}
	if h.push.svc != nil {
		props.VAPIDPublicKey = h.push.svc.PublicKey()
	}
	page := h.page(r, "Push notification subscriptions")
	page.Notice = h.sessions.PopString(r.Context(), flashKey)
	h.render(w, r, http.StatusOK, views.PushSubscriptionsPage(page, props))
}

// subscriptionInput accepts both a browser's PushSubscription.toJSON() and
// Campfire's push_subscription fields.
type subscriptionInput struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
	PushSubscription *struct {
		Endpoint  string `json:"endpoint"`
		P256dhKey string `json:"p256dh_key"`
		AuthKey   string `json:"auth_key"`
	} `json:"push_subscription"`
}

func readSubscription(r *http.Request) (endpoint, p256dh, auth string, err error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return "", "", "", err
		}
		var in subscriptionInput
		if err := json.Unmarshal(raw, &in); err != nil {
			return "", "", "", fmt.Errorf("malformed JSON: %w", err)
		}
		if ps := in.PushSubscription; ps != nil {
			return ps.Endpoint, ps.P256dhKey, ps.AuthKey, nil
		}
		return in.Endpoint, in.Keys.P256dh, in.Keys.Auth, nil
	}
	if err := r.ParseForm(); err != nil {
		return "", "", "", err
	}
	f := r.PostForm
	return f.Get("push_subscription[endpoint]"), f.Get("push_subscription[p256dh_key]"), f.Get("push_subscription[auth_key]"), nil
}

func (h *Handler) createPushSubscription(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	asJSON := wantsJSON(r) || strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	fail := func(status int, msg string) {
		if asJSON {
			botJSONError(w, status, msg)
			return
		}
		h.errorPage(w, r, status, "Can't subscribe", msg)
	}
	endpoint, p256dh, auth, err := readSubscription(r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			fail(http.StatusRequestEntityTooLarge, "The request is too large.")
			return
		}
		fail(http.StatusBadRequest, "The subscription could not be read.")
		return
	}
	endpoint = strings.TrimSpace(endpoint)
	switch {
	case endpoint == "" || len(endpoint) > 2048:
		fail(http.StatusUnprocessableEntity, "A subscription needs its push service endpoint.")
		return
	case push.ValidEndpoint(endpoint, h.push.allowLocal) != nil:
		fail(http.StatusUnprocessableEntity, "The endpoint must be an https address of a public push service.")
		return
	case len(p256dh) > 256 || len(auth) > 256 || push.ValidKeys(p256dh, auth) != nil:
		fail(http.StatusUnprocessableEntity, "The subscription's keys are not valid.")
		return
	}
	sub, created, err := h.store.SavePushSubscription(r.Context(), model.PushSubscription{
		UserID: u.ID, Endpoint: endpoint, P256dh: p256dh, Auth: auth, UserAgent: r.UserAgent(),
	}, maxPushSubscriptions)
	if errors.Is(err, db.ErrTooManySubscriptions) {
		fail(http.StatusUnprocessableEntity, fmt.Sprintf("You can have notifications on %d devices at most. Remove one first.", maxPushSubscriptions))
		return
	}
	if errors.Is(err, db.ErrEndpointTaken) {
		fail(http.StatusConflict, "That push endpoint is already subscribed with other keys.")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if asJSON {
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		writeJSON(w, status, map[string]int64{"id": sub.ID})
		return
	}
	h.redirect(w, r, views.PushSubscriptionsURL)
}

func (h *Handler) deletePushSubscription(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	id, err := pathID(r, "subscriptionID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	err = h.store.DeleteUserPushSubscription(r.Context(), u.ID, id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, views.PushSubscriptionsURL)
}

func (h *Handler) testNotification(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	id, err := pathID(r, "subscriptionID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	sub, err := h.store.UserPushSubscription(r.Context(), u.ID, id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if h.push.svc == nil {
		h.unprocessable(w, r, "Push notifications are not set up on this server.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	var b [6]byte
	_, _ = rand.Read(b[:])
	body := fmt.Sprintf("If you can read this, notifications work (check %x).", b)
	var notice string
	switch err := h.push.svc.SendTest(ctx, sub, body, views.PushSubscriptionsURL); {
	case err == nil:
		notice = "Test notification sent."
	case errors.Is(err, push.ErrGone):
		notice = "That device no longer accepts notifications, so it was removed."
	default:
		h.log.Warn("test notification", "subscription", sub.ID, "error", err)
		notice = "The push service did not take the notification. Try again later."
	}
	h.sessions.Put(r.Context(), flashKey, notice)
	h.redirect(w, r, views.PushSubscriptionsURL)
}
