package push

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func mustKeys(t testing.TB) Keys {
	t.Helper()
	k, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestGenerateKeys(t *testing.T) {
	k := mustKeys(t)
	if err := k.Validate(); err != nil {
		t.Fatal(err)
	}
	pub, err := base64.RawURLEncoding.DecodeString(k.Public)
	if err != nil || len(pub) != 65 || pub[0] != 4 {
		t.Fatalf("public key is not a raw-url uncompressed P-256 point: %q (%v)", k.Public, err)
	}
	swapped := Keys{Public: k.Private, Private: k.Public}
	if swapped.Validate() == nil {
		t.Fatal("swapped keys validated")
	}
	if other := mustKeys(t); (Keys{Public: other.Public, Private: k.Private}).Validate() == nil {
		t.Fatal("mismatched pair validated")
	}
}

func TestSendDeliversEncryptedPayload(t *testing.T) {
	for _, subscriber := range []string{"admin@example.com", "mailto:admin@example.com"} {
		t.Run(subscriber, func(t *testing.T) {
			keys := mustKeys(t)
			ps := newPushService(t, keys)
			sub := ps.subscribe(7, "/sub/7")
			s := NewSender(keys, subscriber, ps.srv.Client(), nil, func(int64) { t.Error("onGone called") })

			p := Payload{Title: "Lobby", Body: "Ann: hi <b>&</b>", Icon: "/account/logo", Path: "/rooms/5", Badge: 3, Topic: "room-5"}
			if err := s.Send(context.Background(), sub, p); err != nil {
				t.Fatal(err)
			}

			got := ps.deliveries()
			if len(got) != 1 {
				t.Fatalf("push service got %d requests, want 1", len(got))
			}
			d := got[0]
			for h, want := range map[string]string{
				"TTL":              "86400",
				"Urgency":          "high",
				"Content-Encoding": "aes128gcm",
				"Topic":            "room-5",
			} {
				if v := d.header.Get(h); v != want {
					t.Errorf("%s = %q, want %q", h, v, want)
				}
			}
			if d.sub != "mailto:admin@example.com" {
				t.Errorf("JWT sub = %q", d.sub)
			}
			var decoded struct {
				Title   string `json:"title"`
				Options struct {
					Body string `json:"body"`
					Icon string `json:"icon"`
					Data struct {
						Path  string `json:"path"`
						Badge int    `json:"badge"`
					} `json:"data"`
				} `json:"options"`
			}
			if err := json.Unmarshal(d.plaintext, &decoded); err != nil {
				t.Fatalf("decrypted payload %q: %v", d.plaintext, err)
			}
			if decoded.Title != p.Title || decoded.Options.Body != p.Body || decoded.Options.Icon != p.Icon ||
				decoded.Options.Data.Path != p.Path || decoded.Options.Data.Badge != p.Badge {
				t.Errorf("decrypted %+v from %s", decoded, d.plaintext)
			}
		})
	}
}

func TestSendGoneCallsOnGone(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusGone} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			keys := mustKeys(t)
			ps := newPushService(t, keys)
			ps.status = func(string) int { return status }
			sub := ps.subscribe(42, "/sub/42")
			var gone []int64
			s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, func(id int64) { gone = append(gone, id) })

			err := s.Send(context.Background(), sub, Payload{Title: "x"})
			if !errors.Is(err, ErrGone) {
				t.Fatalf("err = %v, want ErrGone", err)
			}
			if len(gone) != 1 || gone[0] != 42 {
				t.Fatalf("onGone calls = %v, want [42]", gone)
			}
		})
	}
}

func TestSendOtherStatusIsError(t *testing.T) {
	keys := mustKeys(t)
	ps := newPushService(t, keys)
	ps.status = func(string) int { return http.StatusTooManyRequests }
	sub := ps.subscribe(1, "/sub/1")
	s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, func(int64) { t.Error("onGone called for 429") })

	err := s.Send(context.Background(), sub, Payload{Title: "x"})
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("err = %v, want StatusError 429", err)
	}
	if errors.Is(err, ErrGone) {
		t.Fatal("429 reported as gone")
	}
}

func TestSendInvalidKeysIsGone(t *testing.T) {
	keys := mustKeys(t)
	ps := newPushService(t, keys)
	sub := ps.subscribe(9, "/sub/9")
	sub.P256dh = base64.RawURLEncoding.EncodeToString([]byte("not a point"))
	var gone []int64
	s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, func(id int64) { gone = append(gone, id) })

	if err := s.Send(context.Background(), sub, Payload{Title: "x"}); !errors.Is(err, ErrGone) {
		t.Fatalf("err = %v, want ErrGone", err)
	}
	if len(gone) != 1 || gone[0] != 9 {
		t.Fatalf("onGone calls = %v", gone)
	}
	if n := len(ps.deliveries()); n != 0 {
		t.Fatalf("push service was contacted %d times", n)
	}
}

