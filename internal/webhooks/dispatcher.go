package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// MaxReplyBytes caps how much of a bot's answer is read and posted, so a
// misbehaving bot can't make us buffer or store an unbounded message.
const MaxReplyBytes = 64 << 10

// Delivery is one webhook call: Payload (see BuildPayload) is POSTed to URL,
// and any reply is posted by BotID in RoomID.
type Delivery struct {
	BotID, RoomID int64
	URL           string
	Payload       []byte
}

// Reply posts text as the bot's message in the room. It is called from a
// Dispatcher worker, so it must be safe for concurrent use.
type Reply func(ctx context.Context, botID, roomID int64, text string)

// FileReply posts the body of a bot's non-text answer (an image, a file) as
// the bot's message with that file, reading it as it streams; contentType
// and filename are the bot's words, a hint for the name at most. It runs
// within the call's deadline.
type FileReply func(ctx context.Context, botID, roomID int64, body io.Reader, contentType, filename string) error

// Stats counts what happened to deliveries; mostly for tests and metrics.
type Stats struct {
	Enqueued uint64 // accepted onto a bot's queue
	Dropped  uint64 // a bot's oldest pending delivery pushed out, or refused when closed
	Replied  uint64 // bot answered with text that was passed to Reply
	Silent   uint64 // bot answered, but with nothing to post
	TimedOut uint64 // bot didn't answer in time
	Notices  uint64 // timeouts told in the room ("Failed to respond")
	Failed   uint64 // any other error (refused connection, bad URL, ...)
	Queued   int    // waiting for a worker now
}

// NoticeEvery is how often at most a bot's "Failed to respond" is posted:
// a dead bot mentioned a thousand times must not fill the room.
const NoticeEvery = time.Minute

// Dispatcher runs webhook deliveries in the background so that a slow or
// dead bot never delays the request that posted the message, nor another
// bot: each bot has its own small queue and its own few calls in flight.
type Dispatcher struct {
	client     *http.Client
	timeout    time.Duration
	reply      Reply
	fileReply  FileReply // nil: non-text answers are ignored
	logger     *slog.Logger
	perBot     int // calls in flight per bot
	queueSize  int // pending deliveries per bot
	now        func() time.Time
	wg         sync.WaitGroup
	mu         sync.Mutex
	closed     bool
	bots       map[int64]*botQueue
	lastNotice map[int64]time.Time

	enqueued, dropped, replied, silent, timedOut, notices, failed atomic.Uint64
}

// botQueue is one bot's pending deliveries and how many are being called.
type botQueue struct {
	pending []Delivery
	running int
}

// New starts a Dispatcher. timeout bounds each whole call (connect, answer
// and body; SPEC says 7s). perBot calls run at once for one bot, and up to
// queueSize more wait; past that the bot's oldest waiting delivery is
// dropped. client may be nil for a default one that, like the original,
// doesn't follow redirects. reply may be nil to discard answers.
func New(client *http.Client, timeout time.Duration, perBot, queueSize int, reply Reply, logger *slog.Logger) *Dispatcher {
	if client == nil {
		client = &http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if timeout <= 0 {
		timeout = 7 * time.Second
	}
	if reply == nil {
		reply = func(context.Context, int64, int64, string) {}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{
		client:     client,
		timeout:    timeout,
		reply:      reply,
		logger:     logger,
		perBot:     max(perBot, 1),
		queueSize:  max(queueSize, 1),
		now:        time.Now,
		bots:       map[int64]*botQueue{},
		lastNotice: map[int64]time.Time{},
	}
}

// OnFileReply makes non-text answers (a 200 with an image or any other
// non-text body) the bot's reply as a file. Call before enqueueing.
func (d *Dispatcher) OnFileReply(fn FileReply) { d.fileReply = fn }

// Enqueue schedules a delivery without blocking. When the bot already has
// queueSize deliveries waiting, its oldest is dropped (and logged) to make
// room: never another bot's. It returns false when something was dropped
// or the dispatcher is closed.
func (d *Dispatcher) Enqueue(del Delivery) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		d.dropped.Add(1)
		d.logger.Warn("webhook dropped: closed", "bot", del.BotID, "room", del.RoomID)
		return false
	}
	b := d.bots[del.BotID]
	if b == nil {
		b = &botQueue{}
		d.bots[del.BotID] = b
	}
	ok := true
	if len(b.pending) >= d.queueSize {
		old := b.pending[0]
		b.pending = b.pending[1:]
		d.dropped.Add(1)
		d.logger.Warn("webhook dropped: the bot's queue is full", "bot", old.BotID, "room", old.RoomID)
		ok = false
	}
	b.pending = append(b.pending, del)
	d.enqueued.Add(1)
	if b.running < d.perBot {
		b.running++
		d.wg.Add(1)
		go d.run(del.BotID, b)
	}
	return ok
}

