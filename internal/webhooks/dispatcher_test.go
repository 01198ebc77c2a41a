package webhooks

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

type replyCall struct {
	botID, roomID int64
	text          string
}

// replies returns a Reply that records into a channel the test can read.
func replies() (Reply, chan replyCall) {
	ch := make(chan replyCall, 64)
	return func(_ context.Context, botID, roomID int64, text string) {
		ch <- replyCall{botID, roomID, text}
	}, ch
}

// recv is a hang guard, not a timing assertion: the reply is expected.
func recv(t *testing.T, ch <-chan replyCall) replyCall {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no reply")
		return replyCall{}
	}
}

func waitDone(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not finish", what)
	}
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestTextAnswerBecomesReply(t *testing.T) {
	payload := []byte(`{"message":{"id":1}}`)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || string(body) != string(payload) {
			t.Errorf("got %s %q %q", r.Method, r.Header.Get("Content-Type"), body)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "  Deployed \xff!\n\n")
	})
	reply, ch := replies()
	d := New(srv.Client(), 7*time.Second, 2, 8, reply, nil)
	defer d.Close()

	if !d.Enqueue(Delivery{BotID: 4, RoomID: 5, URL: srv.URL, Payload: payload}) {
		t.Fatal("Enqueue refused")
	}
	got := recv(t, ch)
	if got != (replyCall{4, 5, "Deployed \uFFFD!"}) {
		t.Fatalf("reply = %+v", got)
	}
}

