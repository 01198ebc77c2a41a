package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// connSpec is one stream a worker opens: whose session, which room, which cursor.
type connSpec struct {
	User        int64 `json:"u"`
	Room        int64 `json:"r"`
	LastEventID int64 `json:"l,omitempty"`
	// Path, when set, is the stream's address as the room page gave it
	// (with its stream token); otherwise the address without a token.
	Path string `json:"p,omitempty"`
	// Bot, when set, is a bot key: the stream is that bot's own (User and
	// Room are unused).
	Bot string `json:"b,omitempty"`
}

// workerSpec is what a parent asks of one worker process.
type workerSpec struct {
	Mode   string           `json:"mode"` // "listen": hold streams and time messages; "storm": connect all at "go"
	Addr   string           `json:"addr"` // the server, host:port
	Local  string           `json:"local"`
	Conns  []connSpec       `json:"conns"`
	Tokens map[int64]string `json:"tokens"`
	// Spread (storm): each stream waits a uniform random part of it before
	// connecting, as tabs told a jittered SSE retry come back after a
	// restart. Its first event is then timed from its own dial.
	Spread time.Duration `json:"spread,omitempty"`
	// CPUProfile (storm): write this worker's CPU profile from "go" until
	// every stream has its first event to this file.
	CPUProfile string `json:"cpuprofile,omitempty"`
}

// workerReport is every line a worker writes to its parent.
type workerReport struct {
	Ready       bool     `json:"ready,omitempty"`
	Connected   int      `json:"connected"`
	Errors      int      `json:"errors"`
	ErrSample   []string `json:"err_sample,omitempty"`
	Events      int64    `json:"events"`
	Disconnects int64    `json:"disconnects"`
	LatencyUS   []int64  `json:"latency_us,omitempty"`   // per delivered timed message
	SentMS      []int64  `json:"sent_ms,omitempty"`      // its send time, Unix ms
	FirstUS     []int64  `json:"first_us,omitempty"`     // storm: dial (with no spread: "go") to first event, per stream
	LastLiveUS  int64    `json:"last_live_us,omitempty"` // storm: "go" to the last stream's first event
	// CPUUS (storm) is the worker's own CPU time from "go" until every
	// stream has its first event: the load tool shares the server's cores.
	CPUUS int64 `json:"cpu_us,omitempty"`
}

type errLog struct {
	mu     sync.Mutex
	n      int
	sample []string
}

func (e *errLog) add(err error) {
	e.mu.Lock()
	e.n++
	if len(e.sample) < 5 {
		e.sample = append(e.sample, err.Error())
	}
	e.mu.Unlock()
}

