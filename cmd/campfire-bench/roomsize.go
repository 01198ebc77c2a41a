package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campfire-go/campfire/internal/perf"
)

// Posts against room size: the same 1,000 streams (one per member) spread
// over rooms of 10, 100 or 1,000 members, posts at a stepped rate until one
// is not sustained. Each post is delivered to every member of its room, so a
// post costs more as rooms grow; the sweep finds the highest rate the server
// keeps up with at each size.

// sizedRoom is a room and its members (the administrator aside).
type sizedRoom struct {
	ID      int64
	Members []int64
}

// roomsOfSize are the seeded rooms of the given size that together hold
// streams members: 10-member rooms, the 100-member rooms, or Fanout (1,000).
func roomsOfSize(l perf.Layout, members, streams int) ([]sizedRoom, error) {
	var all []sizedRoom
	switch members {
	case 10:
		for i, id := range l.Small {
			all = append(all, sizedRoom{id, l.SmallRoomMembers(i)})
		}
	case 100:
		for i, id := range l.Hundred {
			all = append(all, sizedRoom{id, l.HundredRoomMembers(i)})
		}
	case 1000:
		if n := l.FanoutSize(); n == 1000 {
			all = append(all, sizedRoom{l.Fanout, l.FanoutMemberIDs(n)})
		}
	default:
		return nil, fmt.Errorf("rooms of %d members: the seed has rooms of 10, 100 and 1,000", members)
	}
	want := max(1, streams/members)
	if len(all) < want {
		return nil, fmt.Errorf("%d members × %d streams needs %d rooms of %d; the seed has %d (seed again: campfire-bench seed writes ten 100-member rooms)",
			members, streams, want, members, len(all))
	}
	return all[:want], nil
}

// sweepStep judges one step: sustained when every offered post was answered
// in time (reached = offered), every delivery arrived, and no backlog grew.
type sweepStep struct {
	Report    deliveryReport `json:"report"`
	Sustained bool           `json:"sustained"`
	Why       string         `json:"why,omitempty"` // what failed, if not sustained
}

func judgeStep(r deliveryReport, maxP99 float64) sweepStep {
	s := sweepStep{Report: r}
	offered := int(math.Round(r.Rate * r.DurationS))
	var why []string
	if r.PostFailed > 0 || r.PostSkipped > 0 {
		why = append(why, fmt.Sprintf("%d posts failed, %d not sent", r.PostFailed, r.PostSkipped))
	}
	// Reached: nearly every post of the window answered, and answered
	// within the window (a slow tail stretches the time they took).
	if float64(r.Posted) < 0.99*float64(offered) || r.PostRateAch < 0.95*r.Rate {
		why = append(why, fmt.Sprintf("reached %.0f of %g posts/s", r.PostRateAch, r.Rate))
	}
	if r.Delivered < r.Expected {
		why = append(why, fmt.Sprintf("%d of %d deliveries arrived", r.Delivered, r.Expected))
	}
	// A backlog: messages sent late in the run waited much longer than
	// those sent early.
	if r.LastThirdP50 > max(2*r.FirstThirdP50, r.FirstThirdP50+50) {
		why = append(why, fmt.Sprintf("backlog: receive median %.0f ms in the last third against %.0f in the first", r.LastThirdP50, r.FirstThirdP50))
	}
	if maxP99 > 0 && r.PostLatency.P99 > maxP99 {
		why = append(why, fmt.Sprintf("POST p99 %.0f ms over %g", r.PostLatency.P99, maxP99))
	}
	s.Sustained, s.Why = len(why) == 0, strings.Join(why, "; ")
	return s
}

// sweepReport is what roomsize-run writes: every step, and the highest rate
// sustained (0 if none was).
type sweepReport struct {
	Command   string      `json:"command"`
	Members   int         `json:"members"`
	Rooms     int         `json:"rooms"`
	Streams   int         `json:"streams"`
	MaxP99    float64     `json:"max_post_p99_ms,omitempty"`
	Steps     []sweepStep `json:"steps"`
	Sustained float64     `json:"sustained_rate"`
}

// best is the step at the highest sustained rate, if any.
func (s sweepReport) best() (sweepStep, bool) {
	var b sweepStep
	ok := false
	for _, st := range s.Steps {
		if st.Sustained && (!ok || st.Report.Rate > b.Report.Rate) {
			b, ok = st, true
		}
	}
	return b, ok
}

// refineRate is halfway between the highest rate sustained and the lowest
// not, rounded to a whole post per second (a tenth below 10); ok is false
// when the gap is already within 5% or rounding leaves nothing between.
func refineRate(sustained, failed float64) (float64, bool) {
	if failed-sustained <= 0.05*failed {
		return 0, false
	}
	mid := (sustained + failed) / 2
	if mid >= 10 {
		mid = math.Round(mid)
	} else {
		mid = math.Round(mid*10) / 10
	}
	return mid, mid > sustained && mid < failed
}

