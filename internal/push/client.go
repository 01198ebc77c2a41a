package push

import (
	"net/http"
	"time"
)

// connectTimeout bounds connecting and the TLS handshake to a push service.
const connectTimeout = 5 * time.Second

// NewClient returns an HTTP client for talking to push services. Unless
// allowLocal is set it refuses, at connect time, any address ValidEndpoint
// would refuse: a hostname that resolved to a public address when the
// subscription was saved may point inside the network by the time we send
// (DNS rebinding). It also ignores proxy settings (the proxy would be the
// one dialled, defeating the check) and does not follow redirects, which
// push services never send.
func NewClient(allowLocal bool) *http.Client {
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           guard(allowLocal).Dialer(connectTimeout).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   connectTimeout,
		ResponseHeaderTimeout: sendTimeout,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   sendTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
