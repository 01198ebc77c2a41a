package handlers

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// cookieOf is the client's session cookie, as a Cookie header.
func cookieOf(c *client) string {
	u, _ := url.Parse(c.app.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == SessionCookie {
			return ck.Name + "=" + ck.Value
		}
	}
	return ""
}

// BenchmarkRoomPageWithImages compares GET /rooms/{id} (through the router,
// server time) for a page of 40 messages with a picture each and for a page
// of 40 text messages. The pictures are not fetched: the page carries their
// preview's address and size.
func BenchmarkRoomPageWithImages(b *testing.B) {
	a := newTestApp(b)
	ada := a.admin()
	ctx := context.Background()
	text, err := a.store.CreateClosedRoom(ctx, "Text", ada.user.ID, nil)
	if err != nil {
		b.Fatal(err)
	}
	pics, err := a.store.CreateClosedRoom(ctx, "Pictures", ada.user.ID, nil)
	if err != nil {
		b.Fatal(err)
	}
	photo := jpegBytes(b, 1600, 1000)
	for i := range 40 {
		line := fmt.Sprintf("message %d about the harbour at dawn", i)
		wantStatus(b, ada.post(text.Room.ID, line, fmt.Sprintf("t%d", i)), http.StatusSeeOther)
		wantStatus(b, ada.attach(pics.Room.ID, line, fmt.Sprintf("p%d", i), fmt.Sprintf("harbour-%d.jpg", i), photo), http.StatusSeeOther)
	}
	h, cookie := a.h.Routes(), cookieOf(ada)
	for _, r := range []struct {
		name string
		id   int64
	}{{"text", text.Room.ID}, {"images", pics.Room.ID}} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			benchGet(b, h, cookie, fmt.Sprintf("/rooms/%d", r.id))
		})
	}
}

// rssBytes is the process's resident memory (Linux).
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// BenchmarkUpload50MiB posts a 50 MiB file through a real connection and
// the router into the storage folder, the client streaming it as it goes,
// and reports the throughput and how far the process's resident memory
// grew above where it was before the upload (client and server share the
// process; the client holds one 1 MiB buffer).
func BenchmarkUpload50MiB(b *testing.B) {
	const size = 50 << 20
	a := newTestApp(b)
	ada := a.admin()
	room := a.allTalk()
	chunk := make([]byte, 1<<20)
	for i := range chunk {
		chunk[i] = byte(rand.Uint32())
	}
	var maxGrowth int64
	var total time.Duration
	n := 0
	for b.Loop() {
		n++
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			mw.WriteField("message[client_message_id]", fmt.Sprintf("big%d", n))
			fw, _ := mw.CreateFormFile("message[attachment]", "big.bin")
			for range size / len(chunk) {
				chunk[0] = byte(n) // a content of its own each time
				if _, err := fw.Write(chunk); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			pw.CloseWithError(mw.Close())
		}()
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+fmt.Sprintf("/rooms/%d/messages", room), pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())

		b.StopTimer()
		runtime.GC()
		debug.FreeOSMemory()
		base := rssBytes()
		var peak atomic.Int64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			t := time.NewTicker(2 * time.Millisecond)
			defer t.Stop()
			for {
				if r := rssBytes(); r > peak.Load() {
					peak.Store(r)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		res := ada.do(req)
		total += time.Since(start)
		close(stop)
		<-sampled
		if res.StatusCode != http.StatusSeeOther {
			b.Fatalf("upload: %d %s", res.StatusCode, readAll(b, res))
		}
		maxGrowth = max(maxGrowth, peak.Load()-base)
	}
	b.SetBytes(size)
	b.ReportMetric(float64(size*n)/(1<<20)/total.Seconds(), "MiB/s")
	b.ReportMetric(float64(maxGrowth)/(1<<20), "rss-growth-MiB")
}
