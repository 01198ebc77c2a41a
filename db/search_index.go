package db

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// searchTextSQL is the text a message is found by, as an expression over its
// row m. It is the one definition: the indexer, the import's bulk build and
// any later source of searchable text (an attachment's file name) go through
// it. A change to what it yields for a message must queue the message in
// search_pending, as the triggers on messages do for its body.
const searchTextSQL = `m.body_plain`

const (
	// SearchIndexDelay is how long the indexer lets changes gather after it
	// hears of a commit before it indexes them, so posts arriving together
	// are indexed in one batch. A message is in the index this long after
	// its commit, plus the time to index the batch (docs/BENCHMARKS.md has
	// it measured). A search never waits for it: it first indexes whatever
	// is still queued (SearchMessages).
	SearchIndexDelay = 200 * time.Millisecond
	// searchIndexPoll finds changes nobody announced: messages deleted with
	// their room or their creator, or written by another process.
	searchIndexPoll = time.Second
	// searchIndexBatch bounds one indexing transaction, which holds the only
	// writer: posts wait behind it, so it stays a few milliseconds long.
	searchIndexBatch = 500
)

// searchIndexer runs the background loop that brings messages_fts up to date
// with the messages queued in search_pending.
type searchIndexer struct {
	poke chan struct{} // a commit queued messages; buffered, never blocks
	mu   sync.Mutex    // one catch-up at a time (the loop, or a search)
	stop chan struct{}
	done chan struct{}
	once sync.Once

	// after and passed are for tests: the timer the loop waits on, and a
	// hook told after each of its catch-ups.
	after  func(time.Duration) <-chan time.Time
	poll   time.Duration
	passed func()
}

func (s *Store) startSearchIndexer(opt Options) {
	ix := &searchIndexer{
		poke:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		after:  opt.searchAfter,
		poll:   opt.searchPoll,
		passed: opt.searchPassed,
	}
	if ix.after == nil {
		ix.after = time.After
	}
	if ix.poll == 0 {
		ix.poll = searchIndexPoll
	}
	s.search = ix
	if opt.searchManual {
		close(ix.done)
		return
	}
	go s.searchIndexLoop()
}

func (s *Store) searchIndexLoop() {
	ix := s.search
	defer close(ix.done)
	poll := time.NewTicker(ix.poll)
	defer poll.Stop()
	// Whatever was queued before a restart is indexed at once.
	first := make(chan struct{}, 1)
	first <- struct{}{}
	for {
		select {
		case <-ix.stop:
			return
		case <-first:
		case <-poll.C:
		case <-ix.poke:
			select {
			case <-ix.stop:
				return
			case <-ix.after(SearchIndexDelay):
			}
		}
		// A failure (busy, disk full) leaves the queue as it was; the next
		// poll tries again, and searches meanwhile skip what is queued.
		_ = s.CatchUpSearch(context.Background())
		if ix.passed != nil {
			ix.passed()
		}
	}
}

// pokeSearch tells the indexer that a commit queued messages.
func (s *Store) pokeSearch() {
	if s.search == nil {
		return
	}
	select {
	case s.search.poke <- struct{}{}:
	default:
	}
}

func (s *Store) stopSearchIndexer() {
	if s.search == nil {
		return
	}
	s.search.once.Do(func() {
		close(s.search.stop)
		<-s.search.done
	})
}

// CatchUpSearch indexes every message queued for the search index, in
// batches, and returns when the queue is empty (or on the first error).
func (s *Store) CatchUpSearch(ctx context.Context) error {
	if s.search != nil {
		s.search.mu.Lock()
		defer s.search.mu.Unlock()
	}
	for {
		var queued bool
		if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_pending)`).Scan(&queued); err != nil {
			return fmt.Errorf("db: search index: %w", err)
		}
		if !queued {
			return nil
		}
		if _, err := s.indexSearchBatch(ctx); err != nil {
			return err
		}
	}
}

// indexSearchBatch indexes the oldest queued messages, up to a batch, in one
// transaction: each id's old row leaves the index if it may be there, and
// its current text goes in if the message still exists.
func (s *Store) indexSearchBatch(ctx context.Context) (int, error) {
	var n int
	err := s.tx(ctx, func(tx cachedTx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT message_id, in_index FROM search_pending ORDER BY message_id LIMIT ?`, searchIndexBatch)
		if err != nil {
			return err
		}
		var last int64
		var stale []int64
		for rows.Next() {
			var id int64
			var inIndex bool
			if err := rows.Scan(&id, &inIndex); err != nil {
				rows.Close()
				return err
			}
			last = id
			if inIndex {
				stale = append(stale, id)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if n == 0 {
			return nil
		}
		for _, id := range stale {
			if _, err := tx.ExecContext(ctx, `DELETE FROM messages_fts WHERE rowid = ?`, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO messages_fts (rowid, body_plain)
			SELECT m.id, `+searchTextSQL+`
			FROM search_pending p CROSS JOIN messages m ON m.id = p.message_id
			WHERE p.message_id <= ?
			ORDER BY p.message_id`, last); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM search_pending WHERE message_id <= ?`, last)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: search index: %w", err)
	}
	return n, nil
}
