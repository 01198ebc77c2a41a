package db

import (
	"context"
	"database/sql"
	"time"
)

// SQLite's automatic checkpoint runs inside the commit that crosses 1,000
// pages of log, so every thousandth page or so one poster waited for the whole
// log to be copied into the database file: that was the POST p99 (19 ms
// against 2 ms without it). The writer's automatic checkpoint is off and this
// loop checkpoints on its own connection instead, beside the writer: a
// PASSIVE checkpoint never blocks it.
const (
	checkpointEvery = 500 * time.Millisecond
	// walTruncateFrames is the log size (pages) past which a checkpoint waits
	// for a moment without writers and truncates the log: under a steady
	// stream of writes a passive one may never reach the end, and then the log
	// is never restarted and only grows.
	walTruncateFrames = 50_000
)

func (s *Store) startCheckpoints(ck *sql.DB) {
	s.ck = ck
	s.stopCk = make(chan struct{})
	s.ckDone = make(chan struct{})
	go s.checkpointLoop()
}

func (s *Store) checkpointLoop() {
	defer close(s.ckDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stopCk:
			return
		case <-t.C:
		}
		// A failure (busy, disk) is retried at the next tick; until then the
		// log only grows, and readers still find everything in it.
		frames, _ := s.Checkpoint(context.Background(), false)
		if frames > walTruncateFrames {
			_, _ = s.Checkpoint(context.Background(), true)
		}
	}
}

// Checkpoint copies the write-ahead log into the database file and reports
// how many pages the log held. A truncating one waits for writers to pause
// (up to the busy timeout) and empties the log file.
func (s *Store) Checkpoint(ctx context.Context, truncate bool) (int, error) {
	mode := "PASSIVE"
	if truncate {
		mode = "TRUNCATE"
	}
	var busy, frames, done int
	err := s.ck.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &done)
	return frames, err
}

// stopCheckpoints ends the loop; closing a store twice is allowed.
func (s *Store) stopCheckpoints() error {
	if s.ck == nil {
		return nil
	}
	var err error
	s.ckStop.Do(func() {
		close(s.stopCk)
		<-s.ckDone
		err = s.ck.Close()
	})
	return err
}
