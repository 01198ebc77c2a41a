package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

const lastRoomCookie = "last_room"

// welcome sends a signed-in person to the room they were last in, else their
// first room.
func (h *Handler) welcome(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	if c, err := r.Cookie(lastRoomCookie); err == nil {
		if id, err := parseID(c.Value); err == nil {
			if ok, err := h.store.IsMember(r.Context(), id, u.ID); err == nil && ok {
				h.redirect(w, r, roomLanding(r, id))
				return
			}
		}
	}
	id, err := h.store.FirstRoomID(r.Context(), u.ID)
	if errors.Is(err, db.ErrNotFound) {
		canCreate, err := h.canCreateRooms(r, u)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		page := h.page(r, "No rooms yet")
		page.Notice = h.sessions.PopString(r.Context(), flashKey) // e.g. the last room was deleted
		page.Alert = h.sessions.PopString(r.Context(), alertKey)
		h.render(w, r, http.StatusOK, views.NoRoomsPage(page, canCreate))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, roomLanding(r, id))
}

// roomLanding is where the landing page sends a person: for a browser's
// navigation, the room's #latest anchor, so that it opens at the newest
// messages also without scripts; for other clients, which make URLs of
// the Location, the plain room URL.
func roomLanding(r *http.Request, roomID int64) string {
	if r.Header.Get("Sec-Fetch-Mode") == "navigate" {
		return views.RoomLatestURL(roomID)
	}
	return views.RoomURL(roomID)
}

// memberRoom loads the route's room for the current user. When the id is bad
// or the user is not a member it answers, and returns ok=false.
func (h *Handler) memberRoom(w http.ResponseWriter, r *http.Request) (model.SidebarRoom, bool) {
	u := mustUser(r)
	id, err := pathID(r, "roomID")
	if err != nil {
		h.notFound(w, r)
		return model.SidebarRoom{}, false
	}
	room, err := h.store.MemberRoom(r.Context(), id, u.ID)
	if errors.Is(err, db.ErrNotFound) {
		if r.Method == http.MethodGet && !isPartial(r) {
			h.sessions.Put(r.Context(), alertKey, "Room not found or inaccessible")
			h.redirect(w, r, "/")
		} else {
			h.notFound(w, r)
		}
		return model.SidebarRoom{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return model.SidebarRoom{}, false
	}
	return room, true
}

func (h *Handler) showRoom(w http.ResponseWriter, r *http.Request) {
	var p db.Page
	var err error
	if p.Before, err = queryID(r, "before"); err == nil {
		p.After, err = queryID(r, "after")
	}
	if err != nil {
		h.badRequest(w, r, "before and after take a message id.")
		return
	}
	body, ok := h.composerStart(w, r)
	if !ok {
		return
	}
	h.roomPage(w, r, p, http.StatusOK, views.ComposerProps{Body: body})
}

// composerStart is what the composer starts with when the page was opened by
// a message's Reply (?reply_to=id: a mention of its author) or Quote
// (?quote=id: its text, quoted) without scripts. The message must be in the
// room and the room the reader's; otherwise the composer starts empty.
func (h *Handler) composerStart(w http.ResponseWriter, r *http.Request) (string, bool) {
	replyTo, err := queryID(r, "reply_to")
	var quote int64
	if err == nil {
		quote, err = queryID(r, "quote")
	}
	if err != nil {
		h.badRequest(w, r, "reply_to and quote take a message id.")
		return "", false
	}
	id := max(replyTo, quote)
	if id == 0 {
		return "", true
	}
	roomID, err := pathID(r, "roomID")
	if err != nil {
		return "", true
	}
	m, err := h.store.Message(r.Context(), id)
	if err != nil || m.RoomID != roomID {
		// Not found, or another room's: memberRoom decides about the room.
		return "", true
	}
	if replyTo != 0 {
		return "@" + m.CreatorName + " ", true
	}
	text := editableText(m)
	if m.Sound != nil {
		text = m.Sound.Caption
	}
	return "> " + m.CreatorName + ": " + strings.ReplaceAll(text, "\n", "\n> ") + "\n\n", true
}

func (h *Handler) showRoomAtMessage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "messageID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	h.roomPage(w, r, db.Page{Around: id}, http.StatusOK, views.ComposerProps{})
}

