package push

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"time"

	"github.com/campfire-go/campfire/internal/netguard"
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
		if err := guard(allowLocal).Check(a); err != nil {
			return fmt.Errorf("push: endpoint host %q: %w", host, err)
		}
	}
	return nil
}

// guard decides which addresses a push endpoint may resolve to and the client
// may dial: the public internet only, by the same rules as every other
// fetch of a user-given URL, IPv6 forms embedding private IPv4 included.
func guard(allowLocal bool) netguard.Guard {
	if allowLocal {
		return netguard.Local
	}
	return netguard.Guard{}
}
