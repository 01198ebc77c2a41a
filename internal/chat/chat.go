// Package chat is the one path by which messages are posted, edited and
// deleted, whether by people, bots or webhook replies, and the one publisher
// of live changes: it validates, stores, and publishes each change in commit
// order, and tells open tabs about sidebars, presence and typing.
package chat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
	"github.com/campfire-go/campfire/internal/typing"
	"github.com/campfire-go/campfire/views"
)

// MaxBodyLength is the longest a message's plain text may be, in code points.
const MaxBodyLength = 10_000

// ValidationError says what is wrong with a message a client sent.
type ValidationError struct{ Message string }

func (e *ValidationError) Error() string { return e.Message }

// Posted is a stored message and what happened to it.
type Posted struct {
	Message    model.Message
	Duplicate  bool
	MentionIDs []int64
	// Fragment is the message as published (views.MessageAppend), for the
	// poster's own answer; nil for a duplicate, which was not published.
	Fragment []byte
}

// Hook is told about each new message after it is committed and published,
// on the poster's goroutine; push and webhooks hang here. It must not block,
// nor read the database: it hands the message to a queue.
type Hook func(ctx context.Context, room model.SidebarRoom, p Posted)

// EditHook is told about each edited message, before and after, once the
// edit is committed and published. Like Hook, it must not block.
type EditHook func(ctx context.Context, before, after model.Message)

// Service posts, edits and deletes messages.
type Service struct {
	store *db.Store
	hub   *live.Hub
	log   *slog.Logger
	hooks []Hook
	edits []EditHook
	// onCommit, when set, is told each batch's commit time and size (metrics).
	onCommit func(d time.Duration, posts int)

	replays replayCache
	ring    replayRing

	// publishMu is the one order of durable and sidebar changes: each is
	// written (or read, for a whole room list) and published under it, so
	// what a tab is sent last is the newest state. A browser's cursor only
	// moves forward, so a room event published after a newer one would be
	// skipped; a room list read before an unread mark and sent after it
	// would paint over it (sidebar.go).
	publishMu sync.Mutex

	// Posts go through one committer goroutine, which writes those waiting
	// together in one transaction (committer.go).
	queue chan *postRequest

	// files keeps messages' attachments (attachments.go); previews bounds
	// the images decoded at once.
	files     *files.Store
	maxUpload int64
	previews  chan struct{}

	presence presence  // who is here, announced by one goroutine (presence.go)
	marks    readMarks // rooms to mark read, gathered (read_marks.go)
	typing   *typing.Gate

	closing   chan struct{}
	closeOnce sync.Once
	workers   sync.WaitGroup // the committer, the presence announcer, the read marker
}

// New returns a Service and starts its committer and presence announcer;
// Close stops them. Give the hub its PresenceChanged (live.Hub.OnPresence).
func New(store *db.Store, hub *live.Hub, log *slog.Logger) *Service {
	s := &Service{store: store, hub: hub, log: log,
		queue: make(chan *postRequest), presence: newPresence(), marks: newReadMarks(), typing: typing.New(),
		closing: make(chan struct{})}
	store.OnRenderedChange(s.ForgetRendered)
	s.workers.Go(s.run)
	s.workers.Go(s.announcePresence)
	s.workers.Go(s.markReads)
	return s
}

// AddHook registers a hook. Call before serving.
func (s *Service) AddHook(h Hook) { s.hooks = append(s.hooks, h) }

// AddEditHook registers a hook on edits. Call before serving.
func (s *Service) AddEditHook(h EditHook) { s.edits = append(s.edits, h) }

// OnCommit registers fn to learn how long each batch of posts took to commit
// and how many posts it held. Call before serving.
func (s *Service) OnCommit(fn func(d time.Duration, posts int)) { s.onCommit = fn }

// NewClientMessageID makes an id for a message whose client sent none.
func NewClientMessageID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// PostParams are a message as a client sent it.
type PostParams struct {
	Room            model.SidebarRoom
	Creator         model.User
	Body            string
	ClientMessageID string
	// Attachment is the message's file (Service.Upload), or nil; the body
	// may then be empty. The caller releases it after Post.
	Attachment *Upload
}

// Post validates and stores a message, then publishes it. Posting again with a
// client_message_id already used in the room returns the original message.
func (s *Service) Post(ctx context.Context, p PostParams) (Posted, error) {
	if p.ClientMessageID == "" {
		p.ClientMessageID = NewClientMessageID()
	}
	if !db.ValidClientMessageID(p.ClientMessageID) {
		return Posted{}, &ValidationError{"client_message_id must be 1 to 64 letters, digits, '-' or '_'"}
	}
	body, err := s.prepare(ctx, p.Room.ID, p.Body, p.Attachment != nil)
	if err != nil {
		return Posted{}, err
	}
	var att *db.NewAttachment
	if p.Attachment != nil {
		att = &p.Attachment.att
		body.Plain = richtext.WithFilename(body.Plain, att.Attachment.Filename)
	}

	// Stored together with whatever else is being posted, and published in
	// commit order (committer.go).
	posted, fragment, err := s.commit(ctx, p.Room, db.NewMessage{
		RoomID:          p.Room.ID,
		CreatorID:       p.Creator.ID,
		ClientMessageID: p.ClientMessageID,
		HTML:            body.HTML,
		Plain:           body.Plain,
		MentionIDs:      body.MentionIDs,
		CreatorName:     p.Creator.Name,
		CreatorRole:     p.Creator.Role,
		CreatorAvatar:   p.Creator.AvatarKey,
		Attachment:      att,
	})
	if err != nil {
		return Posted{}, err
	}

	out := Posted{Message: posted.Message, Duplicate: posted.Duplicate, Fragment: fragment}
	if !posted.Duplicate {
		out.MentionIDs = body.MentionIDs
		for _, h := range s.hooks {
			h(ctx, p.Room, out)
		}
	}
	return out, nil
}

