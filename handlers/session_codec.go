package handlers

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores session values in a small binary format with their Go
// types kept apart. scs's default, gob, builds a new decoder with its type
// descriptions for every request (about 70 µs of CPU). JSON, which came
// next, decodes through reflection whose deep calls grew the connection
// goroutine's stack on most requests (the collector shrinks idle stacks
// again): 7% of the server's CPU at 2,000 posts/s. Sessions hold only
// strings, integers and booleans, so a flat format does.
//
// Sessions written by the earlier codecs still decode (a JSON record starts
// with '{'; a gob stream never with a zero byte, which begins ours), so
// nobody is signed out by an upgrade.
type sessionCodec struct{}

// sessionMagic begins every session in the binary format, then a version.
const sessionMagic = "\x00cs1"

// Value kinds in the binary format.
const (
	kindString byte = 's'
	kindInt    byte = 'i'
	kindBool   byte = 'b'
)

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, sessionMagic...)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	// Sorted, so the same session always has the same bytes.
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch v := values[k].(type) {
		case string:
			b = appendString(append(appendString(b, k), kindString), v)
		case int64:
			b = binary.AppendVarint(append(appendString(b, k), kindInt), v)
		case bool:
			b = append(appendString(b, k), kindBool, boolByte(v))
		default:
			return nil, fmt.Errorf("session value %q: %T is not stored (use string, int64 or bool)", k, v)
		}
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

var errCorruptSession = errors.New("session: corrupt record")

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	switch {
	case len(b) >= len(sessionMagic) && string(b[:len(sessionMagic)]) == sessionMagic:
		return decodeBinarySession(b[len(sessionMagic):])
	case len(b) > 0 && b[0] == '{':
		return decodeJSONSession(b)
	default:
		return scs.GobCodec{}.Decode(b)
	}
}

// sessionReader walks a binary record; the first fault sticks.
type sessionReader struct {
	b   []byte
	err error
}

func (r *sessionReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errCorruptSession
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorruptSession
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) byte() byte {
	if len(r.b) == 0 {
		r.err = errCorruptSession
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *sessionReader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errCorruptSession
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func decodeBinarySession(b []byte) (time.Time, map[string]any, error) {
	r := sessionReader{b: b}
	deadline := r.varint()
	n := r.uvarint()
	// Every entry takes at least three bytes (the key's length, the kind,
	// a value byte): no count may claim more, nor size the map past them.
	if r.err != nil || n > uint64(len(r.b))/3 {
		return time.Time{}, nil, errCorruptSession
	}
	values := make(map[string]any, n)
	for range n {
		k := r.string()
		switch r.byte() {
		case kindString:
			values[k] = r.string()
		case kindInt:
			values[k] = r.varint()
		case kindBool:
			switch r.byte() {
			case 0:
				values[k] = false
			case 1:
				values[k] = true
			default:
				r.err = errCorruptSession
			}
		default:
			r.err = errCorruptSession
		}
		if r.err != nil {
			return time.Time{}, nil, r.err
		}
	}
	if len(r.b) != 0 {
		return time.Time{}, nil, errCorruptSession
	}
	return time.Unix(0, deadline), values, nil
}

// sessionRecord is the JSON format of the codec before the binary one.
type sessionRecord struct {
	Deadline int64             `json:"d"`
	Strings  map[string]string `json:"s,omitempty"`
	Ints     map[string]int64  `json:"i,omitempty"`
	Bools    map[string]bool   `json:"b,omitempty"`
}

func decodeJSONSession(b []byte) (time.Time, map[string]any, error) {
	var rec sessionRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return time.Time{}, nil, err
	}
	values := make(map[string]any, len(rec.Strings)+len(rec.Ints)+len(rec.Bools))
	for k, v := range rec.Strings {
		values[k] = v
	}
	for k, v := range rec.Ints {
		values[k] = v
	}
	for k, v := range rec.Bools {
		values[k] = v
	}
	return time.Unix(0, rec.Deadline), values, nil
}
