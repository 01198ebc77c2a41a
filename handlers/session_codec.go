package handlers

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores session values as JSON with their Go types kept apart.
// scs's default, gob, builds a new decoder with its type descriptions for
// every request: about 70 µs of CPU per page and per stream reconnect, more
// than the database reads around it. Sessions hold only strings, integers
// and booleans, so a flat format does.
//
// Sessions written by gob before this codec still decode (they start with a
// gob header, never with '{'), so nobody is signed out by an upgrade.
type sessionCodec struct{}

type sessionRecord struct {
	Deadline int64             `json:"d"`
	Strings  map[string]string `json:"s,omitempty"`
	Ints     map[string]int64  `json:"i,omitempty"`
	Bools    map[string]bool   `json:"b,omitempty"`
}

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	rec := sessionRecord{Deadline: deadline.UnixNano()}
	for k, v := range values {
		switch v := v.(type) {
		case string:
			if rec.Strings == nil {
				rec.Strings = map[string]string{}
			}
			rec.Strings[k] = v
		case int64:
			if rec.Ints == nil {
				rec.Ints = map[string]int64{}
			}
			rec.Ints[k] = v
		case bool:
			if rec.Bools == nil {
				rec.Bools = map[string]bool{}
			}
			rec.Bools[k] = v
		default:
			return nil, fmt.Errorf("session value %q: %T is not stored (use string, int64 or bool)", k, v)
		}
	}
	return json.Marshal(rec)
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != '{' {
		return scs.GobCodec{}.Decode(b)
	}
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