// parseRates reads "100,200,400" into ascending rates.
func parseRates(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("rates: %q is not a positive number", f)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func roomsizeRunCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("roomsize-run", flag.ExitOnError)
	var c common
	c.register(fs)
	members := fs.Int("members", 10, "members per room: 10, 100 or 1000")
	streams := fs.Int("streams", 1000, "streams in all, one per member of the rooms posted into")
	rates := fs.String("rates", "", "offered posts/s, tried in increasing order (e.g. 500,1000,1500,2000)")
	dur := fs.Duration("duration", 10*time.Second, "how long each step posts")
	pause := fs.Duration("pause", 2*time.Second, "wait between steps")
	maxP99 := fs.Float64("max-post-p99", 0, "also require POST p99 ≤ this many ms; 0: report it only")
	all := fs.Bool("all", false, "try every rate, not stopping at the first that is not sustained")
	refine := fs.Int("refine", 0, "then try this many rates halfway between the highest sustained and the lowest not")
	fs.Parse(args)
	steps, err := parseRates(*rates)
	if err != nil {
		return err
	}
	if err := c.load(*streams); err != nil {
		return err
	}
	rooms, err := roomsOfSize(c.lay, *members, *streams)
	if err != nil {
		return err
	}
	var conns []connSpec
	var posters []int64
	for _, r := range rooms {
		for _, u := range r.Members {
			posters = append(posters, u)
			conns = append(conns, connSpec{User: u, Room: r.ID})
		}
	}
	k := len(rooms)
	rep := sweepReport{Command: "roomsize", Members: *members, Rooms: k, Streams: len(conns), MaxP99: *maxP99}
	step := func(rate float64) (bool, error) {
		if n := len(rep.Steps); n > 0 {
			wait := *pause
			if !rep.Steps[n-1].Sustained {
				wait *= 3 // let a backlog drain
			}
			time.Sleep(wait)
		}
		logf("%d-member rooms: %g posts/s offered for %s", *members, rate, *dur)
		// Post i goes to room i mod k, from its members in turn.
		r, err := deliver(ctx, &c, "post", conns, posters, rate, *dur,
			func(i int) (int64, int64) {
				room := rooms[i%k]
				return room.Members[(i/k)%len(room.Members)], room.ID
			}, func(i int) int { return len(rooms[i%k].Members) })
		if err != nil {
			return false, err
		}
		st := judgeStep(r, *maxP99)
		rep.Steps = append(rep.Steps, st)
		logf("%g posts/s: reached %.0f, POST p99 %.1f ms, %d/%d delivered, %.1f µs CPU per delivery: %s",
			rate, r.PostRateAch, r.PostLatency.P99, r.Delivered, r.Expected, r.CPUPerDeliveryUS,
			map[bool]string{true: "sustained", false: "not sustained (" + st.Why + ")"}[st.Sustained])
		if st.Sustained {
			rep.Sustained = max(rep.Sustained, rate)
		}
		return st.Sustained, nil
	}
	failed := 0.0
	for _, rate := range steps {
		ok, err := step(rate)
		if err != nil {
			return err
		}
		if !ok && failed == 0 {
			failed = rate
		}
		if (!ok && !*all) || ctx.Err() != nil {
			break
		}
	}
	// Halve the gap between the highest rate sustained and the lowest not.
	for i := 0; i < *refine && failed > 0 && ctx.Err() == nil; i++ {
		mid, ok := refineRate(rep.Sustained, failed)
		if !ok {
			break
		}
		sustained, err := step(mid)
		if err != nil {
			return err
		}
		if !sustained {
			failed = mid
		}
	}
	c.write(rep)
	return nil
}

// roomsizeCmd reads the sweeps at each room size and writes roomsize.md (the
// highest sustained rate and its costs per size, then every step) and
// roomsize.svg.
func roomsizeCmd(args []string) error {
	fs := flag.NewFlagSet("roomsize", flag.ExitOnError)
	out := fs.String("out", "bench-out", "folder for roomsize.md and roomsize.svg")
	fs.Parse(args)
	var reps []sweepReport
	for _, path := range fs.Args() {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var r sweepReport
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if r.Command != "roomsize" {
			return fmt.Errorf("%s: not a roomsize-run report", path)
		}
		reps = append(reps, r)
	}
	if len(reps) == 0 {
		return fmt.Errorf("roomsize needs roomsize-run reports")
	}
	slices.SortFunc(reps, func(a, b sweepReport) int { return a.Members - b.Members })
	return writeTableAndPlot(*out, "roomsize", roomsizeTable(reps), roomsizeSVG(reps), true)
}