// run delivers the bot's queue until it is empty.
func (d *Dispatcher) run(botID int64, b *botQueue) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		if len(b.pending) == 0 {
			b.running--
			if b.running == 0 {
				delete(d.bots, botID)
			}
			d.mu.Unlock()
			return
		}
		del := b.pending[0]
		b.pending[0] = Delivery{}
		b.pending = b.pending[1:]
		d.mu.Unlock()
		d.safeDeliver(del)
	}
}

// Close stops accepting deliveries and returns after the queued ones have
// run, each bounded by the timeout. It is safe to call more than once.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.wg.Wait()
}

// Stats returns a snapshot of the counters.
func (d *Dispatcher) Stats() Stats {
	d.mu.Lock()
	queued := 0
	for _, b := range d.bots {
		queued += len(b.pending)
	}
	d.mu.Unlock()
	return Stats{
		Enqueued: d.enqueued.Load(),
		Dropped:  d.dropped.Load(),
		Replied:  d.replied.Load(),
		Silent:   d.silent.Load(),
		TimedOut: d.timedOut.Load(),
		Notices:  d.notices.Load(),
		Failed:   d.failed.Load(),
		Queued:   queued,
	}
}

// safeDeliver keeps a panicking Reply from taking the whole server down with
// this background goroutine.
func (d *Dispatcher) safeDeliver(del Delivery) {
	defer func() {
		if r := recover(); r != nil {
			d.failed.Add(1)
			d.logger.Error("webhook delivery panicked", "bot", del.BotID, "room", del.RoomID,
				"panic", r, "stack", string(debug.Stack()))
		}
	}()
	d.deliver(del)
}

// noticeDue reports whether the bot's timeout may be told in the room now,
// and if so starts its quiet minute.
func (d *Dispatcher) noticeDue(botID int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if last, ok := d.lastNotice[botID]; ok && now.Sub(last) < NoticeEvery {
		return false
	}
	d.lastNotice[botID] = now
	return true
}

func (d *Dispatcher) deliver(del Delivery) {
	log := d.logger.With("bot", del.BotID, "room", del.RoomID)
	text, filed, err := d.call(del)
	switch {
	case filed && err == nil:
		d.replied.Add(1)
	case isTimeout(err):
		d.timedOut.Add(1)
		log.Info("webhook timed out", "after", d.timeout)
		if d.noticeDue(del.BotID) {
			d.notices.Add(1)
			d.reply(context.Background(), del.BotID, del.RoomID, "Failed to respond within "+humanDuration(d.timeout))
		}
	case err != nil:
		d.failed.Add(1)
		log.Warn("webhook failed", "err", err)
	case text == "":
		d.silent.Add(1)
	default:
		d.replied.Add(1)
		d.reply(context.Background(), del.BotID, del.RoomID, text)
	}
}

// call performs the POST and returns the text to post as the bot's answer,
// or "" when the answer isn't a non-empty 200 text/* body. A 200 answer of
// another type is posted as a file (OnFileReply) while it is read, and
// reported as filed.
func (d *Dispatcher) call(del Delivery) (text string, filed bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, del.URL, bytes.NewReader(del.Payload))
	if err != nil {
		return "", false, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/plain, text/html;q=0.9, */*;q=0.1")
	req.Header.Set("User-Agent", "Campfire webhook")

	resp, err := d.client.Do(req)
	if err != nil {
		return "", false, err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		d.logger.Debug("webhook answer ignored", "bot", del.BotID, "status", resp.StatusCode)
		return "", false, nil
	}
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt == "" {
		return "", false, nil
	}
	if !strings.HasPrefix(mt, "text/") {
		// JSON is a bot acknowledging, as webhook receivers often do, not a
		// file it means to share.
		if d.fileReply == nil || mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return "", false, nil
		}
		_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		if err := d.fileReply(ctx, del.BotID, del.RoomID, resp.Body, mt, params["filename"]); err != nil {
			return "", true, fmt.Errorf("webhook file answer: %w", err)
		}
		return "", true, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxReplyBytes+1))
	if err != nil {
		return "", false, fmt.Errorf("webhook answer: %w", err)
	}
	if len(body) > MaxReplyBytes {
		d.logger.Warn("webhook answer truncated", "bot", del.BotID, "limit", MaxReplyBytes)
		body = truncateUTF8(body, MaxReplyBytes)
	}
	// The answer becomes a chat message, which must be valid UTF-8 whatever
	// charset the bot claimed.
	return strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD")), false, nil
}

func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// truncateUTF8 cuts b to at most n bytes without splitting a character.
func truncateUTF8(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return b[:cut]
}

// humanDuration renders whole seconds the way the original message reads
// ("7 seconds") and anything else in Go notation ("200ms").
func humanDuration(d time.Duration) string {
	if d%time.Second != 0 {
		return d.String()
	}
	if d == time.Second {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", d/time.Second)
}
