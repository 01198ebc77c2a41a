package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
	"github.com/campfire-go/campfire/views"
)

// listMessages answers a page of messages before or after one, as a fragment.
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	var p db.Page
	var err error
	if p.Before, err = queryID(r, "before"); err == nil {
		p.After, err = queryID(r, "after")
	}
	if err != nil {
		h.badRequest(w, r, "before and after take a message id.")
		return
	}
	win, err := h.store.MessageWindow(r.Context(), room.ID, p)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(win.Messages) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !isPartial(r) || (p.Before == 0 && p.After == 0) {
		h.render(w, r, http.StatusOK, views.Messages(win.Messages))
		return
	}
	// A pager's request: the next pager comes along, or goes at the end.
	more := win.Newer
	if p.Before > 0 {
		more = win.Older
	}
	h.render(w, r, http.StatusOK, views.MessagesPage(views.MessagesPageProps{
		RoomID: room.ID, Messages: win.Messages, Before: p.Before > 0, More: more,
	}))
}

// messageForm reads message[body] and message[client_message_id].
func messageForm(r *http.Request) (body, clientMessageID string, err error) {
	if err := r.ParseForm(); err != nil {
		return "", "", err
	}
	return r.PostForm.Get("message[body]"), r.PostForm.Get("message[client_message_id]"), nil
}

func (h *Handler) createMessage(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	u := mustUser(r)
	if !h.allowPost(w, r, u) {
		return
	}
	var body, cmid string
	var file *chat.Upload
	var err error
	if isMultipart(r) {
		var form uploadForm
		form, err = h.readUploadForm(r, "message[attachment]")
		body, cmid, file = form.fields["message[body]"], form.fields["message[client_message_id]"], form.file
		defer file.Release()
	} else {
		body, cmid, err = messageForm(r)
	}
	var posted chat.Posted
	var ve *chat.ValidationError
	var tl *chat.TooLargeError
	switch {
	case errors.As(err, &tl):
		h.tooLarge(w, r, tl.Error())
		return
	case err != nil && !errors.As(err, &ve):
		h.formError(w, r, err)
		return
	case err == nil:
		posted, err = h.chat.Post(r.Context(), chat.PostParams{Room: room, Creator: u, Body: body, ClientMessageID: cmid, Attachment: file})
	}
	switch {
	case errors.As(err, &ve):
		composer := views.ComposerProps{RoomID: room.ID, Body: body, ClientMessageID: cmid, Error: ve.Message, UserName: u.Name, MaxUpload: h.cfg.MaxUpload}
		if isPartial(r) {
			h.render(w, r, http.StatusUnprocessableEntity, views.ComposerReplace(composer))
			return
		}
		h.roomPage(w, r, db.Page{}, http.StatusUnprocessableEntity, composer)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if isPartial(r) {
		if posted.Fragment != nil {
			// The poster gets the very fragment the room was sent.
			writeHTML(w, http.StatusOK, posted.Fragment)
			return
		}
		h.render(w, r, http.StatusOK, views.MessageAppend(posted.Message))
		return
	}
	h.redirect(w, r, views.RoomURL(room.ID)+"#"+posted.Message.DomID())
}

// formError answers a form that could not be read: too large, or malformed.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		h.errorPage(w, r, http.StatusRequestEntityTooLarge, "Too large", "That is more than the server accepts at once.")
		return
	}
	if errors.Is(err, errImageTooLarge) {
		h.errorPage(w, r, http.StatusRequestEntityTooLarge, "Too large", "Choose an image of at most 10 MiB.")
		return
	}
	h.badRequest(w, r, "The form could not be read.")
}

// roomMessage loads the route's message within a room the user belongs to.
func (h *Handler) roomMessage(w http.ResponseWriter, r *http.Request) (model.SidebarRoom, model.Message, bool) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return room, model.Message{}, false
	}
	id, err := pathID(r, "messageID")
	if err != nil {
		h.notFound(w, r)
		return room, model.Message{}, false
	}
	m, err := h.store.Message(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && m.RoomID != room.ID) {
		h.notFound(w, r)
		return room, model.Message{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return room, model.Message{}, false
	}
	return room, m, true
}

