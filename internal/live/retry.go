package live

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// A stream starts by telling its browser how long to wait before
// reconnecting, drawn for each stream between ReconnectMin and
// ReconnectMin+ReconnectJitter. When the server restarts, every tab loses
// its stream at the same instant; with one delay for all they would all come
// back at the same instant too, and the last to be served would wait for the
// thousands before it. Spread over the jitter, they arrive at a rate the
// server serves as they come.
const (
	ReconnectMin    = time.Second
	ReconnectJitter = 2 * time.Second
)

// retryField is the SSE retry field (milliseconds) with a delay drawn anew.
// A block with no data dispatches no event and leaves the Last-Event-ID be.
func retryField() []byte {
	ms := ReconnectMin.Milliseconds() + rand.Int64N(ReconnectJitter.Milliseconds())
	return []byte("retry: " + strconv.FormatInt(ms, 10) + "\n\n")
}
