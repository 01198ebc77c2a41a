package push

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// NewClient returns an HTTP client for talking to push services. Unless
// allowLocal is set it refuses, at connect time, any address ValidEndpoint
// would refuse: a hostname that resolved to a public address when the
// subscription was saved may point inside the network by the time we send
// (DNS rebinding). It also ignores proxy settings (the proxy would be the
// one dialled, defeating the check) and does not follow redirects, which
// push services never send.
func NewClient(allowLocal bool) *http.Client {
	dialer := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
	}
	if !allowLocal {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("push: refusing to dial %q: %w", address, err)
			}
			if err := checkAddr(ap.Addr(), false); err != nil {
				return fmt.Errorf("push: refusing to dial: %w", err)
			}
			return nil
		}
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
