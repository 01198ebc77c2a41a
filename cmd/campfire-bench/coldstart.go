package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"time"
)

type coldReport struct {
	Command string    `json:"command"`
	Runs    []float64 `json:"runs_ms"`
	Median  float64   `json:"median_ms"`
}

// coldstartCmd starts the server binary on a seeded database and times, from
// the process start, until a room page answers 200; then stops it. Repeated.
func coldstartCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("coldstart", flag.ExitOnError)
	var c common
	c.register(fs)
	bin := fs.String("server", "bin/campfire", "the server binary")
	dbPath := fs.String("db", "storage/bench.db", "the seeded database")
	runs := fs.Int("runs", 5, "how many starts")
	port := fs.Int("port", 3918, "port to serve on")
	fs.Parse(args)
	if c.layout == "storage/bench.db.layout.json" {
		c.layout = *dbPath + ".layout.json"
	}
	if err := c.load(0); err != nil {
		return err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", *port)
	start := func() (*exec.Cmd, error) {
		cmd := exec.Command(*bin, "serve")
		cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", *port), "CAMPFIRE_DB="+*dbPath,
			"CAMPFIRE_TRUST_PROXY=1", "CAMPFIRE_LOG_LEVEL=warn")
		cmd.Stderr = os.Stderr
		return cmd, cmd.Start()
	}
	stop := func(cmd *exec.Cmd) {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}
	// A session made once, on a running server.
	cmd, err := start()
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := 0; i < 500; i++ {
		if res, err := hc.Get(base + "/up"); err == nil {
			res.Body.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	tokens, err := signIn(ctx, base, sessionsPath(c.layout)+".cold", []int64{2})
	stop(cmd)
	if err != nil {
		return err
	}
	page := fmt.Sprintf("%s/rooms/%d", base, c.lay.History)
	if _, err := url.Parse(page); err != nil {
		return err
	}
	rep := coldReport{Command: "coldstart"}
	for r := 0; r < *runs; r++ {
		t := time.Now()
		cmd, err := start()
		if err != nil {
			return err
		}
		var took time.Duration
		for time.Since(t) < 30*time.Second {
			req, _ := http.NewRequest(http.MethodGet, page, nil)
			req.Header.Set("Cookie", "session_token="+tokens[2])
			res, err := hc.Do(req)
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					took = time.Since(t)
					break
				}
			}
			time.Sleep(time.Millisecond)
		}
		stop(cmd)
		if took == 0 {
			return fmt.Errorf("run %d: no room page within 30s", r)
		}
		rep.Runs = append(rep.Runs, float64(took.Microseconds())/1000)
		logf("cold start %d: %s", r+1, took.Round(100*time.Microsecond))
	}
	us := make([]int64, len(rep.Runs))
	for i, v := range rep.Runs {
		us[i] = int64(v * 1000)
	}
	rep.Median = summarize(us).P50
	c.write(rep)
	return nil
}
