package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
	"github.com/go-chi/chi/v5"
)

// The bot API (SPEC §4): a bot authenticates with the key in the path, never
// with a session or cookie, and speaks JSON. Every message goes through
// chat.Service like anyone's.

type botContextKey struct{}

type botRequest struct {
	bot  model.User
	room model.SidebarRoom
}

func botFrom(ctx context.Context) botRequest {
	br, _ := ctx.Value(botContextKey{}).(botRequest)
	return br
}

func botJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// keyedBot finds the bot whose key is in the path; a wrong or revoked key
// is answered 401.
func (h *Handler) keyedBot(w http.ResponseWriter, r *http.Request) (model.User, bool) {
	bot, err := h.store.BotByKey(r.Context(), chi.URLParam(r, "botKey"))
	if errors.Is(err, db.ErrNotFound) {
		botJSONError(w, http.StatusUnauthorized, "Unknown or revoked bot key")
		return model.User{}, false
	}
	if err != nil {
		h.botServerError(w, r, err)
		return model.User{}, false
	}
	return bot, true
}

// botAuth finds the bot by its key (401 when wrong or revoked) and the room
// it posts to (404 when it is not a member).
func (h *Handler) botAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bot, ok := h.keyedBot(w, r)
		if !ok {
			return
		}
		roomID, err := pathID(r, "roomID")
		if err != nil {
			botJSONError(w, http.StatusNotFound, "Room not found")
			return
		}
		room, err := h.store.MemberRoom(r.Context(), roomID, bot.ID)
		if errors.Is(err, db.ErrNotFound) {
			botJSONError(w, http.StatusNotFound, "Room not found")
			return
		}
		if err != nil {
			h.botServerError(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), botContextKey{}, botRequest{bot: bot, room: room})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (h *Handler) botServerError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		// The bot hung up; its going is not the server's error.
		h.log.Debug("bot request abandoned", "method", r.Method, "path", logPath(r), "error", err)
		return
	}
	h.log.Error("bot request failed", "method", r.Method, "path", logPath(r), "error", err)
	botJSONError(w, http.StatusInternalServerError, "Something went wrong")
}

// botInput is what a bot sent: the message (or boost) text and, for a post,
// the id that makes a retry safe.
type botInput struct {
	body            string
	clientMessageID string
}

