package chat

import (
	"context"

	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// SetLinkPreview stores the card of a message's link, with its image (nil
// for none) already in the file storage, and replaces the message live, in
// the one order of durable changes. A message deleted meanwhile is
// db.ErrNotFound and nothing is published.
func (s *Service) SetLinkPreview(ctx context.Context, messageID int64, p model.LinkPreview, image *files.Blob) error {
	return s.changePreview(ctx, messageID, func() (int64, error) {
		return s.store.SetLinkPreview(ctx, messageID, p, image)
	})
}

// RemoveLinkPreview takes a message's card away, replaces the message live
// and releases the card's image. A message without a card is
// db.ErrNotFound.
func (s *Service) RemoveLinkPreview(ctx context.Context, messageID int64) error {
	var imageKey string
	err := s.changePreview(ctx, messageID, func() (int64, error) {
		eventID, key, err := s.store.RemoveLinkPreview(ctx, messageID)
		imageKey = key
		return eventID, err
	})
	if err != nil {
		return err
	}
	s.ReleaseFiles(ctx, imageKey)
	return nil
}

func (s *Service) changePreview(ctx context.Context, messageID int64, write func() (int64, error)) error {
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	eventID, err := write()
	if err != nil {
		return err
	}
	m, err := s.store.Message(ctx, messageID)
	if err != nil {
		return err
	}
	s.publishRoom(ctx, model.Event{ID: eventID, RoomID: m.RoomID, Kind: model.EventUpdated, MessageID: m.ID,
		DomID: m.DomID()}, &m, render(ctx, views.MessageReplace(m)))
	s.publishBots(ctx, botEvent{ev: model.Event{ID: eventID, RoomID: m.RoomID, Kind: model.EventUpdated, MessageID: m.ID},
		msg: &m}, false)
	return nil
}