// workerMain is one load process: it reads its spec from stdin, reports ready,
// and waits for "go" (storm) and "stop" lines.
func workerMain(ctx context.Context, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<20), 64<<20)
	if !sc.Scan() {
		return fmt.Errorf("worker: no spec")
	}
	var spec workerSpec
	if err := json.Unmarshal(sc.Bytes(), &spec); err != nil {
		return fmt.Errorf("worker: spec: %w", err)
	}
	enc := json.NewEncoder(out)
	d := &net.Dialer{Timeout: 30 * time.Second}
	if spec.Local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(spec.Local)}
	}
	lines := make(chan string)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor := func(word string) {
		for l := range lines {
			if l == word {
				return
			}
		}
	}

	var (
		errs        errLog
		events      atomic.Int64
		disconnects atomic.Int64
		stopping    atomic.Bool
		mu          sync.Mutex
		lat, sent   []int64
		streams     []*stream
	)
	read := func(s *stream, first func()) {
		ev := event{data: make([]byte, 0, 4096)}
		var mine, mineSent []int64
		defer func() {
			mu.Lock()
			lat, sent = append(lat, mine...), append(sent, mineSent...)
			mu.Unlock()
		}()
		for {
			if err := s.next(&ev); err != nil {
				if !stopping.Load() {
					disconnects.Add(1)
					errs.add(fmt.Errorf("stream ended: %w", err))
				}
				return
			}
			now := time.Now().UnixNano()
			events.Add(1)
			if first != nil {
				first()
				first = nil
			}
			// Unnamed events come only from the peer, whose publications
			// carry the same marker.
			if ev.name == "message" || ev.name == "message_created" || ev.name == "" {
				if t, ok := sentAt(ev.data); ok {
					mine = append(mine, (now-t)/1000)
					mineSent = append(mineSent, t/1_000_000)
				}
			}
		}
	}
	var wg sync.WaitGroup
	connect := func(c connSpec, dctx context.Context) (*stream, error) {
		if c.Bot != "" {
			return dialBotStream(dctx, d, spec.Addr, c.Bot, c.LastEventID)
		}
		tok := spec.Tokens[c.User]
		if c.Path != "" {
			cookie := ""
			if tok != "" {
				cookie = "session_token=" + tok
			}
			return dialPath(dctx, d, spec.Addr, c.Path, cookie, c.LastEventID)
		}
		if tok == "" {
			return nil, fmt.Errorf("no session for user %d", c.User)
		}
		return dialStream(dctx, d, spec.Addr, tok, c.Room, c.LastEventID)
	}

	rep := workerReport{}
	switch spec.Mode {
	case "listen":
		sem := make(chan struct{}, 64)
		var smu sync.Mutex
		for _, c := range spec.Conns {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				dctx, cancel := context.WithTimeout(ctx, 60*time.Second)
				s, err := connect(c, dctx)
				cancel()
				<-sem
				if err != nil {
					errs.add(err)
					return
				}
				smu.Lock()
				streams = append(streams, s)
				smu.Unlock()
				wg.Add(1)
				go func() { defer wg.Done(); read(s, nil) }()
			}()
		}
		// Every dial has returned once each stream is open or has failed.
		for {
			smu.Lock()
			n := len(streams)
			smu.Unlock()
			errs.mu.Lock()
			e := errs.n
			errs.mu.Unlock()
			if n+e >= len(spec.Conns) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		rep.Ready, rep.Connected = true, len(streams)
		errs.mu.Lock()
		rep.Errors, rep.ErrSample = errs.n, errs.sample
		errs.mu.Unlock()
		_ = enc.Encode(rep)
		waitFor("stop")
	case "storm":
		// Everything but the storm itself is done before "go": the requests
		// are made, and a stream's goroutine does its dial, its parse and
		// its draining (storm_client.go).
		reqs := make([][]byte, len(spec.Conns))
		for i, c := range spec.Conns {
			reqs[i] = stormRequestFor(spec, c)
		}
		first := make([]int64, len(spec.Conns))
		conns := make([]*stormConn, len(spec.Conns))
		_ = enc.Encode(workerReport{Ready: true})
		waitFor("go")
		start, cpu0 := time.Now(), selfCPU()
		stopProfile, err := startProfile(spec.CPUProfile)
		if err != nil {
			return err
		}
		var got sync.WaitGroup
		var last atomic.Int64
		got.Add(len(spec.Conns))
		for i := range spec.Conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dialed := start
				if spec.Spread > 0 {
					time.Sleep(rand.N(spec.Spread))
					dialed = time.Now()
				}
				s, body, err := stormDial(d, spec.Addr, reqs[i], dialed.Add(60*time.Second))
				if err == nil {
					conns[i] = s
					err = s.firstEvent(body)
				}
				if err != nil {
					errs.add(err)
					got.Done()
					return
				}
				now := time.Now()
				first[i] = now.Sub(dialed).Microseconds()
				for l := last.Load(); now.Sub(start).Microseconds() > l; l = last.Load() {
					if last.CompareAndSwap(l, now.Sub(start).Microseconds()) {
						break
					}
				}
				got.Done()
				if err := s.drain(); err != nil && !stopping.Load() {
					disconnects.Add(1)
					errs.add(fmt.Errorf("stream ended: %w", err))
				}
			}()
		}
		got.Wait()
		rep.CPUUS = (selfCPU() - cpu0).Microseconds()
		stopProfile()
		rep.LastLiveUS = last.Load()
		for _, f := range first {
			if f > 0 {
				rep.FirstUS = append(rep.FirstUS, f)
			}
		}
		rep.Connected = len(rep.FirstUS)
		_ = enc.Encode(workerReport{Ready: true, Connected: rep.Connected, CPUUS: rep.CPUUS}) // "done" marker
		waitFor("stop")
		stopping.Store(true)
		for _, s := range conns {
			if s != nil {
				s.close()
			}
		}
	default:
		return fmt.Errorf("worker: unknown mode %q", spec.Mode)
	}

	stopping.Store(true)
	for _, s := range streams {
		s.close()
	}
	wg.Wait()
	rep.Ready = false
	rep.Events, rep.Disconnects = events.Load(), disconnects.Load()
	errs.mu.Lock()
	rep.Errors, rep.ErrSample = errs.n, errs.sample
	errs.mu.Unlock()
	if spec.Mode == "listen" {
		rep.LatencyUS, rep.SentMS = lat, sent
	} else {
		rep.LatencyUS = nil
	}
	return enc.Encode(rep)
}

