package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// The peer: Centrifugo (github.com/centrifugal/centrifugo), built from the
// module proxy in a scratch folder, never a dependency of this module
// (scripts/bench-peer.sh builds and configures it). With -peer centrifugo,
// fanout and idle run the same workloads against it: streams are its
// unidirectional SSE transport, subscribed at connect to one channel, and
// posts are publications through its HTTP API carrying the same send-time
// marker, so the same workers time them.

// peerChannel is the channel every peer stream follows, as the Fanout room.
const peerChannel = "fanout"

// peerStreamPath is the address of one of Centrifugo's uni_sse streams,
// subscribed to the channel in its connect request.
func peerStreamPath() string {
	req, _ := json.Marshal(map[string]any{"subs": map[string]any{peerChannel: map[string]any{}}})
	return "/connection/uni_sse?cf_connect=" + url.QueryEscape(string(req))
}

// peerConns are n anonymous streams on the channel.
func peerConns(n int) []connSpec {
	conns := make([]connSpec, n)
	p := peerStreamPath()
	for i := range conns {
		conns[i] = connSpec{User: int64(i%1000 + 1), Path: p}
	}
	return conns
}

// publishPeer posts one message as a publication to the channel; the marker
// in its text is what the workers time, as in a tab's fragment.
func publishPeer(ctx context.Context, hc *http.Client, base, _ string, _ int64, body, cmid string) error {
	b, _ := json.Marshal(map[string]any{"channel": peerChannel,
		"data": map[string]string{"text": body, "id": "message_" + cmid}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/publish", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("publish: status %d", res.StatusCode)
	}
	return nil
}
