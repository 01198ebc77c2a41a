package botlisten

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// job is a message to answer.
type job struct {
	eventID int64
	msg     message
	data    []byte
}

// roomQueueSize is how many messages may wait in one room. Past it the
// stream is not read until the room's command catches up; the server drops
// a stream that falls far behind, and the reconnect replays from the last
// event received, so nothing is lost.
const roomQueueSize = 256

// roomQueues answers each room's messages one at a time, in order, and
// different rooms side by side: a slow command in one room holds up only
// that room.
type roomQueues struct {
	ctx    context.Context
	answer func(context.Context, job)
	mu     sync.Mutex
	queues map[int64]chan job
	wg     sync.WaitGroup
}

func newRoomQueues(ctx context.Context, answer func(context.Context, job)) *roomQueues {
	return &roomQueues{ctx: ctx, answer: answer, queues: map[int64]chan job{}}
}

func (q *roomQueues) add(j job) {
	q.mu.Lock()
	ch, ok := q.queues[j.msg.Room.ID]
	if !ok {
		ch = make(chan job, roomQueueSize)
		q.queues[j.msg.Room.ID] = ch
		q.wg.Go(func() {
			for j := range ch {
				if q.ctx.Err() != nil {
					continue // shutting down: left unfinished, seen again on restart
				}
				q.answer(q.ctx, j)
			}
		})
	}
	q.mu.Unlock()
	select {
	case ch <- j:
	case <-q.ctx.Done():
	}
}

// close waits for the commands running to finish.
func (q *roomQueues) close() {
	q.mu.Lock()
	for _, ch := range q.queues {
		close(ch)
	}
	q.mu.Unlock()
	q.wg.Wait()
}

// answer runs the command for a message and posts what it prints as the
// bot's reply. The event counts as handled once the reply is posted, or
// there is none to post; when the listener stops first it stays unhandled,
// and a restarted listener answers it again under the same reply id.
func (l *listener) answer(ctx context.Context, j job) {
	reply, err := l.run(ctx, j)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		l.o.Log.Warn("command failed; no reply", "message_id", j.msg.ID, "error", err)
		l.progress.done(j.eventID)
		return
	}
	if reply != "" {
		if err := l.post(ctx, j.msg, reply); err != nil {
			if ctx.Err() != nil {
				return
			}
			l.o.Log.Error("reply not posted", "message_id", j.msg.ID, "error", err)
		}
	}
	l.progress.done(j.eventID)
}

// run runs the command with the message JSON on its standard input and
// returns its standard output, trimmed and cut to the size of a message.
func (l *listener) run(ctx context.Context, j job) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, l.o.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", l.o.Exec)
	cmd.Stdin = bytes.NewReader(j.data)
	cmd.Env = append(os.Environ(),
		"CAMPFIRE_ROOM_ID="+strconv.FormatInt(j.msg.Room.ID, 10),
		"CAMPFIRE_MESSAGE_ID="+strconv.FormatInt(j.msg.ID, 10),
	)
	cmd.Stderr = os.Stderr
	// A command that forks a child holding stdout open must not keep the
	// room waiting past the timeout.
	cmd.WaitDelay = time.Second
	var out limitedBuffer
	out.limit = MaxReply * utf8.UTFMax
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return "", fmt.Errorf("no answer within %s", l.o.Timeout)
		}
		return "", err
	}
	reply := strings.TrimSpace(strings.ToValidUTF8(out.b.String(), "\uFFFD"))
	if utf8.RuneCountInString(reply) > MaxReply || out.cut {
		l.o.Log.Warn("reply cut to the message size limit", "message_id", j.msg.ID, "limit", MaxReply)
		reply = string([]rune(reply)[:min(MaxReply, utf8.RuneCountInString(reply))])
	}
	return reply, nil
}

// limitedBuffer keeps the first limit bytes written and drops the rest,
// without failing the command's writes.
type limitedBuffer struct {
	b     bytes.Buffer
	limit int
	cut   bool
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	if room := w.limit - w.b.Len(); room < len(p) {
		w.b.Write(p[:max(room, 0)])
		w.cut = true
		return len(p), nil
	}
	return w.b.Write(p)
}

// replyID is the reply's client_message_id, made from the message it
// answers: posting it twice (after a crash, or on a retry) posts it once.
func replyID(messageID int64) string { return "reply-" + strconv.FormatInt(messageID, 10) }

// errNoRetry marks a refusal that asking again will not change.
var errNoRetry = errors.New("refused")

// post sends the reply, retrying while the server is away or asks to wait.
func (l *listener) post(ctx context.Context, m message, reply string) error {
	body, _ := json.Marshal(map[string]string{"body": reply, "client_message_id": replyID(m.ID)})
	url := l.t.base + "/rooms/" + strconv.FormatInt(m.Room.ID, 10) + "/" + l.t.key + "/messages"
	wait := 250 * time.Millisecond
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := l.postOnce(ctx, url, body, &wait)
		if err == nil || errors.Is(err, errNoRetry) || ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		l.o.Log.Warn("posting the reply; retrying", "message_id", m.ID, "error", err, "in", wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

func (l *listener) postOnce(ctx context.Context, url string, body []byte, wait *time.Duration) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", errNoRetry, err)
	}
	req.Header.Set("Content-Type", "application/json")
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := l.o.HTTP.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	switch {
	case res.StatusCode == http.StatusOK || res.StatusCode == http.StatusCreated:
		return nil
	case res.StatusCode == http.StatusTooManyRequests:
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s > 0 {
			*wait = time.Duration(s) * time.Second
		}
		return fmt.Errorf("%s", res.Status)
	case res.StatusCode >= 500:
		return fmt.Errorf("%s", res.Status)
	default:
		return fmt.Errorf("%w: %s %s", errNoRetry, res.Status, bytes.TrimSpace(msg))
	}
}
