package handlers

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"pgregory.net/rapid"
)

// TestSessionCodecRoundTrip: whatever strings, integers and booleans a
// session holds come back with their types, and sessions written by scs's gob
// codec and by our JSON codec before the binary format still decode.
func TestSessionCodecRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		values := map[string]any{}
		for k, v := range rapid.MapOf(rapid.String(), rapid.String()).Draw(rt, "strings") {
			values["s"+k] = v
		}
		for k, v := range rapid.MapOf(rapid.String(), rapid.Int64()).Draw(rt, "ints") {
			values["i"+k] = v
		}
		for k, v := range rapid.MapOf(rapid.String(), rapid.Bool()).Draw(rt, "bools") {
			values["b"+k] = v
		}
		deadline := time.Unix(0, rapid.Int64Range(0, 1<<62).Draw(rt, "deadline"))
		for name, codec := range map[string]scs.Codec{"ours": sessionCodec{}, "gob": scs.GobCodec{}, "json": jsonSessionCodec{}} {
			b, err := codec.Encode(deadline, values)
			if err != nil {
				rt.Fatalf("%s encode: %v", name, err)
			}
			gotDeadline, got, err := sessionCodec{}.Decode(b)
			if err != nil {
				rt.Fatalf("decode %s: %v", name, err)
			}
			if !gotDeadline.Equal(deadline) || !maps.Equal(got, values) {
				rt.Fatalf("decode %s: %v %v, want %v %v", name, gotDeadline, got, deadline, values)
			}
		}
	})
}

// jsonSessionCodec writes the JSON format sessions were stored in before the
// binary one, as that codec did.
type jsonSessionCodec struct{}

func (jsonSessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	rec := sessionRecord{Deadline: deadline.UnixNano(), Strings: map[string]string{}, Ints: map[string]int64{}, Bools: map[string]bool{}}
	for k, v := range values {
		switch v := v.(type) {
		case string:
			rec.Strings[k] = v
		case int64:
			rec.Ints[k] = v
		case bool:
			rec.Bools[k] = v
		}
	}
	return json.Marshal(rec)
}

func (jsonSessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	return decodeJSONSession(b)
}

// TestSessionCodecSameBytes: the same session always encodes alike, so a
// commit of an unchanged session can be recognized (db.SessionStore).
func TestSessionCodecSameBytes(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		values := map[string]any{}
		for k, v := range rapid.MapOf(rapid.String(), rapid.Int64()).Draw(rt, "ints") {
			values[k] = v
		}
		a, err := sessionCodec{}.Encode(time.Unix(5, 0), values)
		if err != nil {
			rt.Fatal(err)
		}
		b, _ := sessionCodec{}.Encode(time.Unix(5, 0), maps.Clone(values))
		if !bytes.Equal(a, b) {
			rt.Fatalf("%x != %x", a, b)
		}
	})
}

// TestSessionCodecRefusesCorruptRecords: a truncated or padded binary
// record is an error, not a session with values missing.
func TestSessionCodecRefusesCorruptRecords(t *testing.T) {
	b, _ := sessionCodec{}.Encode(time.Now(), map[string]any{"session_id": int64(4), "flash": "Saved.", "x": true})
	for i := len(sessionMagic); i < len(b); i++ {
		if _, _, err := (sessionCodec{}).Decode(b[:i]); err == nil {
			t.Fatalf("a record cut to %d of %d bytes decoded", i, len(b))
		}
	}
	if _, _, err := (sessionCodec{}).Decode(append(slices.Clip(b), 0)); err == nil {
		t.Fatal("a record with a byte too many decoded")
	}
}

func TestSessionCodecRefusesOtherTypes(t *testing.T) {
	if _, err := (sessionCodec{}).Encode(time.Now(), map[string]any{"x": 1.5}); err == nil {
		t.Fatal("a float was stored; it would come back as something else")
	}
}

// FuzzSessionCodecDecode: a corrupt sessions row is an error, never a panic.
func FuzzSessionCodecDecode(f *testing.F) {
	b, _ := sessionCodec{}.Encode(time.Now(), map[string]any{"session_id": int64(4), "flash": "Saved."})
	f.Add(b)
	g, _ := scs.GobCodec{}.Encode(time.Now(), map[string]any{"session_id": int64(4)})
	f.Add(g)
	f.Add([]byte(`{"d":1,"i":{"a":"x"}}`))
	j, _ := jsonSessionCodec{}.Encode(time.Now(), map[string]any{"session_id": int64(4)})
	f.Add(j)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = sessionCodec{}.Decode(b)
	})
}
