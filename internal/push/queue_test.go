package push

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitOrFail is a safety net against hangs, not a timing assertion: the
// operations it guards are expected to finish immediately.
func waitOrFail(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not finish", what)
	}
}

func TestQueueDeliversToEverySubscription(t *testing.T) {
	keys := mustKeys(t)
	ps := newPushService(t, keys)
	ps.status = func(path string) int {
		if strings.HasPrefix(path, "/gone/") {
			return http.StatusGone
		}
		return http.StatusCreated
	}
	var (
		mu   sync.Mutex
		gone []int64
	)
	s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, func(id int64) {
		mu.Lock()
		gone = append(gone, id)
		mu.Unlock()
	})
	q := NewQueue(s, 4, 64)

	var subs []Subscription
	for i := range 20 {
		subs = append(subs, ps.subscribe(int64(i), fmt.Sprintf("/sub/%d", i)))
	}
	subs = append(subs, ps.subscribe(100, "/gone/100"), ps.subscribe(101, "/gone/101"))

	if !q.Enqueue(subs, Payload{Title: "Lobby", Body: "Ann: hi", Path: "/rooms/1", Badge: 1}) {
		t.Fatal("Enqueue refused with room to spare")
	}
	q.Close()

	want := `{"title":"Lobby","options":{"body":"Ann: hi","data":{"path":"/rooms/1","badge":1}}}`
	got := ps.deliveries()
	if len(got) != len(subs) {
		t.Fatalf("push service got %d requests, want %d", len(got), len(subs))
	}
	for _, d := range got {
		if string(d.plaintext) != want {
			t.Fatalf("%s got %s", d.path, d.plaintext)
		}
	}
	slices.Sort(gone)
	if !slices.Equal(gone, []int64{100, 101}) {
		t.Fatalf("gone = %v", gone)
	}
	if st := q.Stats(); st != (Stats{Enqueued: 22, Sent: 20, Gone: 2}) {
		t.Fatalf("stats = %+v", st)
	}
}

func TestQueueDropsWhenFullWithoutBlocking(t *testing.T) {
	keys := mustKeys(t)
	ps := newPushService(t, keys)
	ps.hold = make(chan struct{})
	ps.seen = make(chan struct{}, 8)
	s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, nil)
	q := NewQueue(s, 1, 1)
	released := false
	release := func() {
		if !released {
			released = true
			close(ps.hold)
		}
	}
	t.Cleanup(func() { release(); q.Close() })

	p := Payload{Title: "x"}
	// The only worker picks this up and is stuck in the push service...
	if !q.Enqueue([]Subscription{ps.subscribe(1, "/hold/1")}, p) {
		t.Fatal("first Enqueue refused")
	}
	<-ps.seen
	// ...so this one fills the person's single queue slot...
	if !q.Enqueue([]Subscription{ps.subscribe(2, "/hold/2")}, p) {
		t.Fatal("second Enqueue refused")
	}
	// ...and these push out the oldest waiting, at once rather than wait
	// for the worker.
	done := make(chan struct{})
	var ok bool
	go func() {
		ok = q.Enqueue([]Subscription{ps.subscribe(3, "/hold/3"), ps.subscribe(4, "/hold/4")}, p)
		close(done)
	}()
	waitOrFail(t, done, "Enqueue on a full queue")
	if ok {
		t.Fatal("Enqueue on a full queue reported success")
	}
	if st := q.Stats(); st.Dropped != 2 || st.Enqueued != 4 {
		t.Fatalf("stats = %+v, want 4 enqueued, 2 dropped", st)
	}

	release()
	closed := make(chan struct{})
	go func() { q.Close(); close(closed) }()
	waitOrFail(t, closed, "Close")
	if st := q.Stats(); st.Sent != 2 {
		t.Fatalf("after Close stats = %+v, want the 2 kept sent", st)
	}
	var paths []string
	for _, d := range ps.deliveries() {
		paths = append(paths, d.path)
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"/hold/1", "/hold/4"}) {
		t.Errorf("delivered %v, want the first and the newest", paths)
	}
	if q.Enqueue([]Subscription{ps.subscribe(5, "/sub/5")}, p) {
		t.Fatal("Enqueue after Close reported success")
	}
}

// Issue 19 item 3: 4,200 subscriptions pointing at a server that never
// answered took every worker and dropped everyone else's notifications for
// hours. People are served in turn, with a few sends in flight per person and
// per push host: one person's dead endpoints, and a dead host shared by
// several people, delay only themselves.
func TestDeadPushEndpointsDelayOnlyThemselves(t *testing.T) {
	keys := mustKeys(t)
	dead := newPushService(t, keys)
	dead.hold = make(chan struct{})
	dead.seen = make(chan struct{}, 64)
	good := newPushService(t, keys)
	s := NewSender(keys, "admin@example.com", &http.Client{}, nil, nil)
	q := NewQueue(s, 4, 64)
	t.Cleanup(func() { close(dead.hold); q.Close() })

	p := Payload{Title: "x"}
	var attacker []Subscription
	for i := range 30 {
		sub := dead.subscribe(int64(i), fmt.Sprintf("/hold/%d", i))
		sub.UserID = 1
		attacker = append(attacker, sub)
	}
	q.Enqueue(attacker, p)
	<-dead.seen
	// Other people whose only device is on the dead host, too.
	for uid := int64(3); uid < 10; uid++ {
		sub := dead.subscribe(100+uid, fmt.Sprintf("/hold/u%d", uid))
		sub.UserID = uid
		q.Enqueue([]Subscription{sub}, p)
	}
	healthy := good.subscribe(200, "/sub/200")
	healthy.UserID = 2
	q.Enqueue([]Subscription{healthy}, p)

	deadline := time.After(10 * time.Second) // a hang guard
	for len(good.deliveries()) == 0 {
		select {
		case <-deadline:
			t.Fatal("the healthy subscription got nothing while a dead host held the queue")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if n := len(dead.seen); n != 0 {
		t.Errorf("%d more sends went to the dead host, want 1 in flight there at most", n)
	}
}

func TestQueueRefusesUnencodablePayload(t *testing.T) {
	keys := mustKeys(t)
	s := NewSender(keys, "admin@example.com", nil, nil, nil)
	q := NewQueue(s, 1, 4)
	defer q.Close()
	huge := Payload{Title: strings.Repeat("t", 2*maxPlaintext)}
	if q.Enqueue([]Subscription{{ID: 1, Endpoint: "https://push.invalid/x"}}, huge) {
		t.Fatal("payload that can never fit was enqueued")
	}
	if st := q.Stats(); st.Dropped != 1 {
		t.Fatalf("stats = %+v", st)
	}
}
