package handlers

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
	"github.com/campfire-go/campfire/views"
)

// maxRoomName is the longest room name, in code points.
const maxRoomName = 100

// roomForm is room[name] and user_ids[] of the room forms.
type roomForm struct {
	Name    string
	UserIDs []int64
}

// errBadUserIDs is a user_ids[] value that is not an id at all.
var errBadUserIDs = errors.New("user_ids[] must be user ids")

func parseRoomForm(r *http.Request) (roomForm, error) {
	if err := r.ParseForm(); err != nil {
		return roomForm{}, err
	}
	f := roomForm{Name: strings.TrimSpace(r.PostForm.Get("room[name]"))}
	ids, err := formIDs(r, "user_ids[]", "user_ids")
	if err != nil {
		return roomForm{}, err
	}
	f.UserIDs = ids
	return f, nil
}

// formIDs reads the posted ids under any of the names (PHP-style brackets or
// not); an empty value is skipped, anything else must be an id.
func formIDs(r *http.Request, names ...string) ([]int64, error) {
	var ids []int64
	for _, name := range names {
		for _, v := range r.PostForm[name] {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			id, err := parseID(v)
			if err != nil {
				return nil, errBadUserIDs
			}
			ids = append(ids, id)
		}
	}
	if len(ids) > 10_000 {
		return nil, errBadUserIDs
	}
	return ids, nil
}

// nameProblem says what is wrong with a room name, or "".
func (f roomForm) nameProblem() string {
	switch n := utf8.RuneCountInString(f.Name); {
	case !utf8.ValidString(f.Name):
		return "The name is not valid text."
	case n == 0:
		return "Give the room a name."
	case n > maxRoomName:
		return "Use at most 100 characters."
	}
	if p := richtext.LineProblem(f.Name); p != "" {
		return p
	}
	return ""
}

// roomFormError answers a room form that could not be read at all.
func (h *Handler) roomFormError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errBadUserIDs) {
		h.badRequest(w, r, err.Error()+".")
		return
	}
	h.formError(w, r, err)
}

// canCreateRooms reports whether the user may make open and closed rooms: the
// account may keep that for administrators.
func (h *Handler) canCreateRooms(r *http.Request, u model.User) (bool, error) {
	if u.IsAdmin() {
		return true, nil
	}
	a, err := h.store.Account(r.Context())
	if err != nil {
		return false, err
	}
	return !a.RestrictRoomCreation, nil
}

// requireRoomCreation answers 403 and returns false when the user may not make rooms.
func (h *Handler) requireRoomCreation(w http.ResponseWriter, r *http.Request) (model.User, bool) {
	u := mustUser(r)
	ok, err := h.canCreateRooms(r, u)
	if err != nil {
		h.serverError(w, r, err)
		return u, false
	}
	if !ok {
		h.errorPage(w, r, http.StatusForbidden, "Not allowed", "Only administrators can create rooms here.")
		return u, false
	}
	return u, true
}

// canAdministerRoom: administrators, and the room's creator.
func canAdministerRoom(u model.User, room model.Room) bool {
	return u.IsAdmin() || u.ID == room.CreatorID
}

// sharedRoom loads the route's open or closed room for a member; a direct
// room is not found under these routes.
func (h *Handler) sharedRoom(w http.ResponseWriter, r *http.Request) (model.SidebarRoom, bool) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return room, false
	}
	if room.IsDirect() {
		h.notFound(w, r)
		return room, false
	}
	return room, true
}

// newRoomForm answers GET /rooms/opens/new and /rooms/closeds/new.
func (h *Handler) newRoomForm(w http.ResponseWriter, r *http.Request, kind model.RoomKind) {
	if _, ok := h.requireRoomCreation(w, r); !ok {
		return
	}
	f, err := h.roomFormProps(r, kind, model.Room{}, "New room", nil)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderRoomForm(w, r, http.StatusOK, f)
}

