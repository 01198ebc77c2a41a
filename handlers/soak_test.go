//go:build soak

package handlers

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/live"
)

// TestSoak runs the real app for SOAK_DURATION (default 10m) under churning
// connections: people open streams, read for a while and leave, some leave
// abruptly, some stop reading and must be evicted, and everyone posts. It
// samples goroutines and memory at intervals and checks that, once the load
// stops, streams and goroutines return to where they started and the heap
// has not grown with the traffic. Run with `make soak`.
func TestSoak(t *testing.T) {
	duration := 10 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SOAK_DURATION: %v", err)
		}
		duration = d
	}
	const people = 24
	// The stream limits of production (internal/app): a stream whose place
	// was not given back would show as refusals within minutes of churn.
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(_ *Config, o *live.Options) {
		o.Buffer = 16
		o.Limits = live.Limits{PerUser: 32, PerAddress: 512, Total: 768}
	})
	admin := a.admin()
	room := a.allTalk()
	clients := []*client{admin}
	for i := 1; i < people; i++ {
		clients = append(clients, a.member(fmt.Sprintf("Soak Person %02d", i)))
	}
	// Per-client transports, so closing idle connections is per person.
	for _, c := range clients {
		c.http.Transport = &http.Transport{MaxIdleConnsPerHost: 4}
	}

	settle := func() (int, uint64, int64) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return runtime.NumGoroutine(), ms.HeapInuse, rssKB()
	}
	baseGoroutines, baseHeap, baseRSS := settle()

	var posted, postErrors, streamsOpened, streamsStuck, eventsRead atomic.Int64
	refused = &atomic.Int64{}
	ctx, stop := context.WithTimeout(context.Background(), duration)
	defer stop()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			for n := 0; ctx.Err() == nil; n++ {
				switch k := rng.IntN(20); {
				case k == 0:
					// Stop reading: the hub must evict this stream.
					streamsStuck.Add(1)
					soakStream(ctx, c, room, 0, rng, true, &eventsRead)
				case k < 8:
					streamsOpened.Add(1)
					// Half reconnect with a cursor a little behind, and replay.
					after := int64(0)
					if rng.IntN(2) == 0 {
						after = max(1, a.hub.LastEventID()-int64(rng.IntN(50)))
					}
					soakStream(ctx, c, room, after, rng, false, &eventsRead)
				default:
					form := url.Values{"message[body]": {fmt.Sprintf("soak %d from %d: %s", n, i, strings.Repeat("word ", rng.IntN(60)))},
						"message[client_message_id]": {fmt.Sprintf("soak-%d-%d", i, n)}}
					res, err := c.http.PostForm(c.app.srv.URL+fmt.Sprintf("/rooms/%d/messages", room), form)
					if err != nil || res.StatusCode != http.StatusSeeOther {
						postErrors.Add(1)
					} else {
						posted.Add(1)
					}
					if res != nil {
						res.Body.Close()
					}
					sleepCtx(ctx, time.Duration(50+rng.IntN(200))*time.Millisecond)
				}
			}
		}()
	}

	interval := max(duration/10, time.Second)
	start := time.Now()
	t.Logf("%8s %10s %8s %10s %10s %8s %8s %8s %8s", "elapsed", "goroutines", "streams", "heap MiB", "RSS MiB", "posted", "opened", "stuck", "events")
	var samples []uint64
	tick := time.NewTicker(interval)
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			g, heap, rss := settle()
			samples = append(samples, heap)
			t.Logf("%8s %10d %8d %10.1f %10.1f %8d %8d %8d %8d", time.Since(start).Round(time.Second), g, a.hub.Connections(),
				float64(heap)/(1<<20), float64(rss)/1024, posted.Load(), streamsOpened.Load(), streamsStuck.Load(), eventsRead.Load())
		}
	}
	tick.Stop()
	wg.Wait()
	for _, c := range clients {
		c.http.CloseIdleConnections()
	}

	// Once everyone has left, streams and goroutines return to the start.
	deadline := time.Now().Add(60 * time.Second)
	var g int
	var heap uint64
	var rss int64
	for {
		g, heap, rss = settle()
		if a.hub.Connections() == 0 && g <= baseGoroutines+5 {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("after the load: %d streams, %d goroutines (started with %d)\n%s", a.hub.Connections(), g, baseGoroutines, buf[:n])
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("after: goroutines %d (start %d), heap %.1f MiB (start %.1f), RSS %.1f MiB (start %.1f); posted %d, post errors %d, streams %d, stuck %d, refused %d, events %d",
		g, baseGoroutines, float64(heap)/(1<<20), float64(baseHeap)/(1<<20), float64(rss)/1024, float64(baseRSS)/1024,
		posted.Load(), postErrors.Load(), streamsOpened.Load(), streamsStuck.Load(), refused.Load(), eventsRead.Load())

	if refused.Load() > 0 {
		t.Errorf("%d streams refused over a limit that one tab per person never reaches", refused.Load())
	}
	if postErrors.Load() > 0 {
		t.Errorf("%d posts failed", postErrors.Load())
	}
	if posted.Load() == 0 || streamsOpened.Load() == 0 || streamsStuck.Load() == 0 {
		t.Fatal("the load did not run")
	}
	if got := a.countMessages(t); int64(got) != posted.Load() {
		t.Errorf("%d messages stored, %d acknowledged", got, posted.Load())
	}
	// The heap after the load may hold caches, never the traffic: compare
	// with the first sample, taken once every path had run.
	if len(samples) > 0 && heap > 2*samples[0]+16<<20 {
		t.Errorf("heap grew with the traffic: %.1f MiB after, %.1f MiB at the first sample",
			float64(heap)/(1<<20), float64(samples[0])/(1<<20))
	}
}

// soakStream opens a stream, reads it for a while (or, when stuck, reads
// nothing) and goes away, sometimes abruptly.
// refused counts streams answered 429 (over a stream limit).
var refused *atomic.Int64

func soakStream(ctx context.Context, c *client, room, after int64, rng *rand.Rand, stuck bool, events *atomic.Int64) {
	sctx, cancel := context.WithTimeout(ctx, time.Duration(200+rng.IntN(3000))*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(sctx, http.MethodGet,
		fmt.Sprintf("%s/events?room_id=%d&after=%d", c.app.srv.URL, room, after), nil)
	req.Header.Set("X-Forwarded-For", c.ip)
	hc := *c.http
	hc.Timeout = 0
	res, err := hc.Do(req)
	if err != nil {
		return
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusTooManyRequests {
		refused.Add(1)
		return
	}
	if stuck {
		// Hold the connection without reading until the server gives up on
		// it or our time is up.
		<-sctx.Done()
		return
	}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "event: ") {
			events.Add(1)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// rssKB is the process's resident set in KiB (Linux), including SQLite's
// memory, which the Go heap figures leave out.
func rssKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}
