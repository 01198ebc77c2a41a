package notify

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/webhooks"
	"github.com/campfire-go/campfire/views"
)

// Webhooks delivers messages to the bots they concern and posts their answers.
type Webhooks struct {
	store   webhookStore
	chat    *chat.Service
	log     *slog.Logger
	lookups *lookups
	d       *webhooks.Dispatcher
	// base is the app's address for the absolute URLs of attachments in
	// payloads (CAMPFIRE_URL); empty leaves them as paths.
	base string
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
	w.d.OnFileReply(w.replyFile)
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
			UserID:     p.Message.CreatorID,
			UserName:   p.Message.CreatorName,
			RoomID:     room.ID,
			RoomName:   roomName,
			MessageID:  p.Message.ID,
			HTML:       p.Message.HTML,
			Plain:      p.Message.Plain,
			BotName:    r.BotName,
			BotKey:     r.BotKey,
			Attachment: views.BotAttachment(w.base, p.Message.Attachment),
		})
		if err != nil {
			w.log.Error("webhook payload", "bot", r.BotID, "error", err)
			continue
		}
		w.d.Enqueue(webhooks.Delivery{BotID: r.BotID, RoomID: room.ID, URL: r.URL, Payload: payload})
	}
}

// replier finds the bot and the room of an answer; false when the bot was
// removed or retired, or left the room, meanwhile: it then says nothing.
func (w *Webhooks) replier(ctx context.Context, botID, roomID int64) (model.User, model.SidebarRoom, bool) {
	bot, err := w.store.User(ctx, botID)
	if err != nil || !bot.IsBot() || bot.Status != model.StatusActive {
		return bot, model.SidebarRoom{}, false
	}
	room, err := w.store.MemberRoom(ctx, roomID, botID)
	if err != nil {
		return bot, room, false
	}
	return bot, room, true
}

// replyFile posts a bot's non-text answer as its message with that file
// (SPEC §12), named by the bot's Content-Disposition or else
// "attachment.EXT" from its type, as Campfire does.
func (w *Webhooks) replyFile(ctx context.Context, botID, roomID int64, body io.Reader, contentType, filename string) error {
	bot, room, ok := w.replier(ctx, botID, roomID)
	if !ok {
		return nil
	}
	if filename == "" {
		filename = "attachment" + extensionFor(contentType)
	}
	up, err := w.chat.Upload(ctx, body, filename)
	if err != nil {
		return err
	}
	defer up.Release()
	ctx = context.WithValue(ctx, replyKey{}, true)
	_, err = w.chat.Post(ctx, chat.PostParams{Room: room, Creator: bot, Attachment: up})
	return err
}

// extensionFor is the usual extension of a type, or none.
func extensionFor(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png", "image/gif", "image/webp":
		return "." + strings.TrimPrefix(contentType, "image/")
	case "application/pdf":
		return ".pdf"
	}
	if exts, err := mime.ExtensionsByType(contentType); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ""
}

// reply posts a bot's answer (or the timeout notice) as the bot, through the
// same path as every message. A bot removed or retired meanwhile says nothing.
func (w *Webhooks) reply(ctx context.Context, botID, roomID int64, text string) {
	bot, room, ok := w.replier(ctx, botID, roomID)
	if !ok {
		return
	}
	ctx = context.WithValue(ctx, replyKey{}, true)
	if _, err := w.chat.Post(ctx, chat.PostParams{Room: room, Creator: bot, Body: text}); err != nil {
		w.log.Warn("webhook reply not posted", "bot", botID, "room_id", roomID, "error", err)
	}
}
