package model

import "time"

// RoomKind is who a room is for.
type RoomKind string

// Kinds of rooms, as stored.
const (
	RoomOpen   RoomKind = "open"   // everyone
	RoomClosed RoomKind = "closed" // chosen people
	RoomDirect RoomKind = "direct" // a conversation between a few people
)

// Involvement is how much of a room a member wants to hear about.
type Involvement string

// Involvements, as stored.
const (
	InvolvementEverything Involvement = "everything"
	InvolvementMentions   Involvement = "mentions"
	InvolvementNothing    Involvement = "nothing"
	InvolvementInvisible  Involvement = "invisible"
)

// Room is a conversation: open to everyone, closed to chosen people, or direct.
type Room struct {
	ID        int64
	Kind      RoomKind
	Name      string
	CreatorID int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// IsDirect reports whether the room is a direct conversation.
func (r Room) IsDirect() bool { return r.Kind == RoomDirect }

// SidebarRoom is one line of a user's room list.
type SidebarRoom struct {
	Room
	// DisplayName is the room's name, or for a direct room the other people's names.
	DisplayName string
	Involvement Involvement
	Unread      bool
	// AvatarUserID and AvatarKey are, for a direct room, the other person
	// whose avatar stands for it (the first by name), else zero.
	AvatarUserID int64
	AvatarKey    string
	// UnreadAt is when the first message the member has not read arrived
	// (zero when the room is read).
	UnreadAt time.Time
	// Mentioned: a message mentioned the member since they last read it.
	Mentioned bool
}

// Mentionable is a room member who can be @mentioned.
type Mentionable struct {
	ID   int64
	Name string
}

// Valid reports whether i is one of the four involvements.
func (i Involvement) Valid() bool {
	switch i {
	case InvolvementEverything, InvolvementMentions, InvolvementNothing, InvolvementInvisible:
		return true
	}
	return false
}
