package model

import "time"

// Role is what a user is to the account.
type Role string

// Roles, as stored.
const (
	RoleMember        Role = "member"
	RoleAdministrator Role = "administrator"
	RoleBot           Role = "bot"
)

// Status is whether a user can still take part.
type Status string

// Statuses, as stored.
const (
	StatusActive      Status = "active"
	StatusDeactivated Status = "deactivated"
	StatusBanned      Status = "banned"
)

// User is a person or a bot.
type User struct {
	ID        int64
	Name      string
	Email     string
	Role      Role
	Status    Status
	Bio       string
	CreatedAt time.Time
	// AvatarKey names the uploaded avatar; "" draws initials.
	AvatarKey string
}

// IsAdmin reports whether the user administers the account.
func (u User) IsAdmin() bool { return u.Role == RoleAdministrator }

// IsBot reports whether the user is a bot.
func (u User) IsBot() bool { return u.Role == RoleBot }

// Person is a user as room forms and presence lists show them.
type Person struct {
	ID        int64
	Name      string
	Role      Role
	AvatarKey string // "" for initials
}

// UserSession is one sign-in of a person: a browser or device.
type UserSession struct {
	ID         int64
	IPAddress  string
	UserAgent  string
	CreatedAt  time.Time
	LastActive time.Time
}
