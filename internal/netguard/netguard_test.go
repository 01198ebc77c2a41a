package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	var g Guard
	for _, tc := range []struct {
		addr  string
		allow bool
	}{
		// Public addresses.
		{"93.184.215.14", true},
		{"1.1.1.1", true},
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"2a00:1450:4001:82a::200e", true},
		{"::ffff:93.184.215.14", true}, // mapped public stays public
		{"100.63.255.255", true},       // just below CGNAT
		{"100.128.0.0", true},          // just above CGNAT
		{"172.15.255.255", true},       // just below 172.16/12
		{"172.32.0.0", true},           // just above

		// Loopback.
		{"127.0.0.1", false},
		{"127.255.255.254", false},
		{"::1", false},
		// Private.
		{"10.0.0.1", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		// Link-local, including the cloud metadata address.
		{"169.254.169.254", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		// Unspecified.
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::", false},
		// Multicast and broadcast.
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"255.255.255.255", false},
		{"ff02::1", false},
		{"ff05::2", false},
		// Carrier-grade NAT.
		{"100.64.0.1", false},
		{"100.127.255.254", false},
		// IPv4-mapped private and loopback.
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.1.2.3", false},
		{"::ffff:169.254.169.254", false},
		{"::ffff:192.168.0.1", false},
		// IPv6 forms that carry IPv4 we cannot vouch for.
		{"::127.0.0.1", false},         // IPv4-compatible
		{"64:ff9b::7f00:1", false},     // NAT64 of 127.0.0.1
		{"2002:7f00:1::1", false},      // 6to4 of 127.0.0.1
		{"2001:0:4136:e378::1", false}, // Teredo
		// Reserved, documentation, benchmarking.
		{"240.0.0.1", false},
		{"192.0.2.10", false},
		{"198.51.100.7", false},
		{"203.0.113.9", false},
		{"198.18.0.1", false},
		{"192.0.0.8", false},
		{"2001:db8::1", false},
		{"fec0::1", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			ip, err := netip.ParseAddr(tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			err = g.Check(ip)
			if tc.allow && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.allow && !errors.Is(err, ErrForbidden) {
				t.Fatalf("allowed (err %v)", err)
			}
		})
	}
	if err := g.Check(netip.Addr{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("zero address: %v", err)
	}
}

func TestAllowListMakesExceptions(t *testing.T) {
	g := Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	if err := g.Check(netip.MustParseAddr("127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := g.Check(netip.MustParseAddr("::ffff:127.0.0.1")); err != nil {
		t.Fatalf("mapped form of an allowed address: %v", err)
	}
	if err := g.Check(netip.MustParseAddr("127.0.0.2")); err == nil {
		t.Fatal("the exception leaked to its neighbour")
	}
}

func TestControlRefusesOtherNetworks(t *testing.T) {
	var g Guard
	for _, network := range []string{"unix", "ip4:icmp", "tcp"} {
		if err := g.Control(network, "93.184.215.14:80", nil); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v", network, err)
		}
	}
	if err := g.Control("tcp4", "93.184.215.14:443", nil); err != nil {
		t.Fatal(err)
	}
}

// TestClientChecksTheConnectedAddress dials real local servers: by address,
// by a name that resolves to loopback (the check sees the resolved address,
// so DNS cannot smuggle it), and through a redirect from an allowed server.
func TestClientChecksTheConnectedAddress(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("secret"))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	_, port, _ := net.SplitHostPort(u.Host)

	client := Guard{}.Client(5*time.Second, 3)
	for _, target := range []string{
		srv.URL,
		"http://localhost:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/",
	} {
		res, err := client.Get(target)
		if err == nil {
			res.Body.Close()
			t.Fatalf("%s: fetched", target)
		}
		if !errors.Is(err, ErrForbidden) {
			t.Fatalf("%s: %v, want ErrForbidden", target, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the loopback server was reached %d times", hits.Load())
	}

	// An allowed server redirecting to a forbidden one: the hop is refused.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, fmt.Sprintf("http://127.0.0.2:%s/", port), http.StatusFound)
	}))
	defer front.Close()
	allowFront := Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	// Serve the inner server on 127.0.0.2 so it would answer if reached.
	inner, err := net.Listen("tcp", "127.0.0.2:"+port)
	if err == nil {
		go http.Serve(inner, srv.Config.Handler)
		defer inner.Close()
	}
	res, err := allowFront.Client(5*time.Second, 3).Get(front.URL)
	if err == nil {
		res.Body.Close()
		t.Fatalf("redirect to 127.0.0.2 followed: %d", res.StatusCode)
	}
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("redirect: %v, want ErrForbidden", err)
	}
	if hits.Load() != 0 {
		t.Fatalf("the forbidden server was reached %d times", hits.Load())
	}

	// The exception does let the allowed server through: the guard is not
	// simply refusing everything.
	res, err = allowFront.Client(5*time.Second, 3).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if hits.Load() != 1 {
		t.Fatalf("allowed server hit %d times", hits.Load())
	}
}
