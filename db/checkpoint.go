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
	// walRestartFrames is the log size (pages; 100 MiB) past which a
	// checkpoint also rewinds the log. Under a steady stream of writes and
	// reads the log is never rewound by itself, and only grows. A RESTART
	// right after a PASSIVE one has little left to copy; measured alone on
	// the million-message database it took 0.1-4 ms and held a write back as
	// long. (It was a TRUNCATE at 50,000 pages: copying and cutting 200 MB
	// held every poster for 300-450 ms, every few seconds at 500 posts/s. A
	// RESTART every 4,000 pages put that POST p99 at 34 ms, every 25,000 at
	// 22 ms.)
	walRestartFrames = 25_000
	// walSizeLimit is what a rewound log file is cut back to, if it grew
	// past it (journal_size_limit, bytes); above the restart size, so a log
	// rewound in time is never cut.
	walSizeLimit = 128 << 20
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
		frames, _ := s.checkpoint(context.Background(), "PASSIVE")
		if frames > walRestartFrames {
			_, _ = s.checkpoint(context.Background(), "RESTART")
		}
	}
}

// checkpoint runs one checkpoint (PASSIVE, RESTART or TRUNCATE) on the
// checkpointer's connection and reports how many pages the log held.
func (s *Store) checkpoint(ctx context.Context, mode string) (int, error) {
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