// canAdminister reports whether the user may edit or delete the message.
func canAdminister(u model.User, m model.Message) bool {
	return u.IsAdmin() || u.ID == m.CreatorID
}

// administeredMessage loads the route's message for someone who may edit or
// delete it (its creator or an administrator); others get 403.
func (h *Handler) administeredMessage(w http.ResponseWriter, r *http.Request) (model.SidebarRoom, model.Message, bool) {
	room, m, ok := h.roomMessage(w, r)
	if !ok {
		return room, m, false
	}
	if u := mustUser(r); !canAdminister(u, m) {
		h.forbidden(w, r)
		return room, m, false
	}
	return room, m, true
}

func (h *Handler) showMessage(w http.ResponseWriter, r *http.Request) {
	_, m, ok := h.roomMessage(w, r)
	if !ok {
		return
	}
	if isPartial(r) {
		h.render(w, r, http.StatusOK, views.Message(m))
		return
	}
	h.redirect(w, r, views.MessagePermalink(m.RoomID, m.ID))
}

func (h *Handler) editMessage(w http.ResponseWriter, r *http.Request) {
	room, m, ok := h.administeredMessage(w, r)
	if !ok {
		return
	}
	e := views.EditMessageProps{Room: room, Message: m, Body: editableText(m), HTML: m.HTML}
	if isPartial(r) {
		// Edit in place: the message with its form, swapped into the room.
		h.render(w, r, http.StatusOK, views.MessageEditing(e))
		return
	}
	h.render(w, r, http.StatusOK, views.EditMessagePage(h.page(r, "Edit message"), e))
}

// confirmDeleteMessage asks before deleting, for pages without scripts
// (with scripts the menu asks in a dialog and deletes in place).
func (h *Handler) confirmDeleteMessage(w http.ResponseWriter, r *http.Request) {
	room, m, ok := h.administeredMessage(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, views.DeleteMessagePage(h.page(r, "Delete message"), room, m))
}

func (h *Handler) updateMessage(w http.ResponseWriter, r *http.Request) {
	room, m, ok := h.administeredMessage(w, r)
	if !ok {
		return
	}
	body, _, err := messageForm(r)
	if err != nil {
		h.formError(w, r, err)
		return
	}
	updated, err := h.chat.Edit(r.Context(), m, body)
	var ve *chat.ValidationError
	switch {
	case errors.As(err, &ve):
		e := views.EditMessageProps{Room: room, Message: m, Body: body, Error: ve.Message, HTML: typedHTML(body)}
		if isPartial(r) {
			h.render(w, r, http.StatusUnprocessableEntity, views.MessageEditing(e))
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, views.EditMessagePage(h.page(r, "Edit message"), e))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if isPartial(r) {
		// The form asked for the message itself, to put back in its place.
		h.render(w, r, http.StatusOK, views.Message(updated))
		return
	}
	// Back to the conversation, at the message, as after posting.
	h.redirect(w, r, views.RoomURL(room.ID)+"#"+m.DomID())
}

func (h *Handler) deleteMessage(w http.ResponseWriter, r *http.Request) {
	room, m, ok := h.administeredMessage(w, r)
	if !ok {
		return
	}
	if err := h.chat.Delete(r.Context(), m); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	if isPartial(r) {
		h.render(w, r, http.StatusOK, views.MessageRemove(m.DomID()))
		return
	}
	h.redirect(w, r, views.RoomURL(room.ID))
}

// typedHTML is what a refused edit puts back into the rich editor: Trix's
// markup, sanitized, when that is what came; plain text is left to the
// textarea (the editor converts it).
func typedHTML(body string) string {
	if !strings.HasPrefix(strings.TrimSpace(body), "<") {
		return ""
	}
	return richtext.Sanitize(body)
}

// editableText is the text of a message as its edit form shows it: without
// the file's name, which the stored plain text carries for search.
func editableText(m model.Message) string {
	if m.Attachment == nil {
		return m.Plain
	}
	return richtext.PlainText(m.HTML)
}
