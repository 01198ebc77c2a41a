// Package netguard keeps server-side fetches of user-given URLs (link
// previews, and anything like them) on the public internet. The check runs on
// the address actually being connected, after DNS resolution, so a name that
// resolves to a public address when validated and to 127.0.0.1 when fetched
// (DNS rebinding) is still refused, and so is every redirect hop.
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbidden is wrapped by every refusal.
var ErrForbidden = errors.New("netguard: address not allowed")

// Guard decides which addresses may be dialed. The zero Guard allows only
// public unicast addresses.
type Guard struct {
	// Allow lists exceptions, for tests against local servers.
	Allow []netip.Prefix
}

// blocked are the ranges that are not the public internet: this host, the
// local networks, shared and special-purpose space, and IPv6 forms that
// embed or tunnel to IPv4 addresses we could not check.
var blocked = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // includes 255.255.255.255

	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments"}, // Teredo, ORCHID, benchmarking
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("fc00::/7"), "unique local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// Local adds this host and the local networks to what may be dialed, for
// tests and development (CAMPFIRE_PUSH_ALLOW_LOCAL,
// CAMPFIRE_ALLOW_LOCAL_FETCH). Unspecified and multicast addresses stay
// refused: no web server lives there.
var Local = Guard{Allow: []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
}}

// Check returns nil when ip may be dialed, or an error wrapping ErrForbidden
// that says why not. IPv4-mapped IPv6 addresses are judged as the IPv4
// address they carry.
func (g Guard) Check(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrForbidden)
	}
	ip = ip.Unmap().WithZone("")
	for _, p := range g.Allow {
		if p.Contains(ip) {
			return nil
		}
	}
	for _, b := range blocked {
		if b.prefix.Contains(ip) {
			return fmt.Errorf("%w: %s is %s", ErrForbidden, ip, b.why)
		}
	}
	if !ip.IsGlobalUnicast() {
		return fmt.Errorf("%w: %s is not a global unicast address", ErrForbidden, ip)
	}
	return nil
}

// Control is a net.Dialer Control function: it runs after resolution, on
// the address about to be connected, and refuses what Check refuses.
func (g Guard) Control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp4", "tcp6", "udp4", "udp6":
	default:
		return fmt.Errorf("%w: network %s", ErrForbidden, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrForbidden, address, err)
	}
	return g.Check(ap.Addr())
}

// Dialer returns a dialer that refuses forbidden addresses.
func (g Guard) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: g.Control}
}

// Client returns an HTTP client for fetching user-given URLs: every
// connection (redirects included) goes through the guarded dialer, no proxy
// from the environment is used (it would be the address checked, not the
// target), and at most maxRedirects redirects are followed.
func (g Guard) Client(timeout time.Duration, maxRedirects int) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.Dialer(10 * time.Second).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("netguard: more than %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: scheme %q", ErrForbidden, req.URL.Scheme)
			}
			return nil
		},
	}
}