// stormRequestFor is the request of one storm stream, as connect makes it.
func stormRequestFor(spec workerSpec, c connSpec) []byte {
	switch {
	case c.Bot != "":
		return stormRequest(spec.Addr, "/bots/"+c.Bot+"/events", "", c.LastEventID)
	case c.Path != "":
		cookie := ""
		if tok := spec.Tokens[c.User]; tok != "" {
			cookie = "session_token=" + tok
		}
		return stormRequest(spec.Addr, c.Path, cookie, c.LastEventID)
	}
	return stormRequest(spec.Addr, fmt.Sprintf("/events?room_id=%d&after=0", c.Room), "session_token="+spec.Tokens[c.User], c.LastEventID)
}

// pool is the parent's view of its worker processes.
type pool struct {
	procs []*workerProc
}

type workerProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *json.Decoder
}

// startPool splits conns over n workers, each dialling from its own loopback
// address, and waits until each reports ready (listen: all its streams open).
//
// The addresses are new for every run (127.<run>.<run>.<10+k>): the sockets
// of a run that just ended linger in TIME_WAIT, and reusing their source
// addresses made the next run's connects search the kernel's port table,
// which starved the server under test and timed its requests out.
func startPool(base workerSpec, conns []connSpec, n int) (*pool, []workerReport, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	n = max(1, min(n, len(conns)))
	run := rand.N(250*250) + 1
	p := &pool{}
	for k := 0; k < n; k++ {
		spec := base
		spec.Local = fmt.Sprintf("127.%d.%d.%d", run/250+1, run%250+1, 10+k)
		spec.Conns = nil
		if base.CPUProfile != "" && n > 1 {
			spec.CPUProfile = fmt.Sprintf("%s.%d", base.CPUProfile, k)
		}
		for i := k; i < len(conns); i += n {
			spec.Conns = append(spec.Conns, conns[i])
		}
		tokens := map[int64]string{}
		for _, c := range spec.Conns {
			tokens[c.User] = base.Tokens[c.User]
		}
		spec.Tokens = tokens
		cmd := exec.Command(exe, "worker")
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return nil, nil, err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return nil, nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, nil, err
		}
		b, _ := json.Marshal(spec)
		if _, err := stdin.Write(append(b, '\n')); err != nil {
			return nil, nil, err
		}
		p.procs = append(p.procs, &workerProc{cmd: cmd, stdin: stdin, out: json.NewDecoder(bufio.NewReaderSize(stdout, 1<<20))})
	}
	reps, err := p.reports()
	return p, reps, err
}

// reports reads the next report line of every worker.
func (p *pool) reports() ([]workerReport, error) {
	out := make([]workerReport, len(p.procs))
	for i, w := range p.procs {
		if err := w.out.Decode(&out[i]); err != nil {
			return nil, fmt.Errorf("worker %d: %w", i, err)
		}
	}
	return out, nil
}

func (p *pool) send(word string) {
	for _, w := range p.procs {
		_, _ = io.WriteString(w.stdin, word+"\n")
	}
}

// stop asks every worker for its final report and waits for it to exit.
func (p *pool) stop() ([]workerReport, error) {
	p.send("stop")
	reps, err := p.reports()
	for _, w := range p.procs {
		w.stdin.Close()
		_ = w.cmd.Wait()
	}
	return reps, err
}

// merged adds up workers' reports.
func merged(reps []workerReport) workerReport {
	var m workerReport
	for _, r := range reps {
		m.Connected += r.Connected
		m.Errors += r.Errors
		m.Events += r.Events
		m.Disconnects += r.Disconnects
		m.LatencyUS = append(m.LatencyUS, r.LatencyUS...)
		m.SentMS = append(m.SentMS, r.SentMS...)
		m.FirstUS = append(m.FirstUS, r.FirstUS...)
		m.LastLiveUS = max(m.LastLiveUS, r.LastLiveUS)
		m.CPUUS += r.CPUUS
		if len(m.ErrSample) < 5 {
			m.ErrSample = append(m.ErrSample, r.ErrSample...)
		}
	}
	return m
}
