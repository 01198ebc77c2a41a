package db

import (
	"context"
	"testing"
	"time"
)

// A write transaction holds the writer's only connection. Another goroutine
// meeting a statement the writer has not prepared waits for that connection
// to prepare it; it must not hold the cache's lock meanwhile, or the
// transaction's next query (which reads the cache) waits for it in turn and
// neither ever moves: the soak stalled every post this way, a stream's first
// MarkRead racing the committer.
func TestPreparingBesideAWriteTransactionDoesNotDeadlock(t *testing.T) {
	s := openSearchStore(t)
	ctx := context.Background()
	inTx, proceed := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.tx(ctx, func(tx cachedTx) error {
			close(inTx)
			<-proceed
			_, err := tx.ExecContext(ctx, `UPDATE settings SET value = value WHERE key = 'inside'`)
			return err
		})
	}()
	<-inTx
	waits := s.w.DB.Stats().WaitCount
	outside := make(chan error, 1)
	go func() {
		_, err := s.w.ExecContext(ctx, `UPDATE settings SET value = value WHERE key = 'outside'`)
		outside <- err
	}()
	// Once it waits for the connection, it is inside the prepare.
	for deadline := time.Now().Add(10 * time.Second); s.w.DB.Stats().WaitCount == waits; {
		if time.Now().After(deadline) {
			t.Fatal("the outside statement never waited for the writer")
		}
		time.Sleep(time.Millisecond)
	}
	close(proceed)
	for _, ch := range []chan error{done, outside} {
		select {
		case err := <-ch:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second): // a hang guard
			t.Fatal("deadlock: the transaction and the prepare wait for each other")
		}
	}
}
