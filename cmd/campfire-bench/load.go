package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/campfire-go/campfire/internal/perf"
)

// common are the flags every load command takes.
type common struct {
	base     string
	layout   string
	pid      int
	procs    int
	jsonOut  string
	lay      perf.Layout
	addr     string
	sessions string
	// peer names the server measured when it is not Campfire ("centrifugo",
	// peer.go); the layout is then unused.
	peer string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.base, "url", "http://127.0.0.1:3000", "the server (run it with CAMPFIRE_TRUST_PROXY=1)")
	fs.StringVar(&c.layout, "layout", "storage/bench.db.layout.json", "layout written by seed")
	fs.IntVar(&c.pid, "pid", 0, "server process id, to read its memory from /proc")
	fs.IntVar(&c.procs, "procs", 0, "worker processes (default: one per 9,000 streams)")
	fs.StringVar(&c.jsonOut, "json", "", "also write the results as JSON to this file")
	fs.StringVar(&c.peer, "peer", "", `"centrifugo": run the workload against Centrifugo at -url instead (fanout, idle, reconnect)`)
}

func (c *common) load(conns int) error {
	switch c.peer {
	case "", "centrifugo":
	default:
		return fmt.Errorf("unknown peer %q", c.peer)
	}
	if c.peer == "" {
		l, err := readLayout(c.layout)
		if err != nil {
			return fmt.Errorf("read layout (run seed first): %w", err)
		}
		c.lay = l
	}
	u, err := url.Parse(c.base)
	if err != nil {
		return err
	}
	c.addr = u.Host
	c.sessions = sessionsPath(c.layout)
	if c.procs <= 0 {
		c.procs = max(1, (conns+8999)/9000)
	}
	return nil
}

func (c *common) write(v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	fmt.Println(string(b))
	if c.jsonOut != "" {
		_ = os.WriteFile(c.jsonOut, b, 0o644)
	}
}