// Edit replaces a message's body and publishes the change.
func (s *Service) Edit(ctx context.Context, m model.Message, raw string) (model.Message, error) {
	body, err := s.prepare(ctx, m.RoomID, raw, m.Attachment != nil)
	if err != nil {
		return model.Message{}, err
	}
	if m.Attachment != nil {
		body.Plain = richtext.WithFilename(body.Plain, m.Attachment.Filename)
	}
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	eventID, err := s.store.UpdateMessage(ctx, m.ID, body.HTML, body.Plain)
	if err != nil {
		return model.Message{}, err
	}
	updated, err := s.store.Message(ctx, m.ID)
	if err != nil {
		return model.Message{}, err
	}
	s.publishRoom(ctx, model.Event{ID: eventID, RoomID: m.RoomID, Kind: model.EventUpdated, MessageID: m.ID,
		DomID: updated.DomID()}, &updated, render(ctx, views.MessageReplace(updated)))
	s.publishBots(ctx, botEvent{ev: model.Event{ID: eventID, RoomID: m.RoomID, Kind: model.EventUpdated, MessageID: m.ID},
		msg: &updated}, false)
	for _, h := range s.edits {
		h(ctx, m, updated)
	}
	return updated, nil
}

// Delete removes a message and publishes its removal.
func (s *Service) Delete(ctx context.Context, m model.Message) error {
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	ev, freed, err := s.store.DeleteMessage(ctx, m.ID)
	if err != nil {
		return err
	}
	s.publishRoom(ctx, ev, nil, render(ctx, views.MessageRemove(ev.DomID)))
	s.publishBots(ctx, botEvent{ev: ev}, false)
	s.removeFiles(ctx, freed)
	return nil
}

// changeBoost publishes a message's new state after a boost was added or
// removed (change is model.EventCreated or model.EventDeleted): record must write
// the change and its event in one transaction and return the boost and the
// event id.
func (s *Service) changeBoost(ctx context.Context, messageID int64, change string, record func() (model.Boost, int64, error)) (model.Boost, error) {
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	b, eventID, err := record()
	if err != nil {
		return model.Boost{}, err
	}
	m, err := s.store.Message(ctx, messageID)
	if err != nil {
		return model.Boost{}, err
	}
	s.publishRoom(ctx, model.Event{ID: eventID, RoomID: m.RoomID, Kind: model.EventUpdated, MessageID: m.ID,
		DomID: m.DomID()}, &m, render(ctx, views.MessageReplace(m)))
	ev := botEvent{ev: model.Event{ID: eventID, RoomID: m.RoomID, Kind: model.EventUpdated, MessageID: m.ID,
		BoostID: b.ID, BoostChange: change}, msg: &m}
	if change == model.EventCreated {
		ev.boost = &b
	}
	s.publishBots(ctx, ev, false)
	return b, nil
}

// prepare sanitizes a body and holds it to the length rule; with a file
// (withFile) it may be empty, and an empty one is stored as no markup.
func (s *Service) prepare(ctx context.Context, roomID int64, raw string, withFile bool) (richtext.Body, error) {
	if !utf8.ValidString(raw) {
		return richtext.Body{}, &ValidationError{"The message is not valid UTF-8 text."}
	}
	var members []richtext.Member
	if strings.Contains(raw, "@") {
		ms, err := s.store.RoomMentionables(ctx, roomID)
		if err != nil {
			return richtext.Body{}, err
		}
		members = make([]richtext.Member, len(ms))
		for i, m := range ms {
			members[i] = richtext.Member{ID: m.ID, Name: m.Name}
		}
	}
	body := richtext.Prepare(raw, members)
	switch n := utf8.RuneCountInString(strings.TrimSpace(body.Plain)); {
	case withFile && (n == 0 || !richtext.HasVisible(body.Plain)):
		return richtext.Body{}, nil
	case n == 0 || !richtext.HasVisible(body.Plain):
		return richtext.Body{}, &ValidationError{"A message can't be empty."}
	case n > MaxBodyLength:
		return richtext.Body{}, &ValidationError{"A message can be at most 10,000 characters long."}
	}
	return body, nil
}

// render renders a fragment to bytes. Components here only fail on a broken
// writer, which a bytes.Buffer never is.
func render(ctx context.Context, c templ.Component) []byte {
	var b bytes.Buffer
	if err := c.Render(ctx, &b); err != nil {
		panic("chat: render fragment: " + err.Error())
	}
	return b.Bytes()
}
