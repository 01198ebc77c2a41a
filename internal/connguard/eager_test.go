package connguard

import (
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

func eagerListener(t *testing.T) *Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := Wrap(ln, Options{Eager: true})
	t.Cleanup(func() { l.Close() })
	return l
}

// Hundreds of clients at once all get their answer through an eager
// listener, with net/http telling it which connections sent their request.
func TestEagerListenerServesEveryConnection(t *testing.T) {
	l := eagerListener(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}), ConnState: l.ConnState}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	const clients = 300
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Go(func() {
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := c.Get("http://" + l.Addr().String() + "/")
			if err != nil {
				errs <- err
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(b) != "ok" {
				errs <- io.ErrUnexpectedEOF
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// Clients that connect and send nothing do not hold accepting up: past
// eagerFresh of them Accept still hands on the next connection.
func TestEagerAcceptIsNotHeldBySilentClients(t *testing.T) {
	l := eagerListener(t)
	var clients []net.Conn
	t.Cleanup(func() {
		for _, c := range clients {
			c.Close()
		}
	})
	for i := range 2*eagerFresh + 5 {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
		got, err := l.Accept()
		if err != nil {
			t.Fatalf("accept %d: %v", i, err)
		}
		defer got.Close()
	}
}

// Closing an eager listener closes what it accepted and had not handed on,
// and Accept then fails.
func TestEagerCloseClosesQueuedConnections(t *testing.T) {
	l := eagerListener(t)
	first, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	got, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	var queued []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		queued = append(queued, c)
	}
	for len(l.eager.queue) < len(queued) {
		time.Sleep(time.Millisecond) // until the accepting goroutine has them
	}
	l.Close()
	for i, c := range queued {
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatalf("queued connection %d still open after Close", i)
		}
	}
	if c, err := l.Accept(); err == nil {
		c.Close()
		t.Fatal("Accept succeeded after Close")
	}
}

// What an eager listener holds before handing it on counts against its
// limits: past MaxConns a connection is closed at once, not queued.
func TestEagerListenerQueuesNoMoreThanItsLimit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := Wrap(ln, Options{Eager: true, MaxConns: 3})
	defer l.Close()
	first, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	got, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	var more []net.Conn
	for range 5 {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		more = append(more, c)
	}
	// One handed on and two waiting make three: the other three are refused.
	for l.Refused() < 3 {
		time.Sleep(time.Millisecond)
	}
	if n := len(l.eager.queue); n != 2 {
		t.Fatalf("%d connections waiting, want 2", n)
	}
	closed := 0
	for _, c := range more {
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			closed++
		}
	}
	if closed != 3 {
		t.Fatalf("%d connections closed at once, want 3", closed)
	}
}
