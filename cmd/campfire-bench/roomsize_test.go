package main

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/perf"
)

// TestRoomsOfSize: 1,000 streams are 100 rooms of 10, 10 of 100 or Fanout,
// each with its own members; a seed without 100-member rooms says so.
func TestRoomsOfSize(t *testing.T) {
	l := perf.Layout{Users: 1200, Fanout: 2, FanoutMembers: 1000}
	for i := 0; i < 119; i++ {
		l.Small = append(l.Small, int64(100+i))
	}
	if _, err := roomsOfSize(l, 100, 1000); err == nil || !strings.Contains(err.Error(), "seed again") {
		t.Fatalf("no 100-member rooms in the layout: %v", err)
	}
	for i := 0; i < 10; i++ {
		l.Hundred = append(l.Hundred, int64(300+i))
	}
	for _, c := range []struct{ members, rooms int }{{10, 100}, {100, 10}, {1000, 1}} {
		rooms, err := roomsOfSize(l, c.members, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(rooms) != c.rooms {
			t.Fatalf("%d members: %d rooms, want %d", c.members, len(rooms), c.rooms)
		}
		seen := map[int64]bool{}
		for _, r := range rooms {
			if len(r.Members) != c.members {
				t.Fatalf("%d members: room %d has %d", c.members, r.ID, len(r.Members))
			}
			for _, u := range r.Members {
				if seen[u] {
					t.Fatalf("%d members: user %d in two rooms", c.members, u)
				}
				seen[u] = true
			}
		}
	}
	if _, err := roomsOfSize(l, 50, 1000); err == nil {
		t.Fatal("rooms of 50 members do not exist")
	}
}

// TestJudgeStep: a step is sustained only if the posts were all answered in
// time, every delivery arrived and no backlog grew.
func TestJudgeStep(t *testing.T) {
	ok := deliveryReport{Rate: 100, DurationS: 10, Posted: 1000, PostRateAch: 99, Delivered: 10000, Expected: 10000,
		FirstThirdP50: 5, LastThirdP50: 6, PostLatency: dist{P99: 30}}
	if st := judgeStep(ok, 0); !st.Sustained {
		t.Fatalf("sustained step judged not: %s", st.Why)
	}
	for name, c := range map[string]struct {
		change func(*deliveryReport)
		maxP99 float64
		why    string
	}{
		"failed":  {func(r *deliveryReport) { r.PostFailed = 1 }, 0, "failed"},
		"slow":    {func(r *deliveryReport) { r.PostRateAch = 80 }, 0, "reached 80"},
		"few":     {func(r *deliveryReport) { r.Posted = 900 }, 0, "reached"},
		"lost":    {func(r *deliveryReport) { r.Delivered = 9999 }, 0, "9999 of 10000"},
		"backlog": {func(r *deliveryReport) { r.LastThirdP50 = 900 }, 0, "backlog"},
		"p99":     {func(*deliveryReport) {}, 25, "POST p99 30"},
	} {
		r := ok
		c.change(&r)
		st := judgeStep(r, c.maxP99)
		if st.Sustained || !strings.Contains(st.Why, c.why) {
			t.Errorf("%s: sustained=%v why=%q, want not sustained with %q", name, st.Sustained, st.Why, c.why)
		}
	}
}

func TestParseRates(t *testing.T) {
	got, err := parseRates("200, 100,400,200")
	if err != nil || len(got) != 3 || got[0] != 100 || got[2] != 400 {
		t.Fatalf("parseRates = %v, %v", got, err)
	}
	for _, bad := range []string{"", "100,x", "0", "-5"} {
		if _, err := parseRates(bad); err == nil {
			t.Errorf("parseRates(%q) accepted", bad)
		}
	}
}

// TestRoomsizeTableAndPlot: a row per size with its highest sustained rate
// and the step that failed, every step below, and a point per size.
func TestRoomsizeTableAndPlot(t *testing.T) {
	step := func(rate float64, sustained bool, why string) sweepStep {
		return sweepStep{Sustained: sustained, Why: why, Report: deliveryReport{Rate: rate, DurationS: 10,
			Posted: int(rate * 10), PostRateAch: rate, ServerCPU: cpuUse{RunS: rate * 10 * 0.002}, CPUPerDeliveryUS: 15}}
	}
	reps := []sweepReport{
		{Command: "roomsize", Members: 100, Rooms: 10, Streams: 1000,
			Steps: []sweepStep{step(100, true, ""), step(200, true, ""), step(400, false, "backlog"), step(300, false, "lost 2")}},
		{Command: "roomsize", Members: 10, Rooms: 100, Streams: 1000, Steps: []sweepStep{step(1000, true, ""), step(2000, true, "")}},
		{Command: "roomsize", Members: 1000, Rooms: 1, Streams: 1000, Steps: []sweepStep{step(10, false, "lost")}},
	}
	table := roomsizeTable(reps)
	for _, want := range []string{
		"| 100 | 10 × 100 (1000) | **200** (reached 200) |",
		"| 2.000 |",     // 4 s of CPU over 2,000 posts
		"300/s: lost 2", // the refined step, the lowest not sustained
		"| 1000 | 1 × 1000 (1000) | none of the rates tried |",
		"| 100 | 400 | 400 |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("missing %q in\n%s", want, table)
		}
	}
	svg := roomsizeSVG(reps)
	wellFormed(t, svg)
	// Two series, a point for each size that sustained a rate.
	if n := strings.Count(svg, "<circle"); n != 2*3-2 {
		t.Errorf("%d points, want 4", n)
	}
}

func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); err != nil {
			if err != io.EOF {
				t.Fatalf("SVG: %v\n%s", err, svg)
			}
			return
		}
	}
}

func TestRefineRate(t *testing.T) {
	for _, c := range []struct {
		sustained, failed, want float64
		ok                      bool
	}{
		{2000, 2500, 2250, true},
		{0, 1000, 500, true}, // nothing sustained: halfway to zero
		{40, 50, 45, true},
		{2, 3, 2.5, true},
		{0, 0.1, 0, false},     // rounding leaves nothing between
		{2400, 2500, 0, false}, // within 5%
	} {
		got, ok := refineRate(c.sustained, c.failed)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("refineRate(%g, %g) = %g, %v; want %g, %v", c.sustained, c.failed, got, ok, c.want, c.ok)
		}
	}
}