// roomPage renders a room with a page of its messages and marks it read.
func (h *Handler) roomPage(w http.ResponseWriter, r *http.Request, p db.Page, status int, composer views.ComposerProps) {
	// Before the membership is read: a removal committed after that read is
	// later than the token, which it then ends.
	issued := time.Now()
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	u := mustUser(r)
	ctx := r.Context()

	// The cursor is read before the messages: whatever commits in between is
	// both on the page and replayed, and the browser keeps one copy.
	cursor := h.hub.LastEventID()
	win, err := h.store.MessageWindow(ctx, room.ID, p)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	msgs := win.Messages
	if p.Around > 0 && !containsMessage(msgs, p.Around) {
		h.notFound(w, r)
		return
	}
	// Where the reader left off, read before the room is marked read.
	unreadFrom := firstUnread(room, win, u.ID)
	if room, err = h.chat.MarkRead(ctx, room, u.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	rooms, err := h.store.SidebarRooms(ctx, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}

	present, err := h.chat.PresentPeople(ctx, room.ID, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	canCreate, err := h.canCreateRooms(r, u)
	if err != nil {
		h.serverError(w, r, err)
		return
	}

	invite, err := h.inviteURL(r, u)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	composer.RoomID = room.ID
	composer.UserName = u.Name
	composer.MaxUpload = h.cfg.MaxUpload
	if composer.ClientMessageID == "" || composer.Error != "" {
		composer.ClientMessageID = chat.NewClientMessageID()
	}
	page := h.page(r, unreadTitle(rooms, room.ID)+room.DisplayName)
	page.CurrentRoomID = room.ID
	page.Notice = h.sessions.PopString(ctx, flashKey)
	page.Alert = h.sessions.PopString(ctx, alertKey)
	page.FocusMessageID = p.Around
	http.SetCookie(w, &http.Cookie{Name: lastRoomCookie, Value: strconv.FormatInt(room.ID, 10), Path: "/",
		MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.cfg.SecureCookies})
	h.render(w, r, status, views.RoomPage(page, views.RoomPageProps{
		Room:        room,
		Rooms:       rooms,
		Messages:    msgs,
		Cursor:      cursor,
		StreamToken: h.streamToken(r, u.ID, room.ID, issued),
		Older:       win.Older,
		Newer:       win.Newer,
		Focus:       p.Around,
		UnreadFrom:  unreadFrom,
		Composer:    composer,
		Header: views.RoomHeaderProps{
			Room:      room,
			CanDelete: canAdministerRoom(u, room.Room) || room.IsDirect(),
			Present:   present,
		},
		CanCreateRooms: canCreate,
		InviteURL:      invite,
	}))
}

// firstUnread is the page's first message the reader had not read, where
// the "new messages" divider goes: 0 when the room was read, or when the
// page may begin in the middle of what is unread.
func firstUnread(room model.SidebarRoom, win db.Window, userID int64) int64 {
	if !room.Unread || room.UnreadAt.IsZero() {
		return 0
	}
	for i, m := range win.Messages {
		if m.CreatorID != userID && !m.CreatedAt.Before(room.UnreadAt) {
			if i == 0 && win.Older {
				return 0
			}
			return m.ID
		}
	}
	return 0
}

// unreadTitle starts a room's title with how many other rooms are unread,
// as "(2) ", so a tab in the background shows it.
func unreadTitle(rooms []model.SidebarRoom, currentID int64) string {
	n := 0
	for _, r := range rooms {
		if r.Unread && r.ID != currentID {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return "(" + strconv.Itoa(n) + ") "
}

func containsMessage(msgs []model.Message, id int64) bool {
	for _, m := range msgs {
		if m.ID == id {
			return true
		}
	}
	return false
}

// inviteURL is the join link when the person is an administrator with
// nobody else on the account yet (bots aside): the room then invites them
// to invite people. Otherwise it is "".
func (h *Handler) inviteURL(r *http.Request, u model.User) (string, error) {
	if !u.IsAdmin() {
		return "", nil
	}
	if others, err := h.store.HasOtherPerson(r.Context(), u.ID); err != nil || others {
		return "", err
	}
	a, err := h.store.Account(r.Context())
	if err != nil {
		return "", err
	}
	return h.remote(r).url(views.JoinURL(a.JoinCode)), nil
}
