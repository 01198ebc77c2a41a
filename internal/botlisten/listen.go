// Package botlisten is `campfire listen`: a bot's side of its event stream
// (SPEC §14). It follows the stream with r3labs/sse's client, reconnecting
// with Last-Event-ID, prints each event as a JSON line, and can answer the
// messages addressed to the bot with the output of a command.
package botlisten

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/r3labs/sse/v2"
	"gopkg.in/cenkalti/backoff.v1"
)

// Options say what to listen to and what to do with it.
type Options struct {
	// URL is the bot's stream, https://host/bots/{key}/events.
	URL string
	// Exec, when set, is a shell command run for each message addressed to
	// the bot; its standard output is posted as the reply.
	Exec string
	// Timeout bounds one run of Exec.
	Timeout time.Duration
	// CursorFile, when set, keeps the id of the last event handled, so a
	// restarted listener carries on from there instead of from now.
	CursorFile string
	// Out gets one JSON line per event.
	Out io.Writer
	// Log gets what went wrong and what was retried.
	Log *slog.Logger
	// HTTP makes the requests; nil means a client without timeouts (a
	// stream stays open).
	HTTP *http.Client
}

// MaxReply is the longest reply posted, in characters: the server's limit
// for a message.
const MaxReply = 10_000

// Line is what is printed for each event.
type Line struct {
	ID    int64           `json:"id"`
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

// ErrRefused is returned when the server turns the stream down for good
// (a wrong or revoked key, or a URL that is not a bot's stream).
var ErrRefused = errors.New("the server refused the stream")

// target is what the stream URL says: where the server is and who the bot is.
type target struct {
	base  string // scheme, host and any path prefix before /bots
	key   string
	botID int64
}

func parseURL(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return target{}, fmt.Errorf("%q is not an http or https URL", raw)
	}
	i := strings.LastIndex(u.Path, "/bots/")
	key, ok := strings.CutSuffix(u.Path[max(i, 0)+len("/bots/"):], "/events")
	if i < 0 || !ok || key == "" || strings.Contains(key, "/") {
		return target{}, fmt.Errorf("%q is not a bot's stream URL (…/bots/KEY/events)", raw)
	}
	idPart, _, _ := strings.Cut(key, "-")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		return target{}, fmt.Errorf("%q is not a bot key", key)
	}
	return target{base: u.Scheme + "://" + u.Host + u.Path[:i], key: key, botID: id}, nil
}

// Run listens until ctx ends or the server refuses the stream.
func Run(ctx context.Context, o Options) error {
	t, err := parseURL(o.URL)
	if err != nil {
		return err
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Minute
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	cursor, resume, err := readCursor(o.CursorFile)
	if err != nil {
		return err
	}
	l := &listener{o: o, t: t, progress: newProgress(cursor, o.CursorFile, o.Log), lastSeen: cursor}
	if o.Exec != "" {
		l.rooms = newRoomQueues(ctx, l.answer)
	}
	err = l.follow(ctx, cursor, resume)
	if l.rooms != nil {
		l.rooms.close()
	}
	return err
}

type listener struct {
	o        Options
	t        target
	progress *progress
	rooms    *roomQueues
	lastSeen int64
	outMu    sync.Mutex
}

// follow reads the stream, reconnecting after every end: r3labs' client
// retries failed connections with backoff, but returns when a stream ends
// cleanly, which is what a restarting server does.
func (l *listener) follow(ctx context.Context, cursor int64, resume bool) error {
	c := sse.NewClient(l.o.URL)
	c.Connection = l.o.HTTP
	if resume {
		c.LastEventID.Store([]byte(strconv.FormatInt(cursor, 10)))
	}
	var refused error
	c.ResponseValidator = func(_ *sse.Client, res *http.Response) error {
		switch {
		case res.StatusCode == http.StatusOK:
			return nil
		case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusNotFound ||
			res.StatusCode == http.StatusBadRequest:
			res.Body.Close()
			refused = fmt.Errorf("%w: %s", ErrRefused, res.Status)
			return backoff.Permanent(refused)
		default:
			res.Body.Close()
			return fmt.Errorf("stream: %s", res.Status)
		}
	}
	c.ReconnectNotify = func(err error, wait time.Duration) {
		l.o.Log.Warn("stream unavailable; retrying", "error", err, "in", wait.Round(time.Millisecond))
	}
	for {
		b := backoff.NewExponentialBackOff()
		b.InitialInterval, b.MaxInterval, b.MaxElapsedTime = 250*time.Millisecond, 5*time.Second, 0
		c.ReconnectStrategy = backoff.WithContext(b, ctx)
		err := c.SubscribeRawWithContext(ctx, l.handle)
		switch {
		case ctx.Err() != nil:
			return nil
		case refused != nil:
			return refused
		case err != nil:
			l.o.Log.Warn("stream ended", "error", err)
		}
		// The stream ended cleanly (a restart, or a long replay sent in
		// parts); a moment's pause keeps a server that ends every stream
		// at once from being hammered.
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// handle takes one event: prints it, and hands a message addressed to the
// bot to its room's queue.
func (l *listener) handle(ev *sse.Event) {
	id, err := strconv.ParseInt(string(ev.ID), 10, 64)
	if err != nil || len(ev.Event) == 0 || id <= l.lastSeen {
		return // not an event of the log, or one already had
	}
	l.lastSeen = id
	data := json.RawMessage(ev.Data)
	if !json.Valid(data) {
		data, _ = json.Marshal(string(ev.Data))
	}
	line, _ := json.Marshal(Line{ID: id, Event: string(ev.Event), Data: data})
	l.outMu.Lock()
	_, _ = l.o.Out.Write(append(line, '\n'))
	l.outMu.Unlock()

	l.progress.start(id)
	if l.rooms != nil {
		if m, ok := l.addressed(string(ev.Event), ev.Data); ok {
			l.rooms.add(job{eventID: id, msg: m, data: ev.Data})
			return
		}
	}
	l.progress.done(id)
}

// message is what the listener reads of a message's JSON.
type message struct {
	ID   int64 `json:"id"`
	Room struct {
		ID   int64   `json:"id"`
		Name *string `json:"name"`
	} `json:"room"`
	Creator struct {
		ID int64 `json:"id"`
	} `json:"creator"`
	Body struct {
		HTML string `json:"html"`
	} `json:"body"`
	Deleted bool `json:"deleted"`
}

// addressed reports whether a new message is for the bot: it mentions the
// bot, or it is in one of the bot's direct rooms (which have no name for a
// bot). The bot's own messages never are.
func (l *listener) addressed(event string, data []byte) (message, bool) {
	if event != "message_created" {
		return message{}, false
	}
	var m message
	if err := json.Unmarshal(data, &m); err != nil || m.Deleted || m.ID <= 0 || m.Creator.ID == l.t.botID {
		return message{}, false
	}
	mention := `data-mention="` + strconv.FormatInt(l.t.botID, 10) + `"`
	return m, m.Room.Name == nil || strings.Contains(m.Body.HTML, mention)
}
