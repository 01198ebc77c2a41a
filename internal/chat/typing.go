package chat

import (
	"context"
	"errors"
	"time"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/typing"
	"github.com/campfire-go/campfire/views"
)

// ErrTypingLimited means the member sent more typing notices in the room
// than typing.Limit in typing.Window; the notice was not sent.
var ErrTypingLimited = errors.New("chat: too many typing notices")

// Typing tells the others in the room that the user started or stopped
// typing. Nothing is stored or replayed: it only matters for the next few
// seconds, and browsers drop a line that is not renewed within 5 s. It is not
// in the order of messages and sidebars: each notice stands alone, and a
// notice sent to a thousand tabs should not hold up the next post.
//
// Since every notice goes to every stream on the room, repeats are
// coalesced (nil, nothing sent) and a member sending them without pause gets
// ErrTypingLimited (issue 19 item 13).
func (s *Service) Typing(ctx context.Context, roomID int64, u model.User, start bool) error {
	switch s.typing.Decide(u.ID, roomID, start, time.Now()) {
	case typing.Limited:
		return ErrTypingLimited
	case typing.Coalesce:
		return nil
	}
	var frag []byte
	if start {
		frag = render(ctx, views.TypingStart(u.ID, u.Name))
	} else {
		frag = render(ctx, views.TypingStop(u.ID))
	}
	s.hub.PublishRoomEphemeral(roomID, live.EventTyping, frag, u.ID)
	return nil
}