func usersOf(conns []connSpec, more ...int64) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, c := range conns {
		if c.Bot == "" && !seen[c.User] {
			seen[c.User] = true
			ids = append(ids, c.User)
		}
	}
	for _, id := range more {
		if !seen[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// deliveryReport is what fanout and post print.
type deliveryReport struct {
	Command        string   `json:"command"`
	Peer           string   `json:"peer,omitempty"`
	Streams        int      `json:"streams"`
	StreamErrors   int      `json:"stream_errors"`
	Rate           float64  `json:"rate_per_s"`
	DurationS      float64  `json:"duration_s"`
	Posted         int      `json:"posted"`
	PostFailed     int      `json:"post_failed"`
	PostSkipped    int      `json:"post_skipped"`
	PostRateAch    float64  `json:"posts_per_s"`
	PostLatency    dist     `json:"post_latency"`
	Delivered      int      `json:"delivered"`
	Expected       int      `json:"expected"`
	DeliveriesPerS float64  `json:"deliveries_per_s"`
	Latency        dist     `json:"receive_latency"`
	FirstThirdP50  float64  `json:"first_third_p50_ms"`
	LastThirdP50   float64  `json:"last_third_p50_ms"`
	Disconnects    int64    `json:"disconnects"`
	ErrSample      []string `json:"err_sample,omitempty"`
	MemBefore      memory   `json:"mem_before_kib"`
	MemConnected   memory   `json:"mem_connected_kib"`
	MemAfter       memory   `json:"mem_after_kib"`
	ServerCPU      cpuUse   `json:"server_cpu"`
	// CPUPerDeliveryUS is the server's CPU time over the posting window
	// divided by deliveries (by posts when nothing listens), in microseconds.
	CPUPerDeliveryUS float64 `json:"server_cpu_us_per_delivery"`
}

// deliver connects the streams, posts at the rate, and reports both sides.
func deliver(ctx context.Context, c *common, name string, conns []connSpec, posters []int64, rate float64,
	dur time.Duration, who func(i int) (int64, int64), perPost func(i int) int) (deliveryReport, error) {
	tokens := map[int64]string{}
	if c.peer == "" {
		var err error
		if tokens, err = signIn(ctx, c.base, c.sessions, usersOf(conns, posters...)); err != nil {
			return deliveryReport{}, err
		}
	}
	var err error
	rep := deliveryReport{Command: name, Rate: rate, DurationS: dur.Seconds(), MemBefore: readMemory(c.pid)}
	var p *pool
	if len(conns) > 0 {
		var ready []workerReport
		p, ready, err = startPool(workerSpec{Mode: "listen", Addr: c.addr, Tokens: tokens}, conns, c.procs)
		if err != nil {
			return rep, err
		}
		m := merged(ready)
		rep.Streams, rep.StreamErrors = m.Connected, m.Errors
		logf("%d streams open, %d failed %v", m.Connected, m.Errors, m.ErrSample)
	}
	rep.MemConnected = readMemory(c.pid)
	time.Sleep(time.Second)
	cpu0, t0 := readCPU(c.pid), time.Now()
	st := postAtRate(ctx, c.base, tokens, rate, dur, who)
	// Let the last deliveries arrive.
	time.Sleep(3 * time.Second)
	rep.ServerCPU = cpuBetween(cpu0, readCPU(c.pid), time.Since(t0))
	rep.MemAfter = readMemory(c.pid)
	rep.Posted, rep.PostFailed, rep.PostSkipped = st.Sent, st.Failed, st.Skipped
	rep.PostRateAch = float64(st.Sent) / st.Elapsed.Seconds()
	rep.PostLatency = summarize(st.LatencyUS)
	rep.ErrSample = st.ErrSample
	if p != nil {
		reps, err := p.stop()
		if err != nil {
			return rep, err
		}
		m := merged(reps)
		rep.Delivered = len(m.LatencyUS)
		rep.Disconnects = m.Disconnects
		rep.ErrSample = append(rep.ErrSample, m.ErrSample...)
		rep.DeliveriesPerS = float64(rep.Delivered) / st.Elapsed.Seconds()
		rep.Latency = summarize(m.LatencyUS)
		for i := 0; i < st.Sent; i++ {
			rep.Expected += perPost(i)
		}
		rep.FirstThirdP50, rep.LastThirdP50 = thirds(m.SentMS, m.LatencyUS)
	}
	if n := max(rep.Delivered, rep.Posted); n > 0 {
		rep.CPUPerDeliveryUS = rep.ServerCPU.RunS * 1e6 / float64(n)
	}
	return rep, nil
}

// thirds compares the median latency of messages sent in the first and the
// last third of the run: a growing backlog shows as a rising median.
func thirds(sentMS, latUS []int64) (first, last float64) {
	if len(sentMS) == 0 {
		return 0, 0
	}
	lo, hi := slices.Min(sentMS), slices.Max(sentMS)
	span := hi - lo
	var a, b []int64
	for i, s := range sentMS {
		switch {
		case s < lo+span/3:
			a = append(a, latUS[i])
		case s >= hi-span/3:
			b = append(b, latUS[i])
		}
	}
	return summarize(a).P50, summarize(b).P50
}

// fanoutPosters is how many members of the Fanout room take turns posting.
const fanoutPosters = 20

func fanoutCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fanout", flag.ExitOnError)
	var c common
	c.register(fs)
	n := fs.Int("conns", 1000, "streams on the Fanout room (one per member)")
	rate := fs.Float64("rate", 10, "posts per second")
	dur := fs.Duration("duration", 30*time.Second, "how long to post")
	budget := fs.Float64("max-deliveries", 0, "lower -rate so that rate × streams stays within this many deliveries a second (the same for every server measured); 0: no cap")
	fs.Parse(args)
	if err := c.load(*n); err != nil {
		return err
	}
	if r := cappedRate(*rate, *budget, *n); r != *rate {
		logf("%d streams: %g posts/s instead of %g, to stay within %g deliveries/s", *n, r, *rate, *budget)
		*rate = r
	}
	if c.peer != "" {
		postVia = publishPeer
		rep, err := deliver(ctx, &c, "fanout", peerConns(*n), nil, *rate, *dur,
			func(int) (int64, int64) { return 0, 0 }, func(int) int { return *n })
		if err != nil {
			return err
		}
		rep.Peer = c.peer
		c.write(rep)
		return nil
	}
	// Only members may open the room's stream: more streams than members
	// are several tabs of the same people (beyond 1,000 members, a 404 each
	// for the rest was counted as a failed stream).
	members := c.lay.FanoutMemberIDs(min(*n, c.lay.Users-1, c.lay.FanoutSize()))
	conns := make([]connSpec, 0, *n)
	for i := 0; i < *n; i++ {
		conns = append(conns, connSpec{User: members[i%len(members)], Room: c.lay.Fanout})
	}
	// Posts come from several members in turn, as in a busy room: one person
	// at 10 posts/s would be held back by the per-person post limit.
	posters := members[:min(len(members), fanoutPosters)]
	rep, err := deliver(ctx, &c, "fanout", conns, posters, *rate, *dur,
		func(i int) (int64, int64) { return posters[i%len(posters)], c.lay.Fanout },
		func(int) int { return len(conns) })
	if err != nil {
		return err
	}
	c.write(rep)
	return nil
}

// cappedRate is the post rate for a fan-out to n streams within budget
// deliveries a second, in steps of a tenth of a post per second so runs at
// the same stream count post at the same rate.
func cappedRate(rate, budget float64, n int) float64 {
	if budget <= 0 || n <= 0 || rate*float64(n) <= budget {
		return rate
	}
	return max(0.1, math.Floor(budget/float64(n)*10)/10)
}

func postCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("post", flag.ExitOnError)
	var c common
	c.register(fs)
	rooms := fs.Int("rooms", 100, "10-member rooms to post into")
	rate := fs.Float64("rate", 2000, "posts per second, spread over the rooms and their members")
	dur := fs.Duration("duration", 20*time.Second, "how long to post")
	listen := fs.Bool("listen", true, "connect every member of those rooms, so each post is delivered 10 times")
	fs.Parse(args)
	if err := c.load(0); err != nil {
		return err
	}
	k := min(*rooms, len(c.lay.Small))
	var conns []connSpec
	var posters []int64
	for i := 0; i < k; i++ {
		for _, u := range c.lay.SmallRoomMembers(i) {
			posters = append(posters, u)
			if *listen {
				conns = append(conns, connSpec{User: u, Room: c.lay.Small[i]})
			}
		}
	}
	if c.procs <= 0 || len(conns) > 0 {
		c.procs = max(c.procs, (len(conns)+8999)/9000)
	}
	rep, err := deliver(ctx, &c, "post", conns, posters, *rate, *dur,
		func(i int) (int64, int64) {
			room := i % k
			return c.lay.SmallRoomMembers(room)[(i/k)%10], c.lay.Small[room]
		}, func(int) int {
			if *listen {
				return 10
			}
			return 0
		})
	if err != nil {
		return err
	}
	c.write(rep)
	return nil
}

