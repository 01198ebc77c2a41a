// Package views renders every page and fragment with templ. Components are pure
// functions of their props; handlers gather the data.
package views

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
)

// RoomURL is a room's page.
func RoomURL(roomID int64) string { return "/rooms/" + strconv.FormatInt(roomID, 10) }

// MessagePermalink opens a room at one message.
func MessagePermalink(roomID, messageID int64) string {
	return fmt.Sprintf("/rooms/%d/@%d", roomID, messageID)
}

// RoomMessagesURL is where a room's messages are posted and paged.
func RoomMessagesURL(roomID int64) string { return RoomURL(roomID) + "/messages" }

// MessageURL addresses one message of a room.
func MessageURL(roomID, messageID int64) string {
	return fmt.Sprintf("/rooms/%d/messages/%d", roomID, messageID)
}

// StreamURL is the room tab's event stream, starting after the cursor, with
// the page's stream token when it has one (the stream then needs no read of
// the session; without it, or once it expires, the cookie serves).
func StreamURL(roomID, after int64, token string) string {
	if token == "" {
		return fmt.Sprintf("/events?room_id=%d&after=%d", roomID, after)
	}
	return fmt.Sprintf("/events?room_id=%d&after=%d&token=%s", roomID, after, url.QueryEscape(token))
}

// streamEvents are the events a room tab swaps in from its stream: the names
// the hub sends, spelled once, in internal/live.
const streamEvents = live.EventMessage + "," + live.EventSidebar + "," + live.EventTyping + "," +
	live.EventPresence + "," + live.EventReload

// UserURL is a person's profile.
func UserURL(userID int64) string { return "/users/" + strconv.FormatInt(userID, 10) }

// AvatarURL is a person's avatar image. key is their uploaded avatar's
// ("" for initials): part of it goes in the address, so a new avatar is
// fetched at once while an unchanged one stays cached.
func AvatarURL(userID int64, key string) string {
	u := UserURL(userID) + "/avatar"
	if key != "" {
		u += "?v=" + URLVersion(key)
	}
	return u
}

// URLVersion is the part of a stored image's key that goes in its address
// as a cache-busting version.
func URLVersion(key string) string {
	if len(key) > 16 {
		return key[:16]
	}
	return key
}

// LinkPreviewURL is where a message's creator removes its link preview.
func LinkPreviewURL(roomID, messageID int64) string {
	return MessageURL(roomID, messageID) + "/preview"
}

// LinkPreviewImageURL is the image of a message's link preview, served from
// our origin.
func LinkPreviewImageURL(messageID int64, key string) string {
	return fmt.Sprintf("/messages/%d/preview_image?v=%s", messageID, URLVersion(key))
}

// LogoURL is the account's logo as a square of size pixels (32, 192 or
// 512); key, the logo's, makes a new one fetched at once.
func LogoURL(size int, key string) string {
	u := "/account/logo?size=" + strconv.Itoa(size)
	if key != "" {
		u += "&v=" + URLVersion(key)
	}
	return u
}

