package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/push/pushtest"
)

// fakePushService stands in for a browser vendor's push service: it checks
// each request's VAPID signature against the app's public key and decrypts
// the aes128gcm body with the subscribing browser's keys (RFC 8291), so tests
// see exactly what a service worker would.
type fakePushService struct {
	t      testing.TB
	srv    *httptest.Server
	vapid  string // the app's VAPID public key
	mu     sync.Mutex
	agents map[string]pushtest.Agent // by path
	status map[string]int            // answer per path; 201 by default
	got    chan pushDelivery
}

type pushDelivery struct {
	path    string
	header  http.Header
	payload map[string]any
}

func newFakePushService(t testing.TB, vapidPublic string) *fakePushService {
	t.Helper()
	ps := &fakePushService{t: t, vapid: vapidPublic, agents: map[string]pushtest.Agent{}, status: map[string]int{},
		got: make(chan pushDelivery, 32)}
	ps.srv = httptest.NewServer(http.HandlerFunc(ps.serve))
	t.Cleanup(ps.srv.Close)
	return ps
}

// browser makes a subscription as PushManager would: an endpoint on this
// service and fresh keys. It returns PushSubscription.toJSON().
func (ps *fakePushService) browser(path string) map[string]any {
	agent, err := pushtest.NewAgent()
	if err != nil {
		ps.t.Fatal(err)
	}
	ps.mu.Lock()
	ps.agents[path] = agent
	ps.mu.Unlock()
	return map[string]any{
		"endpoint":       ps.srv.URL + path,
		"expirationTime": nil,
		"keys":           map[string]string{"p256dh": agent.P256dh(), "auth": agent.AuthKey()},
	}
}

func (ps *fakePushService) answer(path string, status int) {
	ps.mu.Lock()
	ps.status[path] = status
	ps.mu.Unlock()
}

func (ps *fakePushService) next(t testing.TB) pushDelivery {
	t.Helper()
	select {
	case d := <-ps.got:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no push arrived")
		return pushDelivery{}
	}
}

func (ps *fakePushService) serve(w http.ResponseWriter, r *http.Request) {
	ps.mu.Lock()
	agent, ok := ps.agents[r.URL.Path]
	status := ps.status[r.URL.Path]
	ps.mu.Unlock()
	if status == 0 {
		status = http.StatusCreated
	}
	body, _ := io.ReadAll(r.Body)
	err := func() error {
		if !ok {
			return errors.New("unknown subscription")
		}
		if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
			return fmt.Errorf("headers %v", r.Header)
		}
		if _, err := pushtest.VerifyVAPID(r.Header.Get("Authorization"), ps.vapid, ps.srv.URL); err != nil {
			return err
		}
		plain, err := pushtest.Decrypt(agent, body)
		if err != nil {
			return err
		}
		var payload map[string]any
		if err := json.Unmarshal(plain, &payload); err != nil {
			return fmt.Errorf("payload %q: %w", plain, err)
		}
		ps.got <- pushDelivery{path: r.URL.Path, header: r.Header.Clone(), payload: payload}
		return nil
	}()
	if err != nil {
		ps.t.Errorf("push service: %s: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(status)
}