// cpuPerPostMS is the server's CPU per post over the window, in ms.
func cpuPerPostMS(r deliveryReport) float64 {
	if r.Posted == 0 {
		return 0
	}
	return r.ServerCPU.RunS * 1000 / float64(r.Posted)
}

func roomsizeTable(reps []sweepReport) string {
	var b strings.Builder
	b.WriteString("| Members per room | Rooms × members (streams) | Highest rate sustained (posts/s) | POST p50 / p99 (ms) | Receive p99 (ms) | Deliveries/s | Server CPU per post (ms) | per delivery (µs) | Server cores | Next step | Load average |\n")
	b.WriteString("|---:|---|---:|---|---:|---:|---:|---:|---:|---|---|\n")
	for _, r := range reps {
		best, ok := r.best()
		// The lowest rate above the best that was not sustained.
		next := "none tried"
		var lowest *sweepStep
		for i, st := range r.Steps {
			if !st.Sustained && (!ok || st.Report.Rate > best.Report.Rate) && (lowest == nil || st.Report.Rate < lowest.Report.Rate) {
				lowest = &r.Steps[i]
			}
		}
		if lowest != nil {
			next = fmt.Sprintf("%g/s: %s", lowest.Report.Rate, lowest.Why)
		}
		if !ok {
			fmt.Fprintf(&b, "| %d | %d × %d (%d) | none of the rates tried | | | | | | | %s | |\n", r.Members, r.Rooms, r.Members, r.Streams, next)
			continue
		}
		d := best.Report
		fmt.Fprintf(&b, "| %d | %d × %d (%d) | **%g** (reached %.0f) | %.1f / %.1f | %.1f | %.0f | %.3f | %.1f | %.2f | %s | %s |\n",
			r.Members, r.Rooms, r.Members, r.Streams, d.Rate, d.PostRateAch, d.PostLatency.P50, d.PostLatency.P99, d.Latency.P99,
			d.DeliveriesPerS, cpuPerPostMS(d), d.CPUPerDeliveryUS, d.ServerCPU.Cores, next, d.ServerCPU.LoadAvg)
	}
	b.WriteString("\nEvery step:\n\n| Members | Offered (posts/s) | Reached | Posted / failed | Delivered | POST p50 / p99 (ms) | Receive p50 / p99 (ms) | First / last third receive p50 (ms) | CPU per post (ms) | per delivery (µs) | Sustained | Load average |\n")
	b.WriteString("|---:|---:|---:|---|---|---|---|---|---:|---:|---|---|\n")
	for _, r := range reps {
		for _, st := range r.Steps {
			d := st.Report
			verdict := "yes"
			if !st.Sustained {
				verdict = "no: " + st.Why
			}
			fmt.Fprintf(&b, "| %d | %g | %.0f | %d / %d | %d / %d | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.3f | %.1f | %s | %s |\n",
				r.Members, d.Rate, d.PostRateAch, d.Posted, d.PostFailed, d.Delivered, d.Expected, d.PostLatency.P50, d.PostLatency.P99,
				d.Latency.P50, d.Latency.P99, d.FirstThirdP50, d.LastThirdP50, cpuPerPostMS(d), d.CPUPerDeliveryUS, verdict, d.ServerCPU.LoadAvg)
		}
	}
	return b.String()
}

// roomsizeSVG plots, against members per room (log), the highest sustained
// posts/s on the left and the server's CPU per post on the right, both on
// log axes: a post costs about one delivery per member, so both lines are
// near straight with slope ±1 where delivery dominates.
func roomsizeSVG(reps []sweepReport) string {
	summary, _, _ := strings.Cut(roomsizeTable(reps), "\n\nEvery step")
	p := plot{
		Title:  "Posts per second against room size",
		Desc:   strings.ReplaceAll(strings.TrimSpace(summary), "\n", "; "),
		XLabel: "members per room",
		XLog:   true,
	}
	var rate, cpu []float64
	for _, r := range reps {
		p.X = append(p.X, float64(r.Members))
		best, ok := r.best()
		if !ok {
			rate, cpu = append(rate, math.NaN()), append(cpu, math.NaN())
			continue
		}
		rate = append(rate, best.Report.Rate)
		cpu = append(cpu, cpuPerPostMS(best.Report))
	}
	p.Left = plotAxis{Label: "posts/s sustained", Log: true, Series: []plotSeries{{Name: "highest posts/s sustained (left)", Color: plotColors[0], Y: rate}}}
	p.Right = &plotAxis{Label: "server CPU per post, ms", Log: true, Series: []plotSeries{{Name: "server CPU per post at that rate (ms, right)", Color: plotColors[1], Y: cpu}}}
	return p.svg()
}
