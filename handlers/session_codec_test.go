package handlers

import (
	"maps"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"pgregory.net/rapid"
)

// TestSessionCodecRoundTrip: whatever strings, integers and booleans a
// session holds come back with their types, and sessions written by scs's gob
// codec before the switch still decode.
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
		for name, codec := range map[string]scs.Codec{"ours": sessionCodec{}, "gob": scs.GobCodec{}} {
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
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = sessionCodec{}.Decode(b)
	})
}