// spread assigns n streams to users round-robin, half on All Talk and half on
// the user's own 10-member room, as tabs of a real install would be.
func spread(l perf.Layout, n int, cursor bool) []connSpec {
	conns := make([]connSpec, 0, n)
	users := l.Users - 1
	for i := 0; i < n; i++ {
		u := int64(i%users + 2)
		room := l.AllTalk
		if k := int(u-2) / 10; i%2 == 1 && k < len(l.Small) {
			room = l.Small[k]
		}
		c := connSpec{User: u, Room: room}
		if cursor {
			c.LastEventID = l.Cursors[room]
		}
		conns = append(conns, c)
	}
	return conns
}

type idleReport struct {
	Command        string   `json:"command"`
	Peer           string   `json:"peer,omitempty"`
	Streams        int      `json:"streams"`
	ConnectErrors  int      `json:"connect_errors"`
	HoldS          float64  `json:"hold_s"`
	Disconnects    int64    `json:"disconnects"`
	Errors         int      `json:"errors_total"`
	ErrSample      []string `json:"err_sample,omitempty"`
	MemBefore      memory   `json:"mem_before_kib"`
	MemHeld        memory   `json:"mem_held_kib"`
	MemEnd         memory   `json:"mem_end_kib"`
	KiBPerConn     float64  `json:"kib_per_conn"`
	ServerCPU      cpuUse   `json:"server_cpu_connecting"`
	ConnectSeconds float64  `json:"connect_s"`
}

func idleCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("idle", flag.ExitOnError)
	var c common
	c.register(fs)
	n := fs.Int("conns", 10000, "idle streams to hold")
	hold := fs.Duration("hold", time.Minute, "how long to hold them")
	settle := fs.Duration("settle", 10*time.Second, "wait after connecting before reading memory")
	fs.Parse(args)
	if err := c.load(*n); err != nil {
		return err
	}
	conns, tokens := peerConns(*n), map[int64]string{}
	if c.peer == "" {
		var err error
		conns = spread(c.lay, *n, false)
		if tokens, err = signIn(ctx, c.base, c.sessions, usersOf(conns)); err != nil {
			return err
		}
	}
	rep := idleReport{Command: "idle", Peer: c.peer, HoldS: hold.Seconds(), MemBefore: readMemory(c.pid)}
	start, cpu0 := time.Now(), readCPU(c.pid)
	p, ready, err := startPool(workerSpec{Mode: "listen", Addr: c.addr, Tokens: tokens}, conns, c.procs)
	if err != nil {
		return err
	}
	rep.ConnectSeconds = time.Since(start).Seconds()
	rep.ServerCPU = cpuBetween(cpu0, readCPU(c.pid), time.Since(start))
	m := merged(ready)
	rep.Streams, rep.ConnectErrors = m.Connected, m.Errors
	logf("%d streams open in %.1fs, %d failed %v", m.Connected, rep.ConnectSeconds, m.Errors, m.ErrSample)
	time.Sleep(*settle)
	rep.MemHeld = readMemory(c.pid)
	if rep.Streams > 0 && rep.MemHeld.RSS > 0 {
		rep.KiBPerConn = float64(rep.MemHeld.RSS-rep.MemBefore.RSS) / float64(rep.Streams)
	}
	logf("server %s; %.1f KiB per stream; holding for %s", rep.MemHeld, rep.KiBPerConn, *hold)
	select {
	case <-time.After(*hold - min(*hold, *settle)):
	case <-ctx.Done():
	}
	rep.MemEnd = readMemory(c.pid)
	reps, err := p.stop()
	if err != nil {
		return err
	}
	end := merged(reps)
	rep.Disconnects = end.Disconnects
	rep.Errors = end.Errors
	rep.ErrSample = append(m.ErrSample, end.ErrSample...)
	c.write(rep)
	return nil
}

type reconnectReport struct {
	Command      string   `json:"command"`
	Peer         string   `json:"peer,omitempty"`
	Streams      int      `json:"streams"`
	StreamTokens bool     `json:"stream_tokens"`
	GotFirst     int      `json:"got_first_event"`
	Errors       int      `json:"errors"`
	ErrSample    []string `json:"err_sample,omitempty"`
	FirstEvent   dist     `json:"first_event"`
	Spread       string   `json:"spread"`
	LastLiveMS   float64  `json:"last_live_ms"` // "go" to the last stream's first event
	MemBefore    memory   `json:"mem_before_kib"`
	MemAfter     memory   `json:"mem_after_kib"`
	ServerCPU    cpuUse   `json:"server_cpu"`
	// The CPU time of a reconnect, the server's and the load tool's own
	// (its workers, which share the machine), from "go" to the last first
	// event, in milliseconds.
	ServerCPUPerReconnectMS float64 `json:"server_cpu_ms_per_reconnect"`
	ToolCPUS                float64 `json:"tool_cpu_s"`
	ToolCPUPerReconnectMS   float64 `json:"tool_cpu_ms_per_reconnect"`
	// MachineBusyCores is how many of the machine's CPUs were busy over
	// the storm, everyone's work together (from /proc/stat).
	MachineBusyCores float64 `json:"machine_busy_cores"`
	// ListenOverflows is how many connects found the machine's accept
	// queues full over the storm (each waits the kernel's 1 s retry).
	ListenOverflows int64 `json:"listen_overflows"`
}

func reconnectCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reconnect", flag.ExitOnError)
	var c common
	c.register(fs)
	n := fs.Int("conns", 10000, "streams connecting at once")
	spreadOver := fs.Duration("spread", 0, "each stream reconnects after a uniform random part of this (the server's SSE retry jitter, 2s); 0: all at once")
	hold := fs.Duration("hold", 0, "keep the streams open this long after the storm before closing them (so a server profile taken over the storm does not include their ends)")
	profile := fs.String("cpuprofile", "", "write the load tool's CPU profile over the storm here (FILE.k for worker k when there are several)")
	pageURLs := fs.Bool("stream-tokens", true, "reconnect to the stream address the room page gives (with its token), as a browser does; false: the address without a token")
	fs.Parse(args)
	if err := c.load(*n); err != nil {
		return err
	}
	var conns []connSpec
	tokens := map[int64]string{}
	if c.peer != "" {
		// The peer's streams recover the channel's last publications from
		// the offset before them, as Campfire's replay events after a cursor.
		var err error
		if conns, err = peerRecoveringConns(ctx, c.base, *n); err != nil {
			return err
		}
		*pageURLs = false
	} else {
		conns = spread(c.lay, *n, true)
		var err error
		if tokens, err = signIn(ctx, c.base, c.sessions, usersOf(conns)); err != nil {
			return err
		}
		if *pageURLs {
			if err := pageStreamPaths(ctx, c.base, tokens, conns); err != nil {
				return err
			}
		}
	}
	rep := reconnectReport{Command: "reconnect", Peer: c.peer, Streams: len(conns), StreamTokens: *pageURLs, MemBefore: readMemory(c.pid)}
	p, _, err := startPool(workerSpec{Mode: "storm", Addr: c.addr, Tokens: tokens, Spread: *spreadOver, CPUProfile: *profile}, conns, c.procs)
	if err != nil {
		return err
	}
	logf("storm: %d streams with Last-Event-ID over %d processes", len(conns), len(p.procs))
	cpu0, busy0, over0, t0 := readCPU(c.pid), machineBusy(), listenOverflows(), time.Now()
	p.send("go")
	if _, err := p.reports(); err != nil {
		return err
	}
	rep.ServerCPU = cpuBetween(cpu0, readCPU(c.pid), time.Since(t0))
	rep.MachineBusyCores = (machineBusy() - busy0).Seconds() / time.Since(t0).Seconds()
	rep.ListenOverflows = listenOverflows() - over0
	rep.MemAfter = readMemory(c.pid)
	select {
	case <-time.After(*hold):
	case <-ctx.Done():
	}
	reps, err := p.stop()
	if err != nil {
		return err
	}
	m := merged(reps)
	rep.GotFirst = len(m.FirstUS)
	rep.Errors = m.Errors
	rep.ErrSample = m.ErrSample
	// A stream that never got its first event counts at the worst possible time.
	first := m.FirstUS
	for len(first) < len(conns) {
		first = append(first, 60_000_000)
	}
	rep.FirstEvent = summarize(first)
	rep.Spread = spreadOver.String()
	rep.LastLiveMS = float64(m.LastLiveUS) / 1000
	rep.ToolCPUS = float64(m.CPUUS) / 1e6
	if n := float64(len(conns)); n > 0 {
		rep.ServerCPUPerReconnectMS = rep.ServerCPU.RunS * 1000 / n
		rep.ToolCPUPerReconnectMS = rep.ToolCPUS * 1000 / n
	}
	c.write(rep)
	return nil
}
