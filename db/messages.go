package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
)

// PageSize is how many messages a page of a room holds.
const PageSize = 40

const messageColumns = `m.id, m.room_id, m.creator_id, m.client_message_id, m.body_html, m.body_plain,
	m.created_at, m.updated_at, u.name, u.role, coalesce(u.avatar_key, ''), ` + attachmentColumns

// messageFrom is where messageColumns come from.
const messageFrom = `messages m JOIN users u ON u.id = m.creator_id LEFT JOIN attachments a ON a.message_id = m.id`

// present fills in what a message shows that follows from its text, here
// where every message is read or built, so that templates compute nothing.
func present(m *model.Message) {
	m.EmojiOnly = richtext.IsEmojiOnly(m.Plain)
	if s, ok := richtext.SoundFor(m.Plain); ok {
		m.Sound = &s
	}
}

func scanMessages(rows *sql.Rows) ([]model.Message, error) {
	defer rows.Close()
	var out []model.Message
	for rows.Next() {
		var m model.Message
		var created, updated int64
		var a attachmentRow
		if err := rows.Scan(append([]any{&m.ID, &m.RoomID, &m.CreatorID, &m.ClientMessageID, &m.HTML, &m.Plain,
			&created, &updated, &m.CreatorName, &m.CreatorRole, &m.CreatorAvatar}, a.dests()...)...); err != nil {
			return nil, err
		}
		m.CreatedAt, m.UpdatedAt = Time(created), Time(updated)
		m.Attachment = a.attachment()
		present(&m)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Page selects which messages of a room to list.
type Page struct {
	Before int64 // messages older than this id
	After  int64 // messages newer than this id
	Around int64 // the message with this id and its neighbours
}

// Window is a page of a room's messages and whether the room goes on
// before and after it, so that a page links only to pages that hold
// messages.
type Window struct {
	Messages     []model.Message
	Older, Newer bool
}

// Messages returns a page of a room's messages, oldest first, with boosts.
// With a zero Page it is the newest page.
func (s *Store) Messages(ctx context.Context, roomID int64, p Page) ([]model.Message, error) {
	w, err := s.MessageWindow(ctx, roomID, p)
	return w.Messages, err
}

// MessageWindow returns a page of a room's messages, oldest first, with
// boosts, and whether there are messages before and after it. Each side
// reads one message more than it shows to know whether the room goes on.
func (s *Store) MessageWindow(ctx context.Context, roomID int64, p Page) (Window, error) {
	var w Window
	var err error
	switch {
	case p.Around > 0:
		var before, after []model.Message
		if before, err = s.messagesBefore(ctx, roomID, p.Around+1, PageSize/2+2); err == nil {
			after, err = s.messagesAfter(ctx, roomID, p.Around, PageSize/2+1)
		}
		before, w.Older = trimFirst(before, PageSize/2+1)
		after, w.Newer = trimLast(after, PageSize/2)
		w.Messages = append(before, after...)
	case p.After > 0:
		if w.Messages, err = s.messagesAfter(ctx, roomID, p.After, PageSize+1); err == nil {
			w.Messages, w.Newer = trimLast(w.Messages, PageSize)
			w.Older, err = s.hasMessage(ctx, roomID, `id <= ?`, p.After)
		}
	case p.Before > 0:
		if w.Messages, err = s.messagesBefore(ctx, roomID, p.Before, PageSize+1); err == nil {
			w.Messages, w.Older = trimFirst(w.Messages, PageSize)
			w.Newer, err = s.hasMessage(ctx, roomID, `id >= ?`, p.Before)
		}
	default:
		w.Messages, err = s.messagesBefore(ctx, roomID, 1<<62, PageSize+1)
		w.Messages, w.Older = trimFirst(w.Messages, PageSize)
	}
	if err != nil {
		return Window{}, fmt.Errorf("db: messages: %w", err)
	}
	if len(w.Messages) == 0 {
		// An empty page links nowhere: it is a room without messages, or
		// an address past either end of one.
		w.Older, w.Newer = false, false
	}
	if err := s.attachBoosts(ctx, w.Messages); err != nil {
		return Window{}, err
	}
	if err := s.attachPreviews(ctx, w.Messages); err != nil {
		return Window{}, err
	}
	return w, nil
}

func trimFirst(msgs []model.Message, n int) ([]model.Message, bool) {
	if len(msgs) > n {
		return msgs[len(msgs)-n:], true
	}
	return msgs, false
}

func trimLast(msgs []model.Message, n int) ([]model.Message, bool) {
	if len(msgs) > n {
		return msgs[:n], true
	}
	return msgs, false
}

// hasMessage reports whether the room has a message where cond (on id) holds.
func (s *Store) hasMessage(ctx context.Context, roomID int64, cond string, id int64) (bool, error) {
	var ok bool
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE room_id = ? AND `+cond+`)`, roomID, id).Scan(&ok)
	return ok, err
}

func (s *Store) messagesBefore(ctx context.Context, roomID, before int64, n int) ([]model.Message, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT * FROM (
			SELECT `+messageColumns+` FROM `+messageFrom+`
			WHERE m.room_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?
		) ORDER BY 1`, roomID, before, n)
	if err != nil {
		return nil, err
	}
	return scanMessages(rows)
}

