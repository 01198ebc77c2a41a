package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/campfire-go/campfire/internal/perf"
)

// postStats is what the posting side saw.
type postStats struct {
	Sent, Failed int
	Skipped      int     // arrivals not sent because too many posts were in flight
	LatencyUS    []int64 // POST round trips that succeeded
	Elapsed      time.Duration
	ErrSample    []string
}

// markBodies puts the send time in the message's text too, for receivers
// (bots) whose events carry no element id.
var markBodies bool

// postAtRate posts at a fixed arrival rate (open loop: a slow answer does not
// delay the next post) for the duration. who picks the poster and room of
// post i. The client message id carries the send time, so receivers in any
// process on this machine can time the delivery.
func postAtRate(ctx context.Context, base string, tokens map[int64]string, rate float64, dur time.Duration,
	who func(i int) (user, room int64)) postStats {
	hc := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4096, IdleConnTimeout: time.Minute},
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	vocab := perf.NewVocabulary(rng, 20_000)
	var (
		mu       sync.Mutex
		st       postStats
		inflight atomic.Int64
		wg       sync.WaitGroup
	)
	const maxInflight = 4096
	start := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= dur || ctx.Err() != nil {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		if inflight.Load() >= maxInflight {
			st.Skipped++
			continue
		}
		user, room := who(i)
		body := vocab.Sentence(rng)
		inflight.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer inflight.Add(-1)
			t := time.Now()
			cmid := fmt.Sprintf("t%dx%d", t.UnixNano(), i)
			if markBodies {
				body += " message_" + cmid
			}
			err := postVia(ctx, hc, base, tokens[user], room, body, cmid)
			d := time.Since(t)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				st.Failed++
				if len(st.ErrSample) < 5 {
					st.ErrSample = append(st.ErrSample, err.Error())
				}
				return
			}
			st.Sent++
			st.LatencyUS = append(st.LatencyUS, d.Microseconds())
		}()
	}
	wg.Wait()
	st.Elapsed = time.Since(start)
	return st
}

// postVia sends one post: to Campfire, or to the peer (peer.go).
var postVia = postOne

func postOne(ctx context.Context, hc *http.Client, base, token string, room int64, body, cmid string) error {
	form := url.Values{"message[body]": {body}, "message[client_message_id]": {cmid}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/rooms/%d/messages", base, room),
		strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Cookie", "session_token="+token)
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("post: status %d", res.StatusCode)
	}
	return nil
}
