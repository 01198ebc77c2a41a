package botlisten

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// progress keeps the cursor: the newest event id below which every event
// was handled (printed, and answered when it asked for an answer). Events
// of different rooms are answered side by side, so one may finish before
// an older one; the cursor only moves over an unbroken run of finished
// events. A listener restarted from it sees again what was unfinished; a
// repeated answer is harmless, since replies are posted idempotently.
type progress struct {
	file string
	log  *slog.Logger

	mu       sync.Mutex
	cursor   int64
	pending  []int64 // started, in order
	finished map[int64]bool
}

func newProgress(cursor int64, file string, log *slog.Logger) *progress {
	return &progress{file: file, log: log, cursor: cursor, finished: map[int64]bool{}}
}

func (p *progress) start(id int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending = append(p.pending, id)
}

func (p *progress) done(id int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished[id] = true
	moved := false
	for len(p.pending) > 0 && p.finished[p.pending[0]] {
		delete(p.finished, p.pending[0])
		p.cursor = p.pending[0]
		p.pending = p.pending[1:]
		moved = true
	}
	if moved && p.file != "" {
		if err := writeCursor(p.file, p.cursor); err != nil {
			p.log.Error("cursor not saved", "file", p.file, "error", err)
		}
	}
}

// readCursor reads the cursor file; ok is false when there is none yet
// (the listener starts from now).
func readCursor(file string) (id int64, ok bool, err error) {
	if file == "" {
		return 0, false, nil
	}
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n < 0 {
		return 0, false, fmt.Errorf("cursor file %s does not hold an event id", file)
	}
	return n, true, nil
}

// writeCursor replaces the file in one rename, so a crash leaves the old
// cursor or the new one, never a torn one.
func writeCursor(file string, id int64) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), filepath.Base(file)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(strconv.FormatInt(id, 10) + "\n"); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), file)
}