func (s *Store) messagesAfter(ctx context.Context, roomID, after int64, n int) ([]model.Message, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+messageColumns+` FROM `+messageFrom+`
		WHERE m.room_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`, roomID, after, n)
	if err != nil {
		return nil, err
	}
	return scanMessages(rows)
}

// Message returns one message with its boosts.
func (s *Store) Message(ctx context.Context, id int64) (model.Message, error) {
	msgs, err := s.MessagesByID(ctx, []int64{id})
	if err != nil {
		return model.Message{}, err
	}
	if len(msgs) == 0 {
		return model.Message{}, fmt.Errorf("db: message %d: %w", id, ErrNotFound)
	}
	return msgs[0], nil
}

// MessagesByID returns the messages that still exist among ids, with boosts.
func (s *Store) MessagesByID(ctx context.Context, ids []int64) ([]model.Message, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+messageColumns+` FROM `+messageFrom+`
		WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id`, int64sJSON(ids))
	if err != nil {
		return nil, fmt.Errorf("db: messages by id: %w", err)
	}
	msgs, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("db: messages by id: %w", err)
	}
	if err := s.attachBoosts(ctx, msgs); err != nil {
		return nil, err
	}
	return msgs, s.attachPreviews(ctx, msgs)
}

// messageIndex lists msgs' ids and where each stands, for the queries that
// fill in a page's boosts and previews.
func messageIndex(msgs []model.Message) ([]int64, map[int64]int) {
	ids := make([]int64, len(msgs))
	index := make(map[int64]int, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
		index[m.ID] = i
	}
	return ids, index
}

