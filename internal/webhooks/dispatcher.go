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

// Stats counts what happened to deliveries; mostly for tests and metrics.
type Stats struct {
	Enqueued uint64 // accepted onto the queue
	Dropped  uint64 // refused: queue full or closed
	Replied  uint64 // bot answered with text that was passed to Reply
	Silent   uint64 // bot answered, but with nothing to post
	TimedOut uint64 // bot didn't answer in time; the timeout notice was posted
	Failed   uint64 // any other error (refused connection, bad URL, ...)
	Queued   int    // waiting for a worker now
}

// Dispatcher runs webhook deliveries on a fixed pool of workers so that a
// slow or dead bot never delays the request that posted the message.
type Dispatcher struct {
	client  *http.Client
	timeout time.Duration
	reply   Reply
	logger  *slog.Logger
	jobs    chan Delivery
	wg      sync.WaitGroup

	// mu guards closed against the close of jobs; Enqueue holds it only for
	// a non-blocking send.
	mu     sync.RWMutex
	closed bool

	enqueued, dropped, replied, silent, timedOut, failed atomic.Uint64
}

// New starts a Dispatcher. timeout bounds each whole call (connect, answer
// and body; SPEC says 7s). client may be nil for a default one that, like the
// original, doesn't follow redirects. reply may be nil to discard answers.
func New(client *http.Client, timeout time.Duration, workers, queueSize int, reply Reply, logger *slog.Logger) *Dispatcher {
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
	workers = max(workers, 1)
	d := &Dispatcher{
		client:  client,
		timeout: timeout,
		reply:   reply,
		logger:  logger,
		jobs:    make(chan Delivery, max(queueSize, 0)),
	}
	d.wg.Add(workers)
	for range workers {
		go d.work()
	}
	return d
}

// Enqueue schedules a delivery without blocking. It returns false, and logs,
// when the queue is full or closed: dropping a webhook is better than
// stalling the chat.
func (d *Dispatcher) Enqueue(del Delivery) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if !d.closed {
		select {
		case d.jobs <- del:
			d.enqueued.Add(1)
			return true
		default:
		}
	}
	d.dropped.Add(1)
	d.logger.Warn("webhook dropped: queue full or closed", "bot", del.BotID, "room", del.RoomID)
	return false
}

// Close stops accepting deliveries and returns after the queued ones have
// run, each bounded by the timeout. It is safe to call more than once.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.jobs)
	}
	d.mu.Unlock()
	d.wg.Wait()
}

// Stats returns a snapshot of the counters.
func (d *Dispatcher) Stats() Stats {
	return Stats{
		Enqueued: d.enqueued.Load(),
		Dropped:  d.dropped.Load(),
		Replied:  d.replied.Load(),
		Silent:   d.silent.Load(),
		TimedOut: d.timedOut.Load(),
		Failed:   d.failed.Load(),
		Queued:   len(d.jobs),
	}
}

func (d *Dispatcher) work() {
	defer d.wg.Done()
	for del := range d.jobs {
		d.safeDeliver(del)
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

func (d *Dispatcher) deliver(del Delivery) {
	log := d.logger.With("bot", del.BotID, "room", del.RoomID)
	text, err := d.call(del)
	switch {
	case isTimeout(err):
		d.timedOut.Add(1)
		log.Info("webhook timed out", "after", d.timeout)
		d.reply(context.Background(), del.BotID, del.RoomID, "Failed to respond within "+humanDuration(d.timeout))
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
// or "" when the answer isn't a non-empty 200 text/* body.
func (d *Dispatcher) call(del Delivery) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, del.URL, bytes.NewReader(del.Payload))
	if err != nil {
		return "", fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/plain, text/html;q=0.9, */*;q=0.1")
	req.Header.Set("User-Agent", "Campfire webhook")

	resp, err := d.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		d.logger.Debug("webhook answer ignored", "bot", del.BotID, "status", resp.StatusCode)
		return "", nil
	}
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "text/") {
		return "", nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxReplyBytes+1))
	if err != nil {
		return "", fmt.Errorf("webhook answer: %w", err)
	}
	if len(body) > MaxReplyBytes {
		d.logger.Warn("webhook answer truncated", "bot", del.BotID, "limit", MaxReplyBytes)
		body = truncateUTF8(body, MaxReplyBytes)
	}
	// The answer becomes a chat message, which must be valid UTF-8 whatever
	// charset the bot claimed.
	return strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD")), nil
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