// submittedRoomForm reads a create or update form of a shared room of the
// given kind (room is zero when creating); when it cannot be read or its name
// is wrong it answers, and returns false.
func (h *Handler) submittedRoomForm(w http.ResponseWriter, r *http.Request, kind model.RoomKind, room model.Room) (roomForm, bool) {
	form, err := parseRoomForm(r)
	if err != nil {
		h.roomFormError(w, r, err)
		return form, false
	}
	if problem := form.nameProblem(); problem != "" {
		h.rerenderRoomForm(w, r, kind, room, form, problem)
		return form, false
	}
	return form, true
}

// administeredSharedRoom loads the route's shared room for someone who may
// change it (an administrator or its creator); other members get 403.
func (h *Handler) administeredSharedRoom(w http.ResponseWriter, r *http.Request) (model.SidebarRoom, model.User, bool) {
	u := mustUser(r)
	room, ok := h.sharedRoom(w, r)
	if !ok {
		return room, u, false
	}
	if !canAdministerRoom(u, room.Room) {
		h.forbidden(w, r)
		return room, u, false
	}
	return room, u, true
}

// roomFormProps fill a room form with everyone who could be in it.
func (h *Handler) roomFormProps(r *http.Request, kind model.RoomKind, room model.Room, name string, members map[int64]bool) (views.RoomFormProps, error) {
	u := mustUser(r)
	people, err := h.store.ActivePeople(r.Context())
	if err != nil {
		return views.RoomFormProps{}, err
	}
	f := views.RoomFormProps{Kind: kind, Room: room, Name: name, People: people, Members: members, CanEdit: true}
	if room.ID == 0 {
		f.Locked = u.ID
	} else {
		f.Locked = room.CreatorID
		f.CanEdit = canAdministerRoom(u, room)
		f.CanDelete = f.CanEdit
	}
	return f, nil
}

func (h *Handler) renderRoomForm(w http.ResponseWriter, r *http.Request, status int, f views.RoomFormProps) {
	h.render(w, r, status, views.RoomFormPage(h.page(r, f.Name), f))
}

// editRoomForm shows a shared room's settings as the given kind: members who
// may not change it see them read-only.
func (h *Handler) editRoomForm(w http.ResponseWriter, r *http.Request, kind model.RoomKind) {
	room, ok := h.sharedRoom(w, r)
	if !ok {
		return
	}
	members, err := h.memberSet(r, room.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	f, err := h.roomFormProps(r, kind, room.Room, room.Name, members)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderRoomForm(w, r, http.StatusOK, f)
}

func (h *Handler) memberSet(r *http.Request, roomID int64) (map[int64]bool, error) {
	ids, err := h.store.RoomMemberIDs(r.Context(), roomID)
	if err != nil {
		return nil, err
	}
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

func idSet(ids []int64) map[int64]bool {
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// deleteRoom removes a room: its administrators (admins, the creator) only.
func (h *Handler) deleteRoom(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	u := mustUser(r)
	if !canAdministerRoom(u, room.Room) {
		h.forbidden(w, r)
		return
	}
	h.destroyRoom(w, r, room)
}

// confirmDeleteRoom asks before deleting a room, for pages without scripts.
// It shows to whoever may delete it: an administrator or its creator, and any
// participant of a direct room.
func (h *Handler) confirmDeleteRoom(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	if !room.IsDirect() && !canAdministerRoom(mustUser(r), room.Room) {
		h.forbidden(w, r)
		return
	}
	h.render(w, r, http.StatusOK, views.DeleteRoomPage(h.page(r, "Delete "+room.DisplayName), room))
}

// destroyRoom deletes the room, takes it off every member's sidebar and ends
// their streams on it, then goes home.
func (h *Handler) destroyRoom(w http.ResponseWriter, r *http.Request, room model.SidebarRoom) {
	members, err := h.store.DeleteRoom(r.Context(), room.ID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	h.chat.RoomRevoked(r.Context(), room.ID, members)
	// Its messages went with it, and their files with them.
	h.chat.SweepFiles(r.Context())
	h.sessions.Put(r.Context(), flashKey, room.DisplayName+" was deleted.")
	h.redirect(w, r, "/")
}
