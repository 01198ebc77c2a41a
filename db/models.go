package db

import "time"

// Roles and statuses of users, kinds of rooms and involvements, as stored.
const (
	RoleMember        = "member"
	RoleAdministrator = "administrator"
	RoleBot           = "bot"

	StatusActive      = "active"
	StatusDeactivated = "deactivated"
	StatusBanned      = "banned"

	RoomOpen   = "open"
	RoomClosed = "closed"
	RoomDirect = "direct"

	InvolvementEverything = "everything"
	InvolvementMentions   = "mentions"
	InvolvementNothing    = "nothing"
	InvolvementInvisible  = "invisible"
)

// Account is the one organisation of an install.
type Account struct {
	ID                   int64
	Name                 string
	JoinCode             string
	CustomStyles         string
	RestrictRoomCreation bool
}

// User is a person or a bot.
type User struct {
	ID             int64
	Name           string
	Email          string
	PasswordDigest string
	Role           string
	Status         string
	Bio            string
	CreatedAt      time.Time
}

// IsAdmin reports whether the user administers the account.
func (u User) IsAdmin() bool { return u.Role == RoleAdministrator }

// IsBot reports whether the user is a bot.
func (u User) IsBot() bool { return u.Role == RoleBot }

// Room is a conversation: open to everyone, closed to chosen people, or direct.
type Room struct {
	ID        int64
	Kind      string
	Name      string
	CreatorID int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// IsDirect reports whether the room is a direct conversation.
func (r Room) IsDirect() bool { return r.Kind == RoomDirect }

// Membership is a user's place in a room.
type Membership struct {
	RoomID      int64
	UserID      int64
	Involvement string
	Unread      bool
}

// SidebarRoom is one line of a user's room list.
type SidebarRoom struct {
	Room
	// DisplayName is the room's name, or for a direct room the other people's names.
	DisplayName string
	Involvement string
	Unread      bool
}

// Message is a message with what is needed to show it.
type Message struct {
	ID              int64
	RoomID          int64
	CreatorID       int64
	ClientMessageID string
	HTML            string
	Plain           string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	CreatorName     string
	CreatorRole     string
	Boosts          []Boost
}

// DomID is the element id of the message in every page and stream.
func (m Message) DomID() string { return "message_" + m.ClientMessageID }

// Boost is a short reaction to a message.
type Boost struct {
	ID          int64
	MessageID   int64
	BoosterID   int64
	BoosterName string
	Content     string
	CreatedAt   time.Time
}

// Event kinds in the replay log.
const (
	EventCreated = "created"
	EventUpdated = "updated"
	EventDeleted = "deleted"
)

// Event is one change to a room's timeline; its id is the SSE event id.
type Event struct {
	ID        int64
	RoomID    int64
	Kind      string
	MessageID int64
	DomID     string
}
