package chat

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// maxBatch is the most posts one transaction takes. A batch costs about one
// commit plus a little per message; past a hundred or so the gain is spent and
// the first poster of a batch only waits longer.
const maxBatch = 128

// ErrClosed is returned by Post once the service is closed.
var ErrClosed = errors.New("chat: service closed")

// A post waiting for the committer. state moves once from queued to either
// taken (the committer will commit and publish it, and answer) or withdrawn
// (its caller gave up first, and it is never written).
type postRequest struct {
	ctx   context.Context
	room  model.SidebarRoom
	msg   db.NewMessage
	state atomic.Int32
	done  chan postResult // buffered: the committer never waits for the caller
}

const (
	queued int32 = iota
	taken
	withdrawn
)

type postResult struct {
	posted   db.Posted
	fragment []byte // as published
	err      error
}

// commit hands a prepared message to the committer and waits for its outcome.
// A caller whose context ends before the committer takes its message gets the
// context's error and its message is never written; once taken, the message
// is committed and published, and the caller waits the moment that takes.
func (s *Service) commit(ctx context.Context, room model.SidebarRoom, msg db.NewMessage) (db.Posted, []byte, error) {
	req := &postRequest{ctx: ctx, room: room, msg: msg, done: make(chan postResult, 1)}
	// The queue is unbuffered: a sent request is in the committer's hands, and
	// the posters blocked here are the queue it drains into a batch.
	select {
	case s.queue <- req:
	case <-ctx.Done():
		return db.Posted{}, nil, ctx.Err()
	case <-s.closing:
		return db.Posted{}, nil, ErrClosed
	}
	select {
	case r := <-req.done:
		return r.posted, r.fragment, r.err
	case <-ctx.Done():
		if req.state.CompareAndSwap(queued, withdrawn) {
			return db.Posted{}, nil, ctx.Err()
		}
		r := <-req.done
		return r.posted, r.fragment, r.err
	}
}

// run is the committer: it takes a post, gathers every other one already
// waiting, and writes them in one transaction. A lone post goes at once; under
// load, posts arriving during one commit make up the next batch.
func (s *Service) run() {
	batch := make([]*postRequest, 0, maxBatch)
	for {
		var first *postRequest
		select {
		case first = <-s.queue:
		case <-s.closing:
			// Posters that got in before the close are answered, not dropped.
			for {
				select {
				case r := <-s.queue:
					s.commitBatch([]*postRequest{r})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	gather:
		for len(batch) < maxBatch {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		s.commitBatch(batch)
		clear(batch) // drop references to answered requests
	}
}

// commitBatch writes a batch in one transaction and publishes each message in
// commit order, holding publishMu across both so edits, deletions and other
// changes stay in order with posts.
func (s *Service) commitBatch(batch []*postRequest) {
	reqs := make([]*postRequest, 0, len(batch))
	for _, r := range batch {
		if r.state.CompareAndSwap(queued, taken) {
			reqs = append(reqs, r)
		}
	}
	if len(reqs) == 0 {
		return
	}

	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	msgs := make([]db.NewMessage, len(reqs))
	present := make(map[int64][]int64)
	for i, r := range reqs {
		// Who is looking is read at commit time: they see the message arrive.
		ids, ok := present[r.room.ID]
		if !ok {
			ids = s.hub.PresentUserIDs(r.room.ID)
			present[r.room.ID] = ids
		}
		msgs[i] = r.msg
		msgs[i].PresentUserIDs = ids
	}
	// The batch is not any one caller's: a caller leaving must not roll
	// back the others, so no caller's deadline applies.
	start := time.Now()
	posted, err := s.store.CreateMessages(context.Background(), msgs)
	if err == nil && s.onCommit != nil {
		s.onCommit(time.Since(start), len(msgs))
	}
	if err != nil {
		for _, r := range reqs {
			r.done <- postResult{err: err}
		}
		return
	}
	for i, r := range reqs {
		p := posted[i]
		var frag []byte
		if p.Err == nil && !p.Duplicate {
			ctx := context.WithoutCancel(r.ctx)
			frag = render(ctx, views.MessageAppend(p.Message))
			s.publishRoom(ctx, model.Event{ID: p.EventID, RoomID: r.room.ID, Kind: model.EventCreated, MessageID: p.Message.ID,
				DomID: p.Message.DomID()}, &p.Message, frag)
			s.publishBots(ctx, botEvent{ev: model.Event{ID: p.EventID, RoomID: r.room.ID, Kind: model.EventCreated,
				MessageID: p.Message.ID}, room: r.room.Room, msg: &p.Message}, true)
			s.publishUnread(ctx, r.room, p.Unread, p.Mentioned)
		}
		r.done <- postResult{posted: p, fragment: frag, err: p.Err}
	}
}

// Close stops the committer after answering every post already handed to
// it (later posts get ErrClosed), and the presence announcer after the
// announcement it is making, if any; those still waiting are dropped, as the
// streams they were for are closing too. Call it before closing the store.
func (s *Service) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.workers.Wait()
}
