package main

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serveOnce answers one connection with the given bytes, after reading its
// request, which it hands back.
func serveOnce(t *testing.T, answer string) (addr string, got chan *http.Request) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan *http.Request, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			close(got)
			return
		}
		got <- req
		_, _ = c.Write([]byte(answer))
	}()
	return ln.Addr().String(), got
}

func TestStormClientSendsTheTabsRequestAndWaitsForARealEvent(t *testing.T) {
	long := strings.Repeat("y", 3*stormBuf)
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
	for _, tc := range []struct {
		name, body string
		ok         bool
	}{
		{"replay with the head", "retry: 1500\n\n: hb\n\nid: 7\nevent: message\ndata: <p>hi</p>\n\n", true},
		{"a long first event", "retry: 1500\n\nid: 7\nevent: message\ndata: " + long + "\ndata: end\n\n", true},
		{"a long comment, then an event", ": " + long + "\n\ndata: {\"connect\":{}}\n\n", true},
		{"only a retry field before the end", "retry: 1500\n\n", false},
		{"an event cut off", "id: 7\nevent: message\ndata: <p>", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, got := serveOnce(t, head+tc.body)
			req := stormRequest(addr, "/events?room_id=3&after=0&token=abc", "session_token=s1", 42)
			s, body, err := stormDial(&net.Dialer{}, addr, req, time.Now().Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			r := <-got
			if r.URL.String() != "/events?room_id=3&after=0&token=abc" || r.Header.Get("Last-Event-ID") != "42" ||
				r.Header.Get("Cookie") != "session_token=s1" || r.Header.Get("Accept") != "text/event-stream" || r.Host != addr {
				t.Fatalf("request %s %v host %s", r.URL, r.Header, r.Host)
			}
			err = s.firstEvent(body)
			if tc.ok && err != nil {
				t.Fatalf("first event: %v", err)
			}
			if !tc.ok && err == nil {
				t.Fatal("no event was sent, yet one was found")
			}
		})
	}
}

func TestStormClientRefusesAnythingButOK(t *testing.T) {
	for _, head := range []string{
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 303 See Other\r\nLocation: /session/new\r\n\r\n",
		"SSH-2.0-nonsense\r\n\r\n",
	} {
		addr, _ := serveOnce(t, head)
		_, _, err := stormDial(&net.Dialer{}, addr, stormRequest(addr, "/events", "", 0), time.Now().Add(time.Minute))
		if err == nil {
			t.Fatalf("%q was taken as a stream", head)
		}
	}
}

func TestNetstatFieldReadsTheNamedCounter(t *testing.T) {
	text := "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 2810 2811\nIpExt: InNoRoutes ListenOverflows\nIpExt: 5 9\n"
	if n := netstatField(text, "TcpExt:", "ListenOverflows"); n != 2810 {
		t.Fatalf("ListenOverflows = %d, want 2810", n)
	}
	if n := netstatField(text, "TcpExt:", "Nothing"); n != 0 {
		t.Fatalf("a missing counter = %d", n)
	}
}
