package chat

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
)

// MaxBoostLength is the longest a boost may be, in code points.
const MaxBoostLength = 16

// BoostContent checks a boost as a client sent it and returns it trimmed.
func BoostContent(raw string) (string, error) {
	if !utf8.ValidString(raw) {
		return "", &ValidationError{"A boost must be valid UTF-8 text."}
	}
	content := strings.TrimSpace(raw)
	switch n := utf8.RuneCountInString(content); {
	case n == 0 || !richtext.HasVisible(content):
		return "", &ValidationError{"A boost can't be blank."}
	case n > MaxBoostLength:
		return "", &ValidationError{"A boost can be at most 16 characters long."}
	}
	return content, nil
}

// Boost adds a boost by booster to a message and publishes the message's new
// state to the room. The caller has checked that the booster may see the
// message.
func (s *Service) Boost(ctx context.Context, m model.Message, booster model.User, raw string) (model.Boost, error) {
	content, err := BoostContent(raw)
	if err != nil {
		return model.Boost{}, err
	}
	b, err := s.changeBoost(ctx, m.ID, model.EventCreated, func() (model.Boost, int64, error) {
		b, eventID, err := s.store.CreateBoost(ctx, m.ID, booster.ID, content)
		b.BoosterName = booster.Name
		return b, eventID, err
	})
	if err != nil {
		return model.Boost{}, err
	}
	return b, nil
}

// RemoveBoost takes a boost away and publishes the message's new state. Only
// its booster may remove it; the caller checks that.
func (s *Service) RemoveBoost(ctx context.Context, b model.Boost) error {
	_, err := s.changeBoost(ctx, b.MessageID, model.EventDeleted, func() (model.Boost, int64, error) {
		eventID, err := s.store.DeleteBoost(ctx, b.ID)
		return b, eventID, err
	})
	return err
}
