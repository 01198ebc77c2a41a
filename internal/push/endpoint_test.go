package push

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/campfire-go/campfire/internal/netguard"
)

func fakeLookup(table map[string][]string) lookupFunc {
	return func(_ context.Context, _, host string) ([]netip.Addr, error) {
		addrs, ok := table[host]
		if !ok {
			return nil, errors.New("no such host")
		}
		var out []netip.Addr
		for _, a := range addrs {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
}

func TestValidEndpoint(t *testing.T) {
	lookup := fakeLookup(map[string][]string{
		"fcm.googleapis.com":    {"142.250.74.10", "2a00:1450:4001:80e::200a"},
		"rebind.example":        {"93.184.216.34", "10.0.0.5"},
		"local.example":         {"127.0.0.1"},
		"empty.example":         {},
		"nat64.example":         {"64:ff9b::a9fe:a9fe"},
		"documentation.example": {"192.0.2.10"},
	})
	cases := []struct {
		endpoint   string
		allowLocal bool
		ok         bool
	}{
		{"https://fcm.googleapis.com/fcm/send/abc", false, true},
		{"https://93.184.216.34/push", false, true},
		{"https://[2606:4700::1111]/push", false, true},
		{"http://fcm.googleapis.com/fcm/send/abc", false, false},
		{"ftp://fcm.googleapis.com/x", false, false},
		{"https://user:pw@fcm.googleapis.com/x", false, false},
		{"https:///nohost", false, false},
		{"not a url\x7f", false, false},
		{"https://nonexistent.example/x", false, false},
		{"https://empty.example/x", false, false},
		{"https://rebind.example/x", false, false}, // one private answer is enough to refuse
		{"https://local.example/x", false, false},
		{"https://127.0.0.1/x", false, false},
		{"https://[::1]/x", false, false},
		{"https://[::ffff:127.0.0.1]/x", false, false},
		{"https://10.1.2.3/x", false, false},
		{"https://172.16.0.1/x", false, false},
		{"https://192.168.1.1/x", false, false},
		{"https://[fd00::1]/x", false, false},
		{"https://169.254.169.254/latest/meta-data", false, false},
		{"https://[fe80::1]/x", false, false},
		{"https://0.0.0.0/x", false, false},
		{"https://[::]/x", false, false},
		{"https://224.0.0.1/x", false, false},
		{"https://100.64.0.1/x", false, false},
		{"https://255.255.255.255/x", false, false},
		// IPv6 forms that carry a private IPv4 address (issue 19 item 9).
		{"https://[64:ff9b::7f00:1]/x", false, false},     // NAT64 of 127.0.0.1
		{"https://[64:ff9b::a00:1]/x", false, false},      // NAT64 of 10.0.0.1
		{"https://[2002:7f00:1::1]/x", false, false},      // 6to4 of 127.0.0.1
		{"https://[2002:c0a8:101::1]/x", false, false},    // 6to4 of 192.168.1.1
		{"https://[::127.0.0.1]/x", false, false},         // IPv4-compatible
		{"https://[::a9fe:a9fe]/x", false, false},         // IPv4-compatible 169.254.169.254
		{"https://[2001:0:4136:e378::1]/x", false, false}, // Teredo
		{"https://nat64.example/x", false, false},
		{"https://documentation.example/x", false, false},
		{"http://127.0.0.1:8080/x", true, true},
		{"http://local.example/x", true, true},
		{"https://10.1.2.3/x", true, true},
		{"http://0.0.0.0/x", true, false},
		{"http://224.0.0.1/x", true, false},
		{"ws://127.0.0.1/x", true, false},
	}
	for _, c := range cases {
		err := validEndpoint(context.Background(), c.endpoint, c.allowLocal, lookup)
		if (err == nil) != c.ok {
			t.Errorf("validEndpoint(%q, allowLocal=%v) = %v, want ok=%v", c.endpoint, c.allowLocal, err, c.ok)
		}
	}
}

// The exported wrapper, on literals only so the test needs no DNS.
func TestValidEndpointLiterals(t *testing.T) {
	if err := ValidEndpoint("https://127.0.0.1/x", false); err == nil {
		t.Error("loopback accepted")
	}
	if err := ValidEndpoint("http://127.0.0.1:9/x", true); err != nil {
		t.Error(err)
	}
}

func TestNewClientRefusesPrivateAddressesAtDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()

	if resp, err := NewClient(false).Post(srv.URL, "text/plain", nil); err == nil {
		resp.Body.Close()
		t.Fatal("strict client reached a loopback server")
	}
	resp, err := NewClient(true).Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// The dial-time check refuses the IPv6 forms of private IPv4 too: Control
// runs before the connection is attempted, so no network is needed.
func TestNewClientRefusesEmbeddedIPv4AtDial(t *testing.T) {
	dial := NewClient(false).Transport.(*http.Transport).DialContext
	for _, addr := range []string{"[64:ff9b::7f00:1]:443", "[2002:7f00:1::1]:443", "[::127.0.0.1]:443"} {
		c, err := dial(context.Background(), "tcp", addr)
		if err == nil {
			c.Close()
			t.Errorf("dialled %s", addr)
		} else if !errors.Is(err, netguard.ErrForbidden) {
			t.Errorf("dial %s: %v, want a netguard refusal", addr, err)
		}
	}
}

func TestNewClientDoesNotFollowRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	resp, err := NewClient(true).Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("status %d, want the redirect itself", resp.StatusCode)
	}
}