func TestAnswersThatAreNotReplies(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"json": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"text":"hi"}`)
		},
		"201 text": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, "hi")
		},
		"500 text": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		},
		"blank text": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, " \n\t ")
		},
		"no content type": func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // stop sniffing
			io.WriteString(w, "hi")
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			srv := serve(t, h)
			reply, ch := replies()
			d := New(srv.Client(), 7*time.Second, 1, 4, reply, nil)
			d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: srv.URL, Payload: []byte("{}")})
			d.Close() // drains: the delivery has finished once this returns
			if len(ch) != 0 {
				t.Fatalf("unexpected reply %+v", <-ch)
			}
			if st := d.Stats(); st.Silent != 1 {
				t.Fatalf("stats = %+v", st)
			}
		})
	}
}

func TestSlowBotGetsTimeoutReply(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	reply, ch := replies()
	d := New(srv.Client(), 200*time.Millisecond, 1, 4, reply, nil)
	defer d.Close()

	d.Enqueue(Delivery{BotID: 2, RoomID: 3, URL: srv.URL, Payload: []byte("{}")})
	if got := recv(t, ch); got != (replyCall{2, 3, "Failed to respond within 200ms"}) {
		t.Fatalf("reply = %+v", got)
	}
}

// A bot that sends headers promptly but then stalls in the body must time
// out the same way.
func TestStalledBodyGetsTimeoutReply(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	reply, ch := replies()
	d := New(srv.Client(), 200*time.Millisecond, 1, 4, reply, nil)
	defer d.Close()

	d.Enqueue(Delivery{BotID: 2, RoomID: 3, URL: srv.URL, Payload: []byte("{}")})
	if got := recv(t, ch); got.text != "Failed to respond within 200ms" {
		t.Fatalf("reply = %+v", got)
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		7 * time.Second:         "7 seconds",
		time.Second:             "1 second",
		200 * time.Millisecond:  "200ms",
		1500 * time.Millisecond: "1.5s",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// neverAnswers is a bot whose URL takes requests and answers none until
// release is called; it reports each arrival with the delivery's payload.
func neverAnswers(t *testing.T) (srv *httptest.Server, arrived chan string, release func()) {
	arrived = make(chan string, 64)
	released := make(chan struct{})
	srv = serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		arrived <- string(body)
		select {
		case <-r.Context().Done():
		case <-released:
		}
	})
	var once sync.Once
	release = func() { once.Do(func() { close(released) }) }
	t.Cleanup(release)
	return srv, arrived, release
}

// Issue 19 item 4: one pool of workers served every bot, so 1,200 mentions of
// a bot that never answers delayed a healthy bot's webhook by 15 minutes.
// Each bot now has its own calls in flight: the healthy one answers while
// the dead one holds every call it may make and has a full queue behind.
func TestDeadBotDoesNotDelayOtherBots(t *testing.T) {
	dead, arrived, release := neverAnswers(t)
	healthy := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "pong")
	})
	reply, ch := replies()
	// The timeout is far away: only the test's end ends the dead calls.
	d := New(healthy.Client(), time.Hour, 2, 4, reply, nil)
	defer d.Close()
	defer release()

	for i := range 50 {
		d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: dead.URL, Payload: []byte(fmt.Sprint(i))})
	}
	<-arrived
	<-arrived // both of the dead bot's calls are stuck

	if !d.Enqueue(Delivery{BotID: 2, RoomID: 1, URL: healthy.URL}) {
		t.Fatal("the healthy bot's delivery was refused")
	}
	if got := recv(t, ch); got != (replyCall{2, 1, "pong"}) {
		t.Fatalf("reply = %+v", got)
	}
}

// A full queue drops the bot's own oldest waiting delivery, never another
// bot's, and never blocks.
func TestFullQueueDropsTheBotsOwnOldest(t *testing.T) {
	dead, arrived, release := neverAnswers(t)
	d := New(nil, time.Hour, 1, 3, nil, nil)
	defer d.Close()
	defer release()

	d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: dead.URL, Payload: []byte("0")})
	<-arrived // in flight; 1..3 wait, then 4 and 5 push out 1 and 2
	for i := 1; i <= 5; i++ {
		ok := d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: dead.URL, Payload: []byte(fmt.Sprint(i))})
		if ok != (i <= 3) {
			t.Errorf("delivery %d: Enqueue = %v", i, ok)
		}
	}
	if !d.Enqueue(Delivery{BotID: 2, RoomID: 1, URL: dead.URL, Payload: []byte("other")}) {
		t.Error("another bot's delivery was refused")
	}
	if got := <-arrived; got != "other" {
		t.Errorf("the other bot's call carried %q", got)
	}
	d.mu.Lock()
	var waiting []string
	for _, del := range d.bots[1].pending {
		waiting = append(waiting, string(del.Payload))
	}
	d.mu.Unlock()
	if strings.Join(waiting, ",") != "3,4,5" {
		t.Errorf("waiting %v, want the newest: 3,4,5", waiting)
	}
	if st := d.Stats(); st.Dropped != 2 {
		t.Errorf("stats = %+v, want 2 dropped", st)
	}
}

// A bot that times out again and again says so in the room at most once a
// minute.
func TestTimeoutNoticesAreOnePerBotPerMinute(t *testing.T) {
	dead, _, _ := neverAnswers(t)
	reply, ch := replies()
	d := New(nil, 20*time.Millisecond, 1, 16, reply, nil)
	now := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	d.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }

	for range 5 {
		d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: dead.URL})
	}
	d.Enqueue(Delivery{BotID: 2, RoomID: 1, URL: dead.URL})
	d.Close() // waits for all six calls to time out
	if st := d.Stats(); st.TimedOut != 6 || st.Notices != 2 {
		t.Fatalf("stats = %+v, want 6 timeouts told twice (once per bot)", st)
	}
	got := map[int64]int{}
	for range 2 {
		r := recv(t, ch)
		got[r.botID]++
		if r.text != "Failed to respond within 20ms" {
			t.Errorf("notice %q", r.text)
		}
	}
	if got[1] != 1 || got[2] != 1 {
		t.Errorf("notices per bot %v", got)
	}

	// A minute later the bot may say it again.
	d2 := New(nil, 20*time.Millisecond, 1, 16, reply, nil)
	d2.now = d.now
	d2.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: dead.URL})
	d2.Close()
	mu.Lock()
	now = now.Add(NoticeEvery)
	mu.Unlock()
	d2.closed = false
	d2.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: dead.URL})
	d2.Close()
	if st := d2.Stats(); st.Notices != 2 {
		t.Errorf("after a minute: stats = %+v, want 2 notices", st)
	}
}

func TestAnswerIsCapped(t *testing.T) {
	// "é" is two bytes; an odd cap offset forces the cut into a character.
	big := "a" + strings.Repeat("é", MaxReplyBytes)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, big)
	})
	reply, ch := replies()
	d := New(srv.Client(), 7*time.Second, 1, 4, reply, nil)
	defer d.Close()

	d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: srv.URL})
	got := recv(t, ch).text
	if len(got) > MaxReplyBytes || len(got) < MaxReplyBytes-utf8.UTFMax {
		t.Fatalf("reply is %d bytes, cap %d", len(got), MaxReplyBytes)
	}
	if !utf8.ValidString(got) || !strings.HasPrefix(big, got) {
		t.Fatal("capped reply is not a clean prefix of the answer")
	}
}

func TestUnreachableBotIsLoggedNotReplied(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens here any more

	reply, ch := replies()
	d := New(nil, 7*time.Second, 1, 4, reply, nil)
	d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: url})
	d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: "://bad"})
	d.Close()
	if len(ch) != 0 {
		t.Fatalf("unexpected reply %+v", <-ch)
	}
	if st := d.Stats(); st.Failed != 2 {
		t.Fatalf("stats = %+v", st)
	}
	if d.Enqueue(Delivery{URL: url}) {
		t.Fatal("Enqueue after Close reported success")
	}
}

func TestPanickingReplyDoesNotKillWorker(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, r.URL.Query().Get("say"))
	})
	ch := make(chan string, 2)
	d := New(srv.Client(), 7*time.Second, 1, 4, func(_ context.Context, _, _ int64, text string) {
		if text == "panic" {
			panic("reply exploded")
		}
		ch <- text
	}, nil)
	defer d.Close()
	d.Enqueue(Delivery{URL: srv.URL + "?say=panic"})
	d.Enqueue(Delivery{URL: srv.URL + "?say=fine"})
	select {
	case got := <-ch:
		if got != "fine" {
			t.Fatalf("got %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("worker died with the panicking reply")
	}
}
