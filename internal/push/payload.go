package push

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// maxPlaintext is the largest message webpush-go can encrypt with its default
// 4096-byte record: 4096 - 16 (AEAD tag) - 86 (salt, record size, key id)
// - 1 (padding delimiter). Anything larger fails with ErrMaxPadExceeded.
const maxPlaintext = 3993

// Payload is one notification as the service worker expects it (SPEC §8).
type Payload struct {
	Title string
	Body  string
	Icon  string
	Path  string
	Badge int
	// Topic, when set, lets the push service replace an undelivered earlier
	// notification with the same topic (e.g. "room-5"). It is a header, not
	// part of the JSON.
	Topic string
}

type wirePayload struct {
	Title   string      `json:"title"`
	Options wireOptions `json:"options"`
}

type wireOptions struct {
	Body string   `json:"body"`
	Icon string   `json:"icon,omitempty"`
	Data wireData `json:"data"`
}

type wireData struct {
	Path  string `json:"path"`
	Badge int    `json:"badge"`
}

// MarshalJSON produces {"title", "options": {"body", "icon", "data": {"path", "badge"}}}.
// An empty icon is left out: browsers would otherwise fetch the page URL.
func (p Payload) MarshalJSON() ([]byte, error) {
	return json.Marshal(wirePayload{
		Title: p.Title,
		Options: wireOptions{
			Body: p.Body,
			Icon: p.Icon,
			Data: wireData{Path: p.Path, Badge: p.Badge},
		},
	})
}

// encode marshals p, shortening the body until the result fits in one
// encrypted record: a long chat message should still notify, just clipped.
func (p Payload) encode() ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil || len(b) <= maxPlaintext {
		return b, err
	}
	// JSON escaping makes the encoded size of a prefix hard to predict
	// (one byte may become six), so search for the longest prefix that fits.
	body := p.Body
	var best []byte
	lo, hi := 0, len(body)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		p.Body = clip(body, mid)
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		if len(b) <= maxPlaintext {
			best, lo = b, mid+1
		} else {
			hi = mid - 1
		}
	}
	if best == nil {
		return nil, errors.New("push: payload too large even without a body")
	}
	return best, nil
}

// clip cuts s to at most n bytes on a rune boundary and marks the cut.
func clip(s string, n int) string {
	if n >= len(s) {
		return s
	}
	if n <= 0 {
		return ""
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
