package model

import "strconv"

// Bot is a bot user with its key, webhook and rooms.
type Bot struct {
	User
	Token      string
	WebhookURL string
	Rooms      []BotRoom
}

// Key is what the bot puts in its URLs: "{user id}-{token}".
func (b Bot) Key() string { return BotKey(b.ID, b.Token) }

// BotKey joins a bot's id and token.
func BotKey(id int64, token string) string { return strconv.FormatInt(id, 10) + "-" + token }

// BotRoom is a room a bot can post in, named as its admin sees it.
type BotRoom struct {
	ID   int64
	Kind RoomKind
	Name string
}
