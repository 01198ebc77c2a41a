package chat

import (
	"context"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// Typing tells the others in the room that the user started or stopped
// typing. Nothing is stored or replayed: it only matters for the next few
// seconds, and browsers drop a line that is not renewed within 5 s. It is not
// in the order of messages and sidebars: each notice stands alone, and a
// notice sent to a thousand tabs should not hold up the next post.
func (s *Service) Typing(ctx context.Context, roomID int64, u model.User, typing bool) {
	var frag []byte
	if typing {
		frag = render(ctx, views.TypingStart(u.ID, u.Name))
	} else {
		frag = render(ctx, views.TypingStop(u.ID))
	}
	s.hub.PublishRoomEphemeral(roomID, live.EventTyping, frag, u.ID)
}
