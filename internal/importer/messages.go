package importer

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/richtext"
)

// chunkSize is how many messages travel together from the reader through the
// converters to the writer.
const chunkSize = 256

type sourceMessage struct {
	id, roomID, creatorID int64
	clientID              string
	created, updated      int64
	body                  string
	hasBody, hasFile      bool
}

type chunk struct {
	msgs []sourceMessage
	out  []body
	done chan struct{}
}

// messages streams the messages through a pipeline: one reader, a converter
// per CPU (sanitizing is the expensive part), and the writer, which takes the
// chunks in their original order so that "the later message" of a repeated
// client_message_id is the later one. Only a few chunks are in flight, so
// memory does not grow with the size of the history.
func (ru *run) messages() error {
	total, err := ru.src.count(ru.ctx, `SELECT count(*) FROM messages`)
	if err != nil {
		return fmt.Errorf("reading messages: %w", err)
	}
	ctx, cancel := context.WithCancel(ru.ctx)
	defer cancel()

	inFlight := 2*ru.opt.Workers + 2
	work := make(chan *chunk, inFlight)
	ordered := make(chan *chunk, inFlight)
	var readErr error
	go func() {
		defer close(ordered)
		defer close(work)
		readErr = ru.readMessages(ctx, work, ordered)
	}()
	var wg sync.WaitGroup
	for range ru.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				for i := range c.msgs {
					if c.msgs[i].hasBody {
						c.out[i] = convertBody(c.msgs[i].body, ru.names)
					}
				}
				close(c.done)
			}
		}()
	}

	prog := newProgress(ru.opt.Progress, ru.opt.Terminal, total)
	var writeErr error
	for c := range ordered {
		<-c.done
		if writeErr == nil {
			writeErr = ru.writeChunk(c)
			prog.add(int64(len(c.msgs)))
			if writeErr != nil {
				cancel() // the reader stops; the rest of ordered drains
			}
		}
	}
	wg.Wait()
	prog.close()
	if writeErr != nil {
		return writeErr
	}
	if readErr != nil {
		return fmt.Errorf("reading messages: %w", readErr)
	}
	return ru.ctx.Err()
}

func (ru *run) readMessages(ctx context.Context, work, ordered chan<- *chunk) error {
	s := ru.src
	hasFile := "0"
	if s.has("active_storage_attachments") {
		hasFile = `EXISTS (SELECT 1 FROM active_storage_attachments a
			WHERE a.record_type = 'Message' AND a.record_id = m.id AND a.name = 'attachment')`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+joinCols("m.id", "coalesce(m.room_id, 0)", "coalesce(m.creator_id, 0)",
		s.col("messages", "m", "client_message_id", "''"), s.ms("messages", "m", "created_at"), s.ms("messages", "m", "updated_at"),
		"coalesce(t.body, '')", "t.id IS NOT NULL", hasFile)+`
		FROM messages m
		LEFT JOIN action_text_rich_texts t ON t.record_type = 'Message' AND t.record_id = m.id AND t.name = 'body'
		ORDER BY m.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	c := newChunk()
	send := func() bool {
		select {
		case work <- c:
		case <-ctx.Done():
			return false
		}
		select {
		case ordered <- c:
		case <-ctx.Done():
			return false
		}
		c = newChunk()
		return true
	}
	for rows.Next() {
		var m sourceMessage
		if err := rows.Scan(&m.id, &m.roomID, &m.creatorID, &m.clientID, &m.created, &m.updated, &m.body, &m.hasBody, &m.hasFile); err != nil {
			return err
		}
		c.msgs = append(c.msgs, m)
		if len(c.msgs) == chunkSize {
			c.out = make([]body, len(c.msgs))
			if !send() {
				return ctx.Err()
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(c.msgs) > 0 {
		c.out = make([]body, len(c.msgs))
		if !send() {
			return ctx.Err()
		}
	}
	return nil
}

func newChunk() *chunk {
	return &chunk{msgs: make([]sourceMessage, 0, chunkSize), done: make(chan struct{})}
}

func (ru *run) writeChunk(c *chunk) error {
	for i := range c.msgs {
		if err := ru.writeMessage(&c.msgs[i], &c.out[i]); err != nil {
			return err
		}
	}
	return nil
}

func (ru *run) writeMessage(m *sourceMessage, b *body) error {
	example := "message " + strconv.FormatInt(m.id, 10)
	if _, ok := ru.rooms[m.roomID]; !ok {
		ru.r.skip(ReasonRoomGone, example)
		return nil
	}
	if _, ok := ru.names[m.creatorID]; !ok {
		ru.r.skip(ReasonCreatorGone, example)
		return nil
	}
	file := ru.files.attachment(m.id)
	if b.Plain == "" && file == nil {
		switch {
		case m.hasFile:
			ru.r.skip(ReasonAttachmentOnly, example)
		case !m.hasBody:
			ru.r.skip(ReasonNoBody, example)
		default:
			ru.r.skip(ReasonNoText, example)
		}
		return nil
	}
	if b.Dropped > 0 {
		ru.r.skipN(ReasonInlineFile, example, int64(b.Dropped))
	}
	if b.Strangers > 0 {
		ru.r.skipN(ReasonStrangerMention, example, int64(b.Strangers))
	}
	im := db.ImportMessage{ID: m.id, RoomID: m.roomID, CreatorID: m.creatorID, ClientMessageID: m.clientID,
		HTML: b.HTML, Plain: b.Plain, CreatedAt: orNow(m.created)}
	if file != nil {
		im.Plain = richtext.WithFilename(b.Plain, file.Attachment().Attachment.Filename)
	}
	im.UpdatedAt = max(m.updated, im.CreatedAt)
	if !db.ValidClientMessageID(im.ClientMessageID) {
		ru.r.skip(ReasonInvalidClientID, example)
		im.ClientMessageID = freshClientID(m.id, 0)
	}
	for attempt := 1; ; attempt++ {
		ok, err := ru.im.Message(im)
		if err != nil {
			return fmt.Errorf("message %d: %w", m.id, err)
		}
		if ok {
			break
		}
		if attempt == 1 {
			ru.r.skip(ReasonRepeatedClientID, example)
		}
		if attempt > 5 {
			return fmt.Errorf("message %d: no free client_message_id in room %d", m.id, m.roomID)
		}
		im.ClientMessageID = freshClientID(m.id, attempt)
	}
	ru.r.Counts["messages"]++
	if file != nil {
		if err := ru.im.Attachment(m.id, file.Attachment(), max(ru.files.created[m.id], im.CreatedAt)); err != nil {
			return fmt.Errorf("message %d: %w", m.id, err)
		}
		ru.r.Counts["attachments"]++
	}
	return nil
}

// freshClientID names an imported message whose own client_message_id could
// not be kept; the message id makes it unique.
func freshClientID(id int64, attempt int) string {
	s := "imported-" + strconv.FormatInt(id, 10)
	if attempt > 1 {
		s += "-" + strconv.Itoa(attempt)
	}
	return s
}