// SearchURL searches messages for q.
func SearchURL(q string) string { return "/searches?q=" + url.QueryEscape(q) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// BoostsURL is where boosts of a message are posted.
func BoostsURL(messageID int64) string { return fmt.Sprintf("/messages/%d/boosts", messageID) }

// BoostURL addresses one boost of a message.
func BoostURL(messageID, boostID int64) string {
	return fmt.Sprintf("/messages/%d/boosts/%d", messageID, boostID)
}

// EditMessageURL is the edit form of a message.
func EditMessageURL(roomID, messageID int64) string { return MessageURL(roomID, messageID) + "/edit" }

// AutocompleteUsersURL lists the people of a room matching a query (JSON).
func AutocompleteUsersURL(roomID int64) string {
	return fmt.Sprintf("/autocompletable/users?room_id=%d", roomID)
}

// JoinURL is the sign-up page for people invited with the join code.
func JoinURL(code string) string { return "/join/" + url.PathEscape(code) }

// QRCodeURL is an SVG QR code of text.
func QRCodeURL(text string) string {
	return "/qr_code/" + base64.RawURLEncoding.EncodeToString([]byte(text))
}

// TransferURL signs in, on another device, whoever the token was made for.
func TransferURL(token string) string { return "/session/transfers/" + url.PathEscape(token) }

// AccountUserURL is where an administrator changes a person's role or removes them.
func AccountUserURL(userID int64) string { return "/account/users/" + strconv.FormatInt(userID, 10) }

// BanURL bans (POST) or unbans (DELETE) a person.
func BanURL(userID int64) string { return UserURL(userID) + "/ban" }

// InvolvementURL is a room's notification setting for the current user.
func InvolvementURL(roomID int64) string { return RoomURL(roomID) + "/involvement" }

// Room administration, typing and presence (issue 3).

// NewRoomURL is the form for a new open or closed room.
func NewRoomURL(kind model.RoomKind) string { return "/rooms/" + string(kind) + "s/new" }

// RoomsURL is where a new room of the kind is posted (opens, closeds, directs).
func RoomsURL(kind model.RoomKind) string { return "/rooms/" + string(kind) + "s" }

// KindRoomURL is a room under its kind's collection, where it is updated.
func KindRoomURL(kind model.RoomKind, roomID int64) string {
	return RoomsURL(kind) + "/" + strconv.FormatInt(roomID, 10)
}

// EditRoomURL is a room's settings page, under its kind.
func EditRoomURL(kind model.RoomKind, roomID int64) string {
	return KindRoomURL(kind, roomID) + "/edit"
}

// BotsURL is the administrators' list of bots.
const BotsURL = "/account/bots"

// BotURL addresses one bot's settings.
func BotURL(botID int64) string { return BotsURL + "/" + strconv.FormatInt(botID, 10) }

// BotEventsPath is a bot's event stream.
func BotEventsPath(key string) string { return "/bots/" + key + "/events" }

// BotMessagesPath is where a bot posts to a room with its key.
func BotMessagesPath(roomID int64, key string) string {
	return "/rooms/" + strconv.FormatInt(roomID, 10) + "/" + key + "/messages"
}

// PushSubscriptionsURL lists the signed-in person's push devices.
const PushSubscriptionsURL = "/users/me/push_subscriptions"

// PushSubscriptionURL addresses one device.
func PushSubscriptionURL(id int64) string {
	return PushSubscriptionsURL + "/" + strconv.FormatInt(id, 10)
}

// DeleteMessageURL asks to confirm deleting a message (for pages without scripts).
func DeleteMessageURL(roomID, messageID int64) string {
	return MessageURL(roomID, messageID) + "/delete"
}

// DeleteRoomURL asks to confirm deleting a room (for pages without scripts).
func DeleteRoomURL(roomID int64) string { return RoomURL(roomID) + "/delete" }

// ReplyURL opens the room with a reply to a message's author in the composer.
func ReplyURL(roomID, messageID int64) string {
	return fmt.Sprintf("%s?reply_to=%d#composer", RoomURL(roomID), messageID)
}

// QuoteURL opens the room with a message quoted in the composer.
func QuoteURL(roomID, messageID int64) string {
	return fmt.Sprintf("%s?quote=%d#composer", RoomURL(roomID), messageID)
}

// hostOf is the host a link preview's address points at, shown under its
// title so people see where the link goes.
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// AttachmentURL is where a message's file is downloaded; the name in the
// path is only for the browser's download, the id finds the file.
func AttachmentURL(a model.Attachment) string {
	return "/attachments/" + strconv.FormatInt(a.ID, 10) + "/" + url.PathEscape(a.Filename)
}

// AttachmentPreviewURL is the image shown in the message for an image file.
func AttachmentPreviewURL(a model.Attachment) string { return AttachmentURL(a) + "?variant=preview" }
