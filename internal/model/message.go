package model

import (
	"strings"
	"time"
)

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
	CreatorRole     Role
	Boosts          []Boost
	// EmojiOnly and Sound are worked out from Plain where the message is
	// read or built, so templates only show them.
	EmojiOnly bool
	Sound     *Sound // the clip a "/play NAME" message plays, else nil
	// CreatorAvatar is the creator's uploaded avatar's key, "" for initials:
	// its address changes with it.
	CreatorAvatar string
	// Preview is the card of the message's first link, once made; nil
	// before, without one, or after its creator removed it.
	Preview *LinkPreview
	// Attachment is the message's file, or nil.
	Attachment *Attachment
}

// Attachment is a file carried by a message. Its content is a blob of the
// storage folder named by Key; Filename is for display and downloads only.
type Attachment struct {
	ID          int64
	Filename    string
	ContentType string // sniffed from the content
	ByteSize    int64
	Key         string
	// Width and Height are an image's size; zero for other files.
	Width, Height int
	// PreviewKey names the image shown in the message (the blob itself when
	// it is narrow enough); empty when the file is not an image that decodes.
	PreviewKey                  string
	PreviewWidth, PreviewHeight int
}

// HasPreview reports whether the attachment is shown as an image.
func (a Attachment) HasPreview() bool { return a.PreviewKey != "" }

// Player names the element a browser plays the file in, "audio" or "video",
// from its sniffed type; "" for every other file.
func (a Attachment) Player() string {
	kind, _, _ := strings.Cut(a.ContentType, "/")
	if kind == "audio" || kind == "video" {
		return kind
	}
	return ""
}

// LinkPreview is what the page a message links to says about itself.
type LinkPreview struct {
	URL         string
	Title       string
	Description string
	// ImageKey names the page's image, fetched and resized by the server,
	// or is "" when the page has none.
	ImageKey                string
	ImageWidth, ImageHeight int
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

// Sound is a clip that "/play NAME" plays for the whole room.
type Sound struct {
	Name    string
	Caption string // shown beside the play button; the project's own words
}