func TestSendDropsInvalidTopic(t *testing.T) {
	keys := mustKeys(t)
	ps := newPushService(t, keys)
	sub := ps.subscribe(1, "/sub/1")
	s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, nil)
	if err := s.Send(context.Background(), sub, Payload{Title: "x", Topic: "room 5!"}); err != nil {
		t.Fatal(err)
	}
	if v, ok := ps.deliveries()[0].header["Topic"]; ok {
		t.Fatalf("Topic header %q sent for an invalid topic", v)
	}
}

func TestLongBodyIsClippedToFit(t *testing.T) {
	keys := mustKeys(t)
	ps := newPushService(t, keys)
	sub := ps.subscribe(1, "/sub/1")
	s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, nil)

	long := strings.Repeat("ü\u2028<", 2000) // multi-byte, and expands when JSON-escaped
	if err := s.Send(context.Background(), sub, Payload{Title: "Lobby", Body: long, Path: "/rooms/1"}); err != nil {
		t.Fatal(err)
	}
	pt := ps.deliveries()[0].plaintext
	if len(pt) > maxPlaintext {
		t.Fatalf("plaintext is %d bytes, limit %d", len(pt), maxPlaintext)
	}
	var got struct {
		Options struct{ Body string } `json:"options"`
	}
	if err := json.Unmarshal(pt, &got); err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(got.Options.Body) || !strings.HasSuffix(got.Options.Body, "…") ||
		!strings.HasPrefix(long, strings.TrimSuffix(got.Options.Body, "…")) {
		t.Fatalf("clipped body is not a marked prefix: %q", got.Options.Body)
	}
}

func TestPayloadJSONShape(t *testing.T) {
	b, err := json.Marshal(Payload{Title: "T", Body: "B", Icon: "/i", Path: "/rooms/1", Badge: 2, Topic: "room-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"title":"T","options":{"body":"B","icon":"/i","data":{"path":"/rooms/1","badge":2}}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(Payload{Title: "T"})
	if want := `{"title":"T","options":{"body":"","data":{"path":"","badge":0}}}`; string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

// One encoded message is shared by every subscription of a notification;
// webpush-go appends padding to the slice it gets, so a message with spare
// capacity is the case that would corrupt or race without our copy.
func TestConcurrentSendsOfOneMessage(t *testing.T) {
	keys := mustKeys(t)
	ps := newPushService(t, keys)
	s := NewSender(keys, "admin@example.com", ps.srv.Client(), nil, nil)

	encoded, err := Payload{Title: "Lobby", Body: "hello", Path: "/rooms/1"}.encode()
	if err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, len(encoded), 8192)
	copy(msg, encoded)

	const n = 16
	subs := make([]Subscription, n)
	for i := range subs {
		subs[i] = ps.subscribe(int64(i), "/sub/"+string(rune('a'+i)))
	}
	var wg sync.WaitGroup
	for _, sub := range subs {
		wg.Go(func() {
			if err := s.send(context.Background(), sub, msg, ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	if string(msg) != string(encoded) || string(msg[:cap(msg)][len(msg):len(msg)+16]) != string(make([]byte, 16)) {
		t.Fatal("shared message was modified")
	}
	got := ps.deliveries()
	if len(got) != n {
		t.Fatalf("got %d deliveries, want %d", len(got), n)
	}
	for _, d := range got {
		if string(d.plaintext) != string(encoded) {
			t.Fatalf("%s decrypted to %q, want %q", d.path, d.plaintext, encoded)
		}
	}
}

func TestValidKeys(t *testing.T) {
	ua := newUserAgent(t)
	p256dh := base64.RawURLEncoding.EncodeToString(ua.Priv.PublicKey().Bytes())
	auth := base64.RawURLEncoding.EncodeToString(ua.Auth)
	if err := ValidKeys(p256dh, auth); err != nil {
		t.Fatal(err)
	}
	// Padded standard base64 is what some clients send.
	if err := ValidKeys(base64.StdEncoding.EncodeToString(ua.Priv.PublicKey().Bytes()), base64.StdEncoding.EncodeToString(ua.Auth)); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string][2]string{
		"empty p256dh": {"", auth},
		"short auth":   {p256dh, base64.RawURLEncoding.EncodeToString([]byte("short"))},
		"not a point":  {base64.RawURLEncoding.EncodeToString(make([]byte, 65)), auth},
		"not base64":   {"!!!", auth},
	} {
		if ValidKeys(c[0], c[1]) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
