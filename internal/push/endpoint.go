package push

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"time"
)

// lookupTimeout bounds the DNS check in ValidEndpoint, which runs inside a
// subscribe request.
const lookupTimeout = 5 * time.Second

// ValidEndpoint accepts a push endpoint only if it is an https URL whose host
// resolves solely to public addresses, so that subscribing can't turn the
// server into a proxy for the private network. allowLocal (tests and
// development) also permits http and loopback, private and link-local hosts.
func ValidEndpoint(endpoint string, allowLocal bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	return validEndpoint(ctx, endpoint, allowLocal, net.DefaultResolver.LookupNetIP)
}

type lookupFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

func validEndpoint(ctx context.Context, endpoint string, allowLocal bool, lookup lookupFunc) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("push: endpoint is not a URL: %w", err)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowLocal:
	default:
		return fmt.Errorf("push: endpoint scheme %q is not https", u.Scheme)
	}
	if u.User != nil {
		return errors.New("push: endpoint must not carry credentials")
	}
	host := u.Hostname()
	if host == "" {
		return errors.New("push: endpoint has no host")
	}

	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		addrs, err = lookup(ctx, "ip", host)
		if err != nil {
			return fmt.Errorf("push: endpoint host %q does not resolve: %w", host, err)
		}
		if len(addrs) == 0 {
			return fmt.Errorf("push: endpoint host %q has no addresses", host)
		}
	}
	// Every address must pass: a resolver may pick any of them later.
	for _, a := range addrs {
		if err := checkAddr(a, allowLocal); err != nil {
			return fmt.Errorf("push: endpoint host %q: %w", host, err)
		}
	}
	return nil
}

// checkAddr refuses addresses that are not reachable on the public internet.
// Unspecified and multicast addresses are refused even with allowLocal: no
// push service lives there.
func checkAddr(a netip.Addr, allowLocal bool) error {
	a = a.Unmap() // ::ffff:127.0.0.1 is still loopback
	switch {
	case !a.IsValid():
		return errors.New("invalid address")
	case a.IsUnspecified():
		return fmt.Errorf("%s is unspecified", a)
	case a.IsMulticast():
		return fmt.Errorf("%s is multicast", a)
	case allowLocal:
		return nil
	case a.IsLoopback():
		return fmt.Errorf("%s is loopback", a)
	case a.IsPrivate():
		return fmt.Errorf("%s is private", a)
	case a.IsLinkLocalUnicast():
		return fmt.Errorf("%s is link-local", a)
	case nonPublic(a):
		return fmt.Errorf("%s is not a public address", a)
	}
	return nil
}

// nonPublic covers special-purpose IPv4 ranges netip has no predicate for:
// "this network", carrier-grade NAT, IETF protocol assignments, benchmarking,
// reserved and broadcast. They are either unroutable or someone's internal
// network.
func nonPublic(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	b := a.As4()
	switch {
	case b[0] == 0:
		return true
	case b[0] == 100 && b[1]&0xc0 == 64: // 100.64.0.0/10
		return true
	case b[0] == 192 && b[1] == 0 && b[2] == 0: // 192.0.0.0/24
		return true
	case b[0] == 198 && b[1]&0xfe == 18: // 198.18.0.0/15
		return true
	case b[0] >= 240: // 240.0.0.0/4 and 255.255.255.255
		return true
	}
	return false
}