func (s *Store) attachBoosts(ctx context.Context, msgs []model.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ids, index := messageIndex(msgs)
	rows, err := s.r.QueryContext(ctx, `
		SELECT b.id, b.message_id, b.booster_id, u.name, b.content, b.created_at
		FROM boosts b JOIN users u ON u.id = b.booster_id
		WHERE b.message_id IN (SELECT value FROM json_each(?)) ORDER BY b.id`, int64sJSON(ids))
	if err != nil {
		return fmt.Errorf("db: boosts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b model.Boost
		var created int64
		if err := rows.Scan(&b.ID, &b.MessageID, &b.BoosterID, &b.BoosterName, &b.Content, &created); err != nil {
			return fmt.Errorf("db: boosts: %w", err)
		}
		b.CreatedAt = Time(created)
		i := index[b.MessageID]
		msgs[i].Boosts = append(msgs[i].Boosts, b)
	}
	return rows.Err()
}

// NewMessage is a message about to be stored.
type NewMessage struct {
	RoomID          int64
	CreatorID       int64
	ClientMessageID string
	HTML            string
	Plain           string
	// PresentUserIDs are the members looking at the room now: they read the
	// message as it arrives, so it does not make the room unread for them.
	PresentUserIDs []int64
	// MentionIDs are the members the message mentions.
	MentionIDs []int64
	// CreatorName and CreatorRole, when the caller has them, spare reading
	// the new message back: everything else about it is known here.
	CreatorName   string
	CreatorRole   model.Role
	CreatorAvatar string
	// Attachment is the message's file, or nil.
	Attachment *NewAttachment
}

// Posted is the outcome of storing a message.
type Posted struct {
	Message   model.Message
	EventID   int64
	Duplicate bool    // the client_message_id was used before; Message is the original
	Unread    []int64 // members for whom the room just became unread
	Mentioned []int64 // members the message mentioned while they were away
	// Err is why this message of a batch was not stored (CreateMessages);
	// the others are stored all the same.
	Err error
}

// CreateMessage stores a message, its event and the unread marks in one
// transaction. A client_message_id already used in the room yields the original
// message, untouched, even under concurrent posts (the unique index decides).
func (s *Store) CreateMessage(ctx context.Context, nm NewMessage) (Posted, error) {
	ps, err := s.CreateMessages(ctx, []NewMessage{nm})
	if err != nil {
		return Posted{}, err
	}
	if ps[0].Err != nil {
		return Posted{}, ps[0].Err
	}
	return ps[0], nil
}

// CreateMessages stores messages in one transaction, each as CreateMessage
// would, in order: one commit (one log sync) for the lot is what lets the
// single writer keep up with many posters. Each message has its own
// savepoint, so one that fails (its room deleted meanwhile) is reported in its
// Posted.Err and the others are stored. A client_message_id repeated within
// the batch yields the first one's message, as across batches. The error is
// for the batch as a whole: nothing was stored.
func (s *Store) CreateMessages(ctx context.Context, nms []NewMessage) ([]Posted, error) {
	out := make([]Posted, len(nms))
	var alone error
	err := s.tx(ctx, func(tx cachedTx) error {
		if len(nms) == 1 {
			// Alone, it needs no savepoint: its failure rolls back all.
			out[0], alone = createMessage(ctx, tx, nms[0])
			return alone
		}
		for i, nm := range nms {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT message`); err != nil {
				return err
			}
			p, err := createMessage(ctx, tx, nm)
			if err != nil {
				if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO message`); rerr != nil {
					return rerr
				}
				p = Posted{Err: fmt.Errorf("db: create message: %w", err)}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE message`); err != nil {
				return err
			}
			out[i] = p
		}
		return nil
	})
	if alone != nil {
		return []Posted{{Err: fmt.Errorf("db: create message: %w", alone)}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: create messages: %w", err)
	}
	s.pokeSearch()
	return out, nil
}

// createMessage stores one message inside a transaction and reads it back.
func createMessage(ctx context.Context, tx cachedTx, nm NewMessage) (Posted, error) {
	var p Posted
	t := now()
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO messages (room_id, creator_id, client_message_id, body_html, body_plain, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (room_id, client_message_id) DO NOTHING
		RETURNING id`, nm.RoomID, nm.CreatorID, nm.ClientMessageID, nm.HTML, nm.Plain, t, t).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p.Duplicate = true
		if err := tx.QueryRowContext(ctx, `SELECT id FROM messages WHERE room_id = ? AND client_message_id = ?`,
			nm.RoomID, nm.ClientMessageID).Scan(&id); err != nil {
			return Posted{}, err
		}
	case err != nil:
		return Posted{}, err
	default:
		if p.EventID, err = insertEvent(ctx, tx, nm.RoomID, model.EventCreated, id, "message_"+nm.ClientMessageID); err != nil {
			return Posted{}, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rooms SET updated_at = ? WHERE id = ?`, t, nm.RoomID); err != nil {
			return Posted{}, err
		}
		if p.Unread, err = markUnread(ctx, tx, nm, t); err != nil {
			return Posted{}, err
		}
		if p.Mentioned, err = markMentioned(ctx, tx, nm, t); err != nil {
			return Posted{}, err
		}
		var att *model.Attachment
		if nm.Attachment != nil {
			a := nm.Attachment.Attachment
			if a.ID, err = insertAttachment(ctx, tx, id, *nm.Attachment, t); err != nil {
				return Posted{}, err
			}
			att = &a
		}
		if nm.CreatorName != "" {
			p.Message = model.Message{ID: id, RoomID: nm.RoomID, CreatorID: nm.CreatorID, ClientMessageID: nm.ClientMessageID,
				HTML: nm.HTML, Plain: nm.Plain, CreatedAt: Time(t), UpdatedAt: Time(t),
				CreatorName: nm.CreatorName, CreatorRole: nm.CreatorRole, CreatorAvatar: nm.CreatorAvatar, Attachment: att}
			present(&p.Message)
			return p, nil
		}
	}
	// Read back in the transaction, which sees its own writes.
	m, err := messageOn(ctx, tx, id)
	if err != nil {
		return Posted{}, err
	}
	p.Message = m
	return p, nil
}

// markUnread marks the room unread for its members who are not looking at it
// and returns who they are. The filter runs here rather than as a NOT IN over
// json_each in the UPDATE: json_each cost more than the rest of the post's
// statements together, and after the first post nearly every member is
// either looking or unread already, so the UPDATE is usually skipped.
func markUnread(ctx context.Context, tx cachedTx, nm NewMessage, t int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT user_id FROM memberships
		WHERE room_id = ? AND user_id != ? AND unread_at IS NULL AND involvement != 'invisible'`,
		nm.RoomID, nm.CreatorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	present := func(uid int64) bool { return slices.Contains(nm.PresentUserIDs, uid) }
	if len(nm.PresentUserIDs) > 16 { // a big room: a set beats a scan per member
		set := make(map[int64]bool, len(nm.PresentUserIDs))
		for _, id := range nm.PresentUserIDs {
			set[id] = true
		}
		present = func(uid int64) bool { return set[uid] }
	}
	var unread []int64
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return nil, err
		}
		if !present(uid) {
			unread = append(unread, uid)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(unread) == 0 {
		return nil, nil
	}
	// The transaction holds the only writer, so nobody changed these rows
	// between the read and this write.
	_, err = tx.ExecContext(ctx, `
		UPDATE memberships SET unread_at = ?
		WHERE room_id = ? AND user_id IN (SELECT value FROM json_each(?))`, t, nm.RoomID, int64sJSON(unread))
	return unread, err
}

// markMentioned marks the room for the members the message mentions who
// are not looking at it, and returns those not marked before. Most
// messages mention nobody and cost nothing here.
func markMentioned(ctx context.Context, tx cachedTx, nm NewMessage, t int64) ([]int64, error) {
	var ids []int64
	for _, id := range nm.MentionIDs {
		if id != nm.CreatorID && !slices.Contains(nm.PresentUserIDs, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return scanIDs(tx.QueryContext(ctx, `
		UPDATE memberships SET mentioned_at = ?
		WHERE room_id = ? AND mentioned_at IS NULL AND involvement != 'invisible'
		  AND user_id IN (SELECT value FROM json_each(?))
		RETURNING user_id`, t, nm.RoomID, int64sJSON(ids)))
}

func messageOn(ctx context.Context, q queryer, id int64) (model.Message, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT `+messageColumns+` FROM `+messageFrom+` WHERE m.id = ?`, id)
	if err != nil {
		return model.Message{}, fmt.Errorf("db: message %d: %w", id, err)
	}
	msgs, err := scanMessages(rows)
	if err != nil {
		return model.Message{}, fmt.Errorf("db: message %d: %w", id, err)
	}
	if len(msgs) == 0 {
		return model.Message{}, fmt.Errorf("db: message %d: %w", id, ErrNotFound)
	}
	return msgs[0], nil
}

// UpdateMessage replaces a message's body and logs the change.
func (s *Store) UpdateMessage(ctx context.Context, id int64, html, plain string) (int64, error) {
	var eventID int64
	err := s.tx(ctx, func(tx cachedTx) error {
		var roomID int64
		var cmid string
		t := now()
		err := tx.QueryRowContext(ctx, `
			UPDATE messages SET body_html = ?, body_plain = ?, updated_at = ? WHERE id = ?
			RETURNING room_id, client_message_id`, html, plain, t, id).Scan(&roomID, &cmid)
		if err != nil {
			return notFound(err)
		}
		eventID, err = insertEvent(ctx, tx, roomID, model.EventUpdated, id, "message_"+cmid)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: update message: %w", err)
	}
	s.pokeSearch()
	return eventID, nil
}

// DeleteMessage removes a message and logs its removal. It returns, too, the
// keys of the blobs its file used that nothing else uses now: their rows are
// gone with the message, and their files may go (files.Store.RemoveUnused).
func (s *Store) DeleteMessage(ctx context.Context, id int64) (model.Event, []string, error) {
	var ev model.Event
	var freed []string
	err := s.tx(ctx, func(tx cachedTx) error {
		keys, err := messageBlobKeys(ctx, tx, id)
		if err != nil {
			return err
		}
		var cmid string
		err = tx.QueryRowContext(ctx, `DELETE FROM messages WHERE id = ? RETURNING room_id, client_message_id`, id).
			Scan(&ev.RoomID, &cmid)
		if err != nil {
			return notFound(err)
		}
		ev.Kind, ev.MessageID, ev.DomID = model.EventDeleted, id, "message_"+cmid
		if ev.ID, err = insertEvent(ctx, tx, ev.RoomID, model.EventDeleted, id, ev.DomID); err != nil {
			return err
		}
		freed, err = deleteUnreferencedBlobs(ctx, tx, keys)
		return err
	})
	if err != nil {
		return model.Event{}, nil, fmt.Errorf("db: delete message: %w", err)
	}
	s.pokeSearch()
	return ev, freed, nil
}

// ValidClientMessageID reports whether s is 1 to 64 letters, digits, '-' or '_'.
func ValidClientMessageID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) < 0
}
