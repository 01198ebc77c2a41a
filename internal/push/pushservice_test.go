package push

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/campfire-go/campfire/internal/push/pushtest"
)

// userAgent is the browser side of a subscription.
type userAgent = pushtest.Agent

func newUserAgent(t testing.TB) userAgent {
	t.Helper()
	ua, err := pushtest.NewAgent()
	if err != nil {
		t.Fatal(err)
	}
	return ua
}

// delivery is what the fake push service saw and decrypted.
type delivery struct {
	path      string
	header    http.Header
	sub       string // VAPID JWT "sub" claim
	plaintext []byte
}

// pushService is an httptest push endpoint that checks every request the way
// a real one would (VAPID JWT, aes128gcm) and decrypts it with the user
// agent's keys, so tests can assert on the exact JSON a browser would get.
type pushService struct {
	t      testing.TB
	srv    *httptest.Server
	keys   Keys // the application server's VAPID keys we expect in k=
	status func(path string) int
	hold   chan struct{} // when non-nil, /hold/ requests wait on it
	seen   chan struct{} // when non-nil, /hold/ requests signal arrival

	mu  sync.Mutex
	uas map[string]userAgent
	got []delivery
}

func newPushService(t testing.TB, keys Keys) *pushService {
	t.Helper()
	ps := &pushService{
		t:      t,
		keys:   keys,
		uas:    map[string]userAgent{},
		status: func(string) int { return http.StatusCreated },
	}
	ps.srv = httptest.NewServer(http.HandlerFunc(ps.serve))
	t.Cleanup(ps.srv.Close)
	return ps
}

// subscribe registers a browser at path and returns its subscription.
func (ps *pushService) subscribe(id int64, path string) Subscription {
	ua := newUserAgent(ps.t)
	ps.mu.Lock()
	ps.uas[path] = ua
	ps.mu.Unlock()
	return Subscription{
		ID:       id,
		Endpoint: ps.srv.URL + path,
		P256dh:   ua.P256dh(),
		Auth:     ua.AuthKey(),
	}
}

func (ps *pushService) deliveries() []delivery {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]delivery(nil), ps.got...)
}

func (ps *pushService) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/hold/") {
		if ps.seen != nil {
			ps.seen <- struct{}{}
		}
		if ps.hold != nil {
			<-ps.hold
		}
	}
	d, err := ps.check(r)
	if err != nil {
		ps.t.Errorf("push service: %s: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ps.mu.Lock()
	ps.got = append(ps.got, d)
	ps.mu.Unlock()
	w.WriteHeader(ps.status(r.URL.Path))
}

func (ps *pushService) check(r *http.Request) (delivery, error) {
	d := delivery{path: r.URL.Path, header: r.Header.Clone()}
	if r.Method != http.MethodPost {
		return d, fmt.Errorf("method %s", r.Method)
	}
	ps.mu.Lock()
	ua, ok := ps.uas[r.URL.Path]
	ps.mu.Unlock()
	if !ok {
		return d, errors.New("unknown subscription")
	}

	sub, err := pushtest.VerifyVAPID(r.Header.Get("Authorization"), ps.keys.Public, ps.srv.URL)
	if err != nil {
		return d, err
	}
	d.sub = sub

	body, err := io.ReadAll(r.Body)
	if err != nil {
		return d, err
	}
	d.plaintext, err = pushtest.Decrypt(ua, body)
	return d, err
}
