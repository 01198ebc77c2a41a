package handlers

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// fakePushService stands in for a browser vendor's push service: it checks
// each request's VAPID signature against the app's public key and decrypts
// the aes128gcm body with the subscribing browser's keys (RFC 8291), so tests
// see exactly what a service worker would.
type fakePushService struct {
	t      testing.TB
	srv    *httptest.Server
	vapid  string // the app's VAPID public key
	mu     sync.Mutex
	agents map[string]pushAgent // by path
	status map[string]int       // answer per path; 201 by default
	got    chan pushDelivery
}

type pushAgent struct {
	priv *ecdh.PrivateKey
	auth []byte
}

type pushDelivery struct {
	path    string
	header  http.Header
	payload map[string]any
}

func newFakePushService(t testing.TB, vapidPublic string) *fakePushService {
	t.Helper()
	ps := &fakePushService{t: t, vapid: vapidPublic, agents: map[string]pushAgent{}, status: map[string]int{},
		got: make(chan pushDelivery, 32)}
	ps.srv = httptest.NewServer(http.HandlerFunc(ps.serve))
	t.Cleanup(ps.srv.Close)
	return ps
}

// browser makes a subscription as PushManager would: an endpoint on this
// service and fresh keys. It returns PushSubscription.toJSON().
func (ps *fakePushService) browser(path string) map[string]any {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		ps.t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	ps.mu.Lock()
	ps.agents[path] = pushAgent{priv: priv, auth: auth}
	ps.mu.Unlock()
	return map[string]any{
		"endpoint":       ps.srv.URL + path,
		"expirationTime": nil,
		"keys": map[string]string{
			"p256dh": base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
			"auth":   base64.RawURLEncoding.EncodeToString(auth),
		},
	}
}

func (ps *fakePushService) answer(path string, status int) {
	ps.mu.Lock()
	ps.status[path] = status
	ps.mu.Unlock()
}

func (ps *fakePushService) next(t testing.TB) pushDelivery {
	t.Helper()
	select {
	case d := <-ps.got:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no push arrived")
		return pushDelivery{}
	}
}

func (ps *fakePushService) serve(w http.ResponseWriter, r *http.Request) {
	ps.mu.Lock()
	agent, ok := ps.agents[r.URL.Path]
	status := ps.status[r.URL.Path]
	ps.mu.Unlock()
	if status == 0 {
		status = http.StatusCreated
	}
	body, _ := io.ReadAll(r.Body)
	err := func() error {
		if !ok {
			return errors.New("unknown subscription")
		}
		if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
			return fmt.Errorf("headers %v", r.Header)
		}
		if err := ps.verifyVAPID(r.Header.Get("Authorization")); err != nil {
			return err
		}
		plain, err := decryptPush(agent, body)
		if err != nil {
			return err
		}
		var payload map[string]any
		if err := json.Unmarshal(plain, &payload); err != nil {
			return fmt.Errorf("payload %q: %w", plain, err)
		}
		ps.got <- pushDelivery{path: r.URL.Path, header: r.Header.Clone(), payload: payload}
		return nil
	}()
	if err != nil {
		ps.t.Errorf("push service: %s: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(status)
}

// verifyVAPID checks "vapid t=<JWT>, k=<key>" (RFC 8292): k is the app's key
// and signs an unexpired ES256 token for this service's origin.
func (ps *fakePushService) verifyVAPID(h string) error {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return fmt.Errorf("authorization %q is not vapid", h)
	}
	var tok, k string
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			tok = v
		} else if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	if k != ps.vapid {
		return fmt.Errorf("k=%q is not the app's key", k)
	}
	raw, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return err
	}
	_, err = jwt.Parse(tok, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience(ps.srv.URL), jwt.WithExpirationRequired())
	if err != nil {
		return fmt.Errorf("VAPID JWT: %w", err)
	}
	return nil
}

// decryptPush undoes RFC 8291 / RFC 8188 aes128gcm for one record.
func decryptPush(ua pushAgent, body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short body")
	}
	salt, idlen := body[:16], int(body[20])
	if len(body) < 21+idlen {
		return nil, errors.New("truncated key id")
	}
	asPubBytes, ct := body[21:21+idlen], body[21+idlen:]
	asPub, err := ecdh.P256().NewPublicKey(asPubBytes)
	if err != nil {
		return nil, err
	}
	shared, err := ua.priv.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(ua.priv.PublicKey().Bytes()) + string(asPubBytes)
	ikm, err := hkdf.Key(sha256.New, shared, ua.auth, info, 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	pt, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, err
	}
	pt = bytes.TrimRight(pt, "\x00")
	if len(pt) == 0 || pt[len(pt)-1] != 0x02 {
		return nil, errors.New("no padding delimiter")
	}
	return pt[:len(pt)-1], nil
}