// botBody reads what a bot sent as a message: a JSON {"body"}, a form's body
// field, or else the raw request body, as `curl -d 'Hello!'` sends it (a
// form-encoded body without a body field). A client_message_id comes in the
// JSON or the form, or else in the Idempotency-Key header.
func botBody(r *http.Request) (botInput, int, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err == nil && len(raw) > maxBody {
		err = &http.MaxBytesError{Limit: maxBody}
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return botInput{}, http.StatusRequestEntityTooLarge, errors.New("The request body is too large")
		}
		return botInput{}, http.StatusBadRequest, errors.New("The request body could not be read")
	}
	var in botInput
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var v struct {
			Body            *string `json:"body"`
			ClientMessageID *string `json:"client_message_id"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return botInput{}, http.StatusBadRequest, errors.New("The body is not valid JSON")
		}
		if v.Body != nil {
			in.body = *v.Body
		}
		if v.ClientMessageID != nil {
			in.clientMessageID = *v.ClientMessageID
		}
	case "application/x-www-form-urlencoded":
		in.body = string(raw)
		if vals, err := url.ParseQuery(string(raw)); err == nil && (vals.Has("body") || vals.Has("client_message_id")) {
			in.body, in.clientMessageID = vals.Get("body"), vals.Get("client_message_id")
		}
	case "multipart/form-data":
		// An edit's form: the body was read whole above, within maxBody.
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r.Header.Set("Content-Type", mime.FormatMediaType(ct, params))
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return botInput{}, http.StatusBadRequest, errors.New("The form could not be read")
		}
		in.body, in.clientMessageID = r.PostFormValue("body"), r.PostFormValue("client_message_id")
	default:
		in.body = string(raw)
	}
	return withIdempotencyKey(r, in)
}

// withIdempotencyKey takes the Idempotency-Key header as the post's
// client_message_id, which must agree with one sent in the body.
func withIdempotencyKey(r *http.Request, in botInput) (botInput, int, error) {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	switch {
	case key == "":
	case in.clientMessageID == "":
		in.clientMessageID = key
	case in.clientMessageID != key:
		return botInput{}, http.StatusUnprocessableEntity, errors.New("client_message_id and the Idempotency-Key header differ")
	}
	return in, 0, nil
}

// botUpload reads a bot's multipart post as it streams (curl -F
// attachment=@file URL): the file in "attachment", with an optional "body"
// and "client_message_id". The caller releases the file.
func (h *Handler) botUpload(r *http.Request) (botInput, *chat.Upload, int, error) {
	form, err := h.readUploadForm(r, "attachment")
	var tl *chat.TooLargeError
	var ve *chat.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &tl):
		return botInput{}, nil, http.StatusRequestEntityTooLarge, tl
	case errors.As(err, &mbe):
		return botInput{}, nil, http.StatusRequestEntityTooLarge, errors.New("The form's fields are too large")
	case errors.As(err, &ve):
		return botInput{}, nil, http.StatusUnprocessableEntity, ve
	case err != nil:
		return botInput{}, nil, http.StatusBadRequest, errors.New("The form could not be read")
	}
	in, status, err := withIdempotencyKey(r, botInput{body: form.fields["body"], clientMessageID: form.fields["client_message_id"]})
	if err != nil {
		form.file.Release()
		return botInput{}, nil, status, err
	}
	return in, form.file, 0, nil
}

func (h *Handler) messageAsJSON(r *http.Request, room model.SidebarRoom, m model.Message) views.BotMessageJSON {
	return views.BotMessage(h.remote(r).origin(), room.Room, m)
}

func (h *Handler) botCreateMessage(w http.ResponseWriter, r *http.Request) {
	br := botFrom(r.Context())
	if !h.countPost(w, br.bot) {
		botJSONError(w, http.StatusTooManyRequests, "Posting too fast; retry after the Retry-After seconds")
		return
	}
	var in botInput
	var file *chat.Upload
	var status int
	var err error
	if isMultipart(r) {
		in, file, status, err = h.botUpload(r)
		defer file.Release()
	} else {
		in, status, err = botBody(r)
	}
	if err != nil {
		botJSONError(w, status, err.Error())
		return
	}
	posted, err := h.chat.Post(r.Context(), chat.PostParams{Room: br.room, Creator: br.bot,
		Body: in.body, ClientMessageID: in.clientMessageID, Attachment: file})
	if h.botChangeFailed(w, r, err) {
		return
	}
	w.Header().Set("Location", views.MessagePermalink(br.room.ID, posted.Message.ID))
	status = http.StatusCreated
	if posted.Duplicate {
		// A retry of a post that went through: the first answer again.
		status = http.StatusOK
	}
	writeJSON(w, status, h.messageAsJSON(r, br.room, posted.Message))
}

func (h *Handler) botMessages(w http.ResponseWriter, r *http.Request) {
	br := botFrom(r.Context())
	ctx := r.Context()
	var p db.Page
	var err error
	if p.Before, err = queryID(r, "before"); err == nil {
		p.After, err = queryID(r, "after")
	}
	if err != nil || (p.Before > 0 && p.After > 0) {
		botJSONError(w, http.StatusBadRequest, "before or after takes one message id")
		return
	}
	msgs, err := h.store.Messages(ctx, br.room.ID, p)
	if err != nil {
		h.botServerError(w, r, err)
		return
	}
	total, err := h.store.RoomMessageCount(ctx, br.room.ID)
	if err != nil {
		h.botServerError(w, r, err)
		return
	}
	// "next" goes on in the direction of travel: newer when paging with
	// after, else older.
	if len(msgs) > 0 {
		newer := p.After > 0
		edge := msgs[0].ID
		if newer {
			edge = msgs[len(msgs)-1].ID
		}
		more, err := h.store.RoomHasMessagesBefore(ctx, br.room.ID, edge, newer)
		if err != nil {
			h.botServerError(w, r, err)
			return
		}
		if more {
			param := "before"
			if newer {
				param = "after"
			}
			next := fmt.Sprintf("%s%s?%s=%d", h.remote(r).origin(), r.URL.Path, param, edge)
			w.Header().Set("Link", "<"+next+`>; rel="next"`)
		}
	}
	out := make([]views.BotMessageJSON, len(msgs))
	for i, m := range msgs {
		out[i] = h.messageAsJSON(r, br.room, m)
	}
	w.Header().Set("X-Total-Count", strconv.FormatInt(total, 10))
	writeJSON(w, http.StatusOK, out)
}

// botMessage loads the route's message of the bot's room (404 otherwise); with
// own, only a message the bot wrote (403 otherwise).
func (h *Handler) botMessage(w http.ResponseWriter, r *http.Request, own bool) (model.Message, bool) {
	br := botFrom(r.Context())
	id, err := pathID(r, "messageID")
	if err != nil {
		botJSONError(w, http.StatusNotFound, "Message not found")
		return model.Message{}, false
	}
	m, err := h.store.Message(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && m.RoomID != br.room.ID) {
		botJSONError(w, http.StatusNotFound, "Message not found")
		return model.Message{}, false
	}
	if err != nil {
		h.botServerError(w, r, err)
		return model.Message{}, false
	}
	if own && m.CreatorID != br.bot.ID {
		botJSONError(w, http.StatusForbidden, "A bot can only change its own messages")
		return model.Message{}, false
	}
	return m, true
}

func (h *Handler) botUpdateMessage(w http.ResponseWriter, r *http.Request) {
	br := botFrom(r.Context())
	m, ok := h.botMessage(w, r, true)
	if !ok {
		return
	}
	in, status, err := botBody(r)
	if err != nil {
		botJSONError(w, status, err.Error())
		return
	}
	updated, err := h.chat.Edit(r.Context(), m, in.body)
	if h.botChangeFailed(w, r, err) {
		return
	}
	writeJSON(w, http.StatusOK, h.messageAsJSON(r, br.room, updated))
}

func (h *Handler) botDeleteMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := h.botMessage(w, r, true)
	if !ok {
		return
	}
	if err := h.chat.Delete(r.Context(), m); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.botServerError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) botCreateBoost(w http.ResponseWriter, r *http.Request) {
	br := botFrom(r.Context())
	m, ok := h.botMessage(w, r, false)
	if !ok {
		return
	}
	in, status, err := botBody(r)
	if err != nil {
		botJSONError(w, status, err.Error())
		return
	}
	boost, err := h.chat.Boost(r.Context(), m, br.bot, in.body)
	if h.botChangeFailed(w, r, err) {
		return
	}
	writeJSON(w, http.StatusCreated, views.BotBoost(h.remote(r).origin(), boost, m.RoomID, br.bot.Role))
}

func (h *Handler) botDeleteBoost(w http.ResponseWriter, r *http.Request) {
	br := botFrom(r.Context())
	m, ok := h.botMessage(w, r, false)
	if !ok {
		return
	}
	id, err := pathID(r, "boostID")
	if err != nil {
		botJSONError(w, http.StatusNotFound, "Boost not found")
		return
	}
	b, err := h.store.Boost(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && b.MessageID != m.ID) {
		botJSONError(w, http.StatusNotFound, "Boost not found")
		return
	}
	if err != nil {
		h.botServerError(w, r, err)
		return
	}
	if b.BoosterID != br.bot.ID {
		botJSONError(w, http.StatusForbidden, "A bot can only remove its own boosts")
		return
	}
	if err := h.chat.RemoveBoost(r.Context(), b); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.botServerError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// botChangeFailed answers a failed post, edit or boost in JSON — 422 with what
// is wrong, 404 for a message deleted meanwhile, 500 otherwise — and reports
// whether it did.
func (h *Handler) botChangeFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	var ve *chat.ValidationError
	switch {
	case err == nil:
		return false
	case errors.As(err, &ve):
		botJSONError(w, http.StatusUnprocessableEntity, ve.Message)
	case errors.Is(err, db.ErrNotFound):
		botJSONError(w, http.StatusNotFound, "Message not found")
	default:
		h.botServerError(w, r, err)
	}
	return true
}
