package notify

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/webhooks"
)

// Webhooks delivers messages to the bots they concern and posts their answers.
type Webhooks struct {
	store   webhookStore
	chat    *chat.Service
	log     *slog.Logger
	lookups *lookups
	d       *webhooks.Dispatcher
}

// webhookStore is what webhook delivery reads.
type webhookStore interface {
	WebhookRecipients(ctx context.Context, roomID int64, direct bool, mentionIDs []int64, creatorID int64) ([]db.WebhookRecipient, error)
	User(ctx context.Context, id int64) (model.User, error)
	MemberRoom(ctx context.Context, roomID, userID int64) (model.SidebarRoom, error)
}

// Each bot has webhookCalls calls in flight at most and webhookQueue more
// waiting: a dead bot delays only itself, and loses its own oldest deliveries.
const (
	webhookCalls = 2
	webhookQueue = 16
)

// NewWebhooks starts the deliveries. timeout bounds each call (7 s in
// production); client may be nil.
func NewWebhooks(store *db.Store, chatSvc *chat.Service, client *http.Client, timeout time.Duration, log *slog.Logger) *Webhooks {
	w := &Webhooks{store: store, chat: chatSvc, log: log}
	w.d = webhooks.New(client, timeout, webhookCalls, webhookQueue, w.reply, log)
	w.lookups = newLookups("webhook", log)
	return w
}

// Close stops taking deliveries and waits for the queued ones.
func (w *Webhooks) Close() {
	w.lookups.close()
	w.d.Close()
}

// Flush returns once every message handed to Hook before it has been looked
// up and its deliveries queued.
func (w *Webhooks) Flush() { w.lookups.flush() }

// Stats reports what the dispatcher did; Dropped also counts each message
// whose lookup was refused (queue full or closed).
func (w *Webhooks) Stats() webhooks.Stats {
	s := w.d.Stats()
	s.Dropped += w.lookups.dropped.Load()
	return s
}

// replyKey marks the context of a post that is a bot's webhook answer.
type replyKey struct{}

// Hook is the chat hook: a message in a direct room goes to every bot there,
// elsewhere to the bots it mentions; never to its own author. A webhook
// answer goes to no bot: two bots in one direct room would otherwise answer
// each other forever. Which bots are concerned is read on the lookup queue,
// not the poster's goroutine.
func (w *Webhooks) Hook(ctx context.Context, room model.SidebarRoom, p chat.Posted) {
	if !room.IsDirect() && len(p.MentionIDs) == 0 {
		return
	}
	if ctx.Value(replyKey{}) != nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	w.lookups.add(func() { w.enqueue(ctx, room, p) })
}

func (w *Webhooks) enqueue(ctx context.Context, room model.SidebarRoom, p chat.Posted) {
	recipients, err := w.store.WebhookRecipients(ctx, room.ID, room.IsDirect(), p.MentionIDs, p.Message.CreatorID)
	if err != nil {
		w.log.Error("webhook recipients", "room_id", room.ID, "error", err)
		return
	}
	var roomName *string
	if !room.IsDirect() {
		name := room.Name
		roomName = &name
	}
	for _, r := range recipients {
		payload, err := webhooks.BuildPayload(webhooks.Event{
			UserID:    p.Message.CreatorID,
			UserName:  p.Message.CreatorName,
			RoomID:    room.ID,
			RoomName:  roomName,
			MessageID: p.Message.ID,
			HTML:      p.Message.HTML,
			Plain:     p.Message.Plain,
			BotName:   r.BotName,
			BotKey:    r.BotKey,
		})
		if err != nil {
			w.log.Error("webhook payload", "bot", r.BotID, "error", err)
			continue
		}
		w.d.Enqueue(webhooks.Delivery{BotID: r.BotID, RoomID: room.ID, URL: r.URL, Payload: payload})
	}
}

// reply posts a bot's answer (or the timeout notice) as the bot, through the
// same path as every message. A bot removed or retired meanwhile says nothing.
func (w *Webhooks) reply(ctx context.Context, botID, roomID int64, text string) {
	bot, err := w.store.User(ctx, botID)
	if err != nil || !bot.IsBot() || bot.Status != model.StatusActive {
		return
	}
	room, err := w.store.MemberRoom(ctx, roomID, botID)
	if err != nil {
		return
	}
	ctx = context.WithValue(ctx, replyKey{}, true)
	if _, err := w.chat.Post(ctx, chat.PostParams{Room: room, Creator: bot, Body: text}); err != nil {
		w.log.Warn("webhook reply not posted", "bot", botID, "room_id", roomID, "error", err)
	}
}
