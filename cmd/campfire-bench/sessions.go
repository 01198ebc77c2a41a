package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campfire-go/campfire/internal/perf"
)

// signIn signs users in through POST /session, as a browser would, and keeps
// the session tokens in a file so later runs reuse them. The server allows 10
// sign-ins per address per 3 minutes, so it must run with
// CAMPFIRE_TRUST_PROXY=1: each user claims its own X-Forwarded-For address.
func signIn(ctx context.Context, base, cachePath string, ids []int64) (map[int64]string, error) {
	tokens := map[int64]string{}
	if b, err := os.ReadFile(cachePath); err == nil {
		_ = json.Unmarshal(b, &tokens)
	}
	var todo []int64
	for _, id := range ids {
		if tokens[id] == "" {
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 {
		return tokens, nil
	}
	start := time.Now()
	hc := &http.Client{
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 16},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var mu sync.Mutex
	var firstErr error
	work := make(chan int64)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				tok, err := signInOne(ctx, hc, base, id)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					tokens[id] = tok
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range todo {
		work <- id
	}
	close(work)
	wg.Wait()
	b, _ := json.Marshal(tokens)
	if err := os.WriteFile(cachePath, b, 0o600); err != nil {
		return nil, err
	}
	logf("signed in %d users in %s", len(todo), time.Since(start).Round(time.Millisecond))
	return tokens, firstErr
}

func signInOne(ctx context.Context, hc *http.Client, base string, id int64) (string, error) {
	form := url.Values{"email_address": {perf.Email(id)}, "password": {perf.Password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/session", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", fakeIP(id))
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in user %d: status %d", id, res.StatusCode)
	}
	for _, c := range res.Cookies() {
		if c.Name == "session_token" {
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("sign in user %d: no session cookie", id)
}

// fakeIP is the address user id claims, unique per user (documentation and
// private ranges; the server only counts sign-ins by it).
func fakeIP(id int64) string {
	return "10." + strconv.FormatInt(id>>16&255, 10) + "." + strconv.FormatInt(id>>8&255, 10) + "." + strconv.FormatInt(id&255, 10)
}
