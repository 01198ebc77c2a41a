// Package webhooks delivers bot webhooks in the background (SPEC §4): it
// POSTs the event JSON to the bot's URL and turns a text answer, or silence,
// into a reply the app posts as the bot. It takes plain values and a Reply
// callback; the app decides who gets a webhook and how replies are stored.
package webhooks

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Event is what BuildPayload needs to describe one message to one bot.
type Event struct {
	UserID   int64
	UserName string

	RoomID   int64
	RoomName *string // nil for direct rooms, sent as null

	MessageID int64
	HTML      string // the stored body, unrendered
	Plain     string // plain text; BuildPayload removes the bot's @mentions

	BotName string // recipient, whose "@BotName" is stripped from Plain
	BotKey  string // recipient's key, part of room.path

	// Attachment is the message's file as the bot API shows it
	// (views.BotAttachmentJSON), or nil: sent as null.
	Attachment any
}

type payload struct {
	User    payloadUser    `json:"user"`
	Room    payloadRoom    `json:"room"`
	Message payloadMessage `json:"message"`
}

type payloadUser struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type payloadRoom struct {
	ID   int64   `json:"id"`
	Name *string `json:"name"`
	Path string  `json:"path"`
}

type payloadMessage struct {
	ID         int64       `json:"id"`
	Body       payloadBody `json:"body"`
	Path       string      `json:"path"`
	Attachment any         `json:"attachment"`
}

type payloadBody struct {
	HTML  string `json:"html"`
	Plain string `json:"plain"`
}

// BuildPayload renders SPEC §4's webhook body:
//
//	{"user": {"id","name"}, "room": {"id","name","path"},
//	 "message": {"id","body": {"html","plain"},"path","attachment"}}
//
// room.path is where the bot posts its answers, message.path the permalink.
func BuildPayload(e Event) ([]byte, error) {
	rid := strconv.FormatInt(e.RoomID, 10)
	return json.Marshal(payload{
		User: payloadUser{ID: e.UserID, Name: e.UserName},
		Room: payloadRoom{
			ID:   e.RoomID,
			Name: e.RoomName,
			Path: "/rooms/" + rid + "/" + e.BotKey + "/messages",
		},
		Message: payloadMessage{
			ID:         e.MessageID,
			Body:       payloadBody{HTML: e.HTML, Plain: StripMention(e.Plain, e.BotName)},
			Path:       "/rooms/" + rid + "/@" + strconv.FormatInt(e.MessageID, 10),
			Attachment: e.Attachment,
		},
	})
}

// StripMention removes every "@name" from plain and trims surrounding
// whitespace, so a bot sees "deploy now" rather than "@Deployer deploy now".
func StripMention(plain, name string) string {
	if name != "" {
		plain = strings.ReplaceAll(plain, "@"+name, "")
	}
	return strings.TrimSpace(plain)
}
