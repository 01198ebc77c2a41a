package importer

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Report is what an import brought over and what it left behind.
type Report struct {
	Counts   map[string]int64
	Skipped  []Skip
	Duration time.Duration

	skips map[string]*Skip
}

// Skip is one reason something was not imported (or not as it was), with how
// often it happened and a few examples.
type Skip struct {
	Reason   string
	Count    int64
	Examples []string
}

// kinds is the order counts are printed in.
var kinds = []string{"account", "users", "rooms", "memberships", "messages", "attachments", "avatars", "logo", "boosts", "bans", "webhooks", "push subscriptions", "searches"}

func newReport() *Report {
	return &Report{Counts: map[string]int64{}, skips: map[string]*Skip{}}
}

func (r *Report) skip(reason, example string) { r.skipN(reason, example, 1) }

func (r *Report) skipN(reason, example string, n int64) {
	s, ok := r.skips[reason]
	if !ok {
		s = &Skip{Reason: reason}
		r.skips[reason] = s
	}
	s.Count += n
	if example != "" && len(s.Examples) < 5 {
		s.Examples = append(s.Examples, example)
	}
}

// SkipCount is how many things were skipped for reason.
func (r *Report) SkipCount(reason string) int64 {
	if s, ok := r.skips[reason]; ok {
		return s.Count
	}
	return 0
}

func (r *Report) finish() {
	r.Skipped = nil
	for _, s := range r.skips {
		r.Skipped = append(r.Skipped, *s)
	}
	sortSkips(r.Skipped)
}

func sortSkips(s []Skip) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Reason < s[j-1].Reason; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Print writes the counts per kind and the skipped list.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "Imported in %s:\n", r.Duration.Round(time.Millisecond))
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-20s %d\n", k, r.Counts[k])
	}
	if len(r.Skipped) == 0 {
		fmt.Fprintln(w, "Nothing was skipped.")
		return
	}
	fmt.Fprintln(w, "Skipped or changed:")
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  %d × %s", s.Count, s.Reason)
		if len(s.Examples) > 0 {
			fmt.Fprintf(w, " (e.g. %s)", strings.Join(s.Examples, ", "))
		}
		fmt.Fprintln(w)
	}
}

// progress shows how far the messages are. On a terminal it redraws one line
// with a bar and an estimate of the time left; elsewhere it prints a line per
// tenth.
type progress struct {
	w        io.Writer
	terminal bool
	total    int64
	start    time.Time

	mu      sync.Mutex
	done    int64
	lastTen int64
	stop    chan struct{}
	stopped chan struct{}
}

func newProgress(w io.Writer, terminal bool, total int64) *progress {
	p := &progress{w: w, terminal: terminal, total: total, start: time.Now(), stop: make(chan struct{}), stopped: make(chan struct{})}
	if w == nil {
		close(p.stopped)
		return p
	}
	go p.loop()
	return p
}

func (p *progress) add(n int64) {
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
}

func (p *progress) loop() {
	defer close(p.stopped)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.draw(true)
			return
		case <-t.C:
			p.draw(false)
		}
	}
}

func (p *progress) draw(final bool) {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	total := max(p.total, done, 1)
	frac := float64(done) / float64(total)
	elapsed := time.Since(p.start)
	left := "?"
	if done > 0 {
		left = (time.Duration(float64(elapsed)/frac) - elapsed).Round(time.Second).String()
	}
	if !p.terminal {
		ten := int64(frac * 10)
		if ten > p.lastTen || final {
			p.lastTen = ten
			fmt.Fprintf(p.w, "messages: %d of %d (%d%%)\n", done, p.total, int(frac*100))
		}
		return
	}
	const width = 30
	filled := int(frac * width)
	bar := strings.Repeat("#", filled) + strings.Repeat("-", width-filled)
	fmt.Fprintf(p.w, "\rmessages [%s] %d/%d %3d%%  %s left   ", bar, done, p.total, int(frac*100), left)
	if final {
		fmt.Fprintln(p.w)
	}
}

func (p *progress) close() {
	select {
	case <-p.stopped:
		return
	default:
	}
	close(p.stop)
	<-p.stopped
}
