package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
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

// peerReplayed is how many publications a peer stream of the storm recovers,
// as a Campfire tab's cursor in the seeded database has 5 events after it.
const peerReplayed = 5

// peerPublicationSize is the size of each of them: about that of a rendered
// message fragment Campfire replays (3.5–4 KB with its menus).
const peerPublicationSize = 3500

// peerRecoveringConns publishes a few publications into the channel's
// history and gives n streams the address of a uni_sse connection that
// recovers the last peerReplayed of them: the epoch and offset a client
// would hold, in its connect request (Centrifugo's SubscribeRequest recover,
// epoch, offset). One stream is opened first to check that the connect
// reply carries the recovered publications.
func peerRecoveringConns(ctx context.Context, base string, n int) ([]connSpec, error) {
	hc := &http.Client{}
	var res struct {
		Result struct {
			Offset uint64 `json:"offset"`
			Epoch  string `json:"epoch"`
		} `json:"result"`
	}
	text := strings.Repeat("x", peerPublicationSize)
	for i := range 2 * peerReplayed {
		b, _ := json.Marshal(map[string]any{"channel": peerChannel, "data": map[string]string{"text": text, "id": fmt.Sprintf("message_h%d", i)}})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/publish", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		r, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		err = json.NewDecoder(r.Body).Decode(&res)
		r.Body.Close()
		if err != nil || r.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("publish: status %d, %v", r.StatusCode, err)
		}
	}
	if res.Result.Epoch == "" || res.Result.Offset < peerReplayed {
		return nil, fmt.Errorf("publish: no history position (offset %d, epoch %q): is history on for the channel?", res.Result.Offset, res.Result.Epoch)
	}
	path := peerRecoverPath(res.Result.Epoch, res.Result.Offset-peerReplayed)
	if err := checkPeerRecovery(ctx, base, path); err != nil {
		return nil, err
	}
	conns := make([]connSpec, n)
	for i := range conns {
		conns[i] = connSpec{User: int64(i%1000 + 1), Path: path}
	}
	return conns, nil
}

// peerRecoverPath is a uni_sse connection subscribed to the channel that
// recovers what was published after the offset in the epoch.
func peerRecoverPath(epoch string, offset uint64) string {
	req, _ := json.Marshal(map[string]any{"subs": map[string]any{peerChannel: map[string]any{
		"recover": true, "epoch": epoch, "offset": offset}}})
	return "/connection/uni_sse?cf_connect=" + url.QueryEscape(string(req))
}

// checkPeerRecovery opens one stream at path and checks that its first
// event, the connect reply, recovered peerReplayed publications.
func checkPeerRecovery(ctx context.Context, base, path string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := dialPath(dctx, &net.Dialer{}, u.Host, path, "", 0)
	if err != nil {
		return fmt.Errorf("peer stream: %w", err)
	}
	defer s.close()
	ev := event{data: make([]byte, 0, 4096)}
	if err := s.next(&ev); err != nil {
		return fmt.Errorf("peer stream: %w", err)
	}
	var push struct {
		Connect struct {
			Subs map[string]struct {
				Recovered    bool              `json:"recovered"`
				Publications []json.RawMessage `json:"publications"`
			} `json:"subs"`
		} `json:"connect"`
	}
	if err := json.Unmarshal(ev.data, &push); err != nil {
		return fmt.Errorf("peer stream: first event: %w", err)
	}
	sub := push.Connect.Subs[peerChannel]
	if !sub.Recovered || len(sub.Publications) != peerReplayed {
		return fmt.Errorf("peer stream: the connect reply recovered %d publications (recovered: %v), want %d",
			len(sub.Publications), sub.Recovered, peerReplayed)
	}
	return nil
}
