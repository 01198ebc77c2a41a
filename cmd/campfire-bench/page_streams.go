package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"time"
)

var sseConnect = regexp.MustCompile(`sse-connect="([^"]+)"`)

// pageStreamPaths gives each stream the address its room page names (with
// the page's stream token), as a browser's tab reconnects to it. The page's
// after= is reset to 0 so the stream's Last-Event-ID alone sets the replay,
// as before tokens.
func pageStreamPaths(ctx context.Context, base string, sessions map[int64]string, conns []connSpec) error {
	start := time.Now()
	type key struct{ user, room int64 }
	paths := map[key]string{}
	var todo []key
	for _, c := range conns {
		k := key{c.User, c.Room}
		if _, ok := paths[k]; !ok {
			paths[k] = ""
			todo = append(todo, k)
		}
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var mu sync.Mutex
	var firstErr error
	work := make(chan key)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				p, err := pageStreamPath(ctx, hc, base, sessions[k.user], k.room)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("room page of user %d, room %d: %w", k.user, k.room, err)
				}
				paths[k] = p
				mu.Unlock()
			}
		}()
	}
	for _, k := range todo {
		work <- k
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	for i := range conns {
		conns[i].Path = paths[key{conns[i].User, conns[i].Room}]
	}
	logf("read %d room pages' stream addresses in %s", len(todo), time.Since(start).Round(time.Millisecond))
	return nil
}

func pageStreamPath(ctx context.Context, hc *http.Client, base, session string, room int64) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/rooms/%d", base, room), nil)
	req.Header.Set("Cookie", "session_token="+session)
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", res.StatusCode)
	}
	m := sseConnect.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no sse-connect on the page")
	}
	u, err := url.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("after", "0")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
