package webhooks

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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

// A bot that never answers occupies one worker; the others keep delivering
// and Enqueue never waits for it.
func TestDeadBotBlocksNothing(t *testing.T) {
	arrived := make(chan struct{}, 8)
	release := make(chan struct{})
	dead := serve(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	live := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "pong")
	})
	reply, ch := replies()
	// The timeout is far away so that only the release ends the dead call.
	d := New(live.Client(), time.Minute, 2, 1, reply, nil)
	defer d.Close()
	defer close(release)

	d.Enqueue(Delivery{BotID: 1, RoomID: 1, URL: dead.URL})
	<-arrived // one worker is now stuck

	d.Enqueue(Delivery{BotID: 2, RoomID: 1, URL: live.URL})
	if got := recv(t, ch); got != (replyCall{2, 1, "pong"}) {
		t.Fatalf("reply = %+v", got)
	}

	// Occupy the second worker too, then fill the one queue slot: further
	// deliveries must be refused at once.
	d.Enqueue(Delivery{BotID: 1, RoomID: 2, URL: dead.URL})
	<-arrived
	if !d.Enqueue(Delivery{BotID: 2, RoomID: 2, URL: live.URL}) {
		t.Fatal("queue slot refused")
	}
	done := make(chan struct{})
	var accepted bool
	go func() {
		accepted = d.Enqueue(Delivery{BotID: 2, RoomID: 3, URL: live.URL})
		close(done)
	}()
	waitDone(t, done, "Enqueue on a full queue")
	if accepted {
		t.Fatal("Enqueue on a full queue reported success")
	}
	if st := d.Stats(); st.Dropped != 1 || st.Enqueued != 4 {
		t.Fatalf("stats = %+v", st)
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
