package importer

import (
	"strings"
	"testing"
)

func TestProgressDrawsABarOnATerminalAndLinesElsewhere(t *testing.T) {
	var term strings.Builder
	p := &progress{w: &term, terminal: true, total: 200}
	p.add(50)
	p.draw(false)
	if got := term.String(); !strings.HasPrefix(got, "\rmessages [") || !strings.Contains(got, "50/200  25%") || !strings.Contains(got, "left") {
		t.Errorf("terminal progress: %q", got)
	}
	p.add(150)
	p.draw(true)
	if got := term.String(); !strings.Contains(got, "["+strings.Repeat("#", 30)+"] 200/200 100%") || !strings.HasSuffix(got, "\n") {
		t.Errorf("terminal progress at the end: %q", got)
	}

	var log strings.Builder
	q := &progress{w: &log, total: 100}
	for range 4 {
		q.add(25)
		q.draw(false)
		q.draw(false) // nothing new: no second line
	}
	if got := strings.Count(log.String(), "\n"); got != 4 {
		t.Errorf("%d progress lines for four quarters, want 4:\n%s", got, log.String())
	}
}

func TestReportListsSkipsWithExamples(t *testing.T) {
	r := newReport()
	for i := range 7 {
		r.skip(ReasonCreatorGone, "message "+string(rune('1'+i)))
	}
	r.skipN(ReasonSessions, "", 3)
	r.finish()
	var out strings.Builder
	r.Print(&out)
	if !strings.Contains(out.String(), "7 × "+ReasonCreatorGone+" (e.g. message 1, message 2, message 3, message 4, message 5)") ||
		!strings.Contains(out.String(), "3 × "+ReasonSessions+"\n") {
		t.Errorf("report:\n%s", out.String())
	}
}
