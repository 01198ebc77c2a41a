package notify

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/push"
	"github.com/campfire-go/campfire/static"
	"github.com/campfire-go/campfire/views"
)

// Push sends Web Push notifications of new messages.
type Push struct {
	store   pushStore
	hub     *live.Hub
	keys    push.Keys
	sender  *push.Sender
	lookups *lookups
	queue   *push.Queue
	log     *slog.Logger
}

// pushStore is what push delivery reads and writes.
type pushStore interface {
	PushTargets(ctx context.Context, roomID, authorID int64) ([]db.PushTarget, error)
	DeletePushSubscription(ctx context.Context, id int64) error
	UnreadRoomCount(ctx context.Context, userID int64) (int, error)
}

// PushOptions configure delivery.
type PushOptions struct {
	// Subscriber is the VAPID contact (an e-mail address or https URL).
	Subscriber string
	// Client talks to push services; nil for one that refuses private addresses.
	Client *http.Client
}

// NewPush starts the delivery workers.
func NewPush(store *db.Store, hub *live.Hub, keys push.Keys, opt PushOptions, log *slog.Logger) *Push {
	if opt.Client == nil {
		opt.Client = push.NewClient(false)
	}
	if opt.Subscriber == "" {
		opt.Subscriber = "push@campfire.invalid"
	}
	p := &Push{store: store, hub: hub, keys: keys, log: log}
	p.sender = push.NewSender(keys, opt.Subscriber, opt.Client, log, p.gone)
	// 16 workers, at most 4 of them on one person or one push host; 64
	// notifications may wait per person.
	p.queue = push.NewQueue(p.sender, 16, 64)
	p.lookups = newLookups("push", log)
	return p
}

// PublicKey is the applicationServerKey browsers subscribe with.
func (p *Push) PublicKey() string { return p.keys.Public }

// Close delivers what is queued and stops.
func (p *Push) Close() {
	p.lookups.close()
	p.queue.Close()
}

// Flush returns once every message handed to Hook before it has been looked
// up and its notifications queued.
func (p *Push) Flush() { p.lookups.flush() }

// Stats reports what the queue did; Dropped also counts each message whose
// lookup was refused (queue full or closed).
func (p *Push) Stats() push.Stats {
	s := p.queue.Stats()
	s.Dropped += p.lookups.dropped.Load()
	return s
}

func (p *Push) gone(id int64) {
	if err := p.store.DeletePushSubscription(context.Background(), id); err != nil {
		p.log.Warn("delete gone push subscription", "subscription", id, "error", err)
	}
}

// Hook is the chat hook: members who are not looking at the room and whose
// involvement asks for it (everything; mentions when mentioned) get a push.
// Who they are is read on the lookup queue, not the poster's goroutine.
func (p *Push) Hook(ctx context.Context, room model.SidebarRoom, posted chat.Posted) {
	ctx = context.WithoutCancel(ctx)
	p.lookups.add(func() { p.notify(ctx, room, posted) })
}

func (p *Push) notify(ctx context.Context, room model.SidebarRoom, posted chat.Posted) {
	m := posted.Message
	targets, err := p.store.PushTargets(ctx, room.ID, m.CreatorID)
	if err != nil {
		p.log.Error("push targets", "room_id", room.ID, "error", err)
		return
	}
	title, body := room.Name, m.CreatorName+": "+m.Plain
	if room.IsDirect() {
		title, body = m.CreatorName, m.Plain
	}
	byUser := map[int64][]push.Subscription{}
	badge := map[int64]int{}
	var order []int64
	for _, t := range targets {
		uid := t.Subscription.UserID
		if t.Involvement == model.InvolvementMentions && !slices.Contains(posted.MentionIDs, uid) {
			continue
		}
		if _, seen := byUser[uid]; !seen {
			if p.hub.IsPresent(room.ID, uid) {
				continue
			}
			order = append(order, uid)
		}
		byUser[uid] = append(byUser[uid], subscription(t.Subscription))
		badge[uid] = t.Unread
	}
	for _, uid := range order {
		p.queue.Enqueue(byUser[uid], push.Payload{
			Title: title,
			Body:  body,
			// The poster's avatar, as beside their name in the room.
			Icon:  views.AvatarURL(m.CreatorID, m.CreatorAvatar),
			Path:  views.RoomURL(room.ID),
			Badge: badge[uid],
			Topic: "room-" + strconv.FormatInt(room.ID, 10),
		})
	}
}

// SendTest sends a test notification to one subscription right away.
func (p *Push) SendTest(ctx context.Context, sub model.PushSubscription, body, path string) error {
	badge, err := p.store.UnreadRoomCount(ctx, sub.UserID)
	if err != nil {
		return err
	}
	return p.sender.Send(ctx, subscription(sub), push.Payload{
		Title: "Campfire test",
		Body:  body,
		Icon:  static.Path("images/icon-192.png"),
		Path:  path,
		Badge: badge,
	})
}

func subscription(s model.PushSubscription) push.Subscription {
	return push.Subscription{ID: s.ID, UserID: s.UserID, Endpoint: s.Endpoint, P256dh: s.P256dh, Auth: s.Auth}
}
