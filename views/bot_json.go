package views

import (
	"time"

	"github.com/campfire-go/campfire/internal/model"
)

// What bots read (SPEC §4): the bot API's answers and a bot's event stream
// carry the same JSON. URLs in it are absolute, under base, the scheme and
// host the bot reached.

// BotUserJSON is a person or bot as bots see them.
type BotUserJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Role      model.Role `json:"role"`
	AvatarURL string     `json:"avatar_url"`
}

// BotRoomJSON is a room; a direct room has no name for a bot (SPEC §11).
type BotRoomJSON struct {
	ID   int64   `json:"id"`
	Name *string `json:"name"`
}

// BotBodyJSON is a message's body.
type BotBodyJSON struct {
	HTML      string `json:"html"`
	PlainText string `json:"plain_text"`
}

// BotMessageJSON is a message.
type BotMessageJSON struct {
	ID        int64       `json:"id"`
	Room      BotRoomJSON `json:"room"`
	Creator   BotUserJSON `json:"creator"`
	Body      BotBodyJSON `json:"body"`
	URL       string      `json:"url"`
	CreatedAt string      `json:"created_at"`
	UpdatedAt string      `json:"updated_at"`
	// Attachment is the message's file; null when it has none.
	Attachment *BotAttachmentJSON `json:"attachment"`
}

// BotAttachmentJSON is a message's file (SPEC §12). PreviewURL is null for
// a file that is not an image shown in place.
type BotAttachmentJSON struct {
	Filename    string  `json:"filename"`
	ContentType string  `json:"content_type"`
	ByteSize    int64   `json:"byte_size"`
	URL         string  `json:"url"`
	PreviewURL  *string `json:"preview_url"`
}

// BotAttachment is a file as bots and webhooks see it, with URLs under base;
// nil for none.
func BotAttachment(base string, a *model.Attachment) *BotAttachmentJSON {
	if a == nil {
		return nil
	}
	out := &BotAttachmentJSON{Filename: a.Filename, ContentType: a.ContentType, ByteSize: a.ByteSize, URL: base + AttachmentURL(*a)}
	if a.HasPreview() {
		p := base + AttachmentPreviewURL(*a)
		out.PreviewURL = &p
	}
	return out
}

// BotBoostJSON is a boost.
type BotBoostJSON struct {
	ID        int64       `json:"id"`
	Content   string      `json:"content"`
	CreatedAt string      `json:"created_at"`
	Booster   BotUserJSON `json:"booster"`
	Message   struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	} `json:"message"`
}

// BotJSONTime is SPEC §11's time: UTC, milliseconds, Z.
func BotJSONTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// BotRoom is a room as bots see it.
func BotRoom(room model.Room) BotRoomJSON {
	out := BotRoomJSON{ID: room.ID}
	if !room.IsDirect() {
		name := room.Name
		out.Name = &name
	}
	return out
}

// BotUser is a user as bots see them; avatarKey is their uploaded
// avatar's, or "" when unknown or none (the address without a version
// serves the current avatar).
func BotUser(base string, id int64, name string, role model.Role, avatarKey string) BotUserJSON {
	return BotUserJSON{ID: id, Name: name, Role: role, AvatarURL: base + AvatarURL(id, avatarKey)}
}

// BotMessage is a message of the room as bots see it.
func BotMessage(base string, room model.Room, m model.Message) BotMessageJSON {
	return BotMessageJSON{
		ID:         m.ID,
		Room:       BotRoom(room),
		Creator:    BotUser(base, m.CreatorID, m.CreatorName, m.CreatorRole, m.CreatorAvatar),
		Body:       BotBodyJSON{HTML: m.HTML, PlainText: m.Plain},
		URL:        base + MessagePermalink(m.RoomID, m.ID),
		CreatedAt:  BotJSONTime(m.CreatedAt),
		UpdatedAt:  BotJSONTime(m.UpdatedAt),
		Attachment: BotAttachment(base, m.Attachment),
	}
}

// BotBoost is a boost as bots see it, by a booster whose role the caller knows.
func BotBoost(base string, b model.Boost, roomID int64, boosterRole model.Role) BotBoostJSON {
	out := BotBoostJSON{ID: b.ID, Content: b.Content, CreatedAt: BotJSONTime(b.CreatedAt),
		Booster: BotUser(base, b.BoosterID, b.BoosterName, boosterRole, "")}
	out.Message.ID = b.MessageID
	out.Message.URL = base + MessagePermalink(roomID, b.MessageID)
	return out
}
