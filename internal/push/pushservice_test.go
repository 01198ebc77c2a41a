package push

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
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// userAgent is the browser side of a subscription: the key pair and auth
// secret a real PushManager would generate.
type userAgent struct {
	priv *ecdh.PrivateKey
	auth []byte
}

func newUserAgent(t testing.TB) userAgent {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return userAgent{priv: priv, auth: auth}
}

// delivery is what the fake push service saw and decrypted.
type delivery struct {
	path      string
	header    http.Header
	sub       string // VAPID JWT "sub" claim
	plaintext []byte
}

// pushService is an httptest push endpoint that checks every request the way
// a real one would (VAPID JWT, aes128gcm) and decrypts it with the user
// agent's keys, so tests can assert on the exact JSON a browser would get.
type pushService struct {
	t      testing.TB
	srv    *httptest.Server
	keys   Keys // the application server's VAPID keys we expect in k=
	status func(path string) int
	hold   chan struct{} // when non-nil, /hold/ requests wait on it
	seen   chan struct{} // when non-nil, /hold/ requests signal arrival

	mu  sync.Mutex
	uas map[string]userAgent
	got []delivery
}

func newPushService(t testing.TB, keys Keys) *pushService {
	t.Helper()
	ps := &pushService{
		t:      t,
		keys:   keys,
		uas:    map[string]userAgent{},
		status: func(string) int { return http.StatusCreated },
	}
	ps.srv = httptest.NewServer(http.HandlerFunc(ps.serve))
	t.Cleanup(ps.srv.Close)
	return ps
}

// subscribe registers a browser at path and returns its subscription.
func (ps *pushService) subscribe(id int64, path string) Subscription {
	ua := newUserAgent(ps.t)
	ps.mu.Lock()
	ps.uas[path] = ua
	ps.mu.Unlock()
	return Subscription{
		ID:       id,
		Endpoint: ps.srv.URL + path,
		P256dh:   base64.RawURLEncoding.EncodeToString(ua.priv.PublicKey().Bytes()),
		Auth:     base64.RawURLEncoding.EncodeToString(ua.auth),
	}
}

func (ps *pushService) deliveries() []delivery {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]delivery(nil), ps.got...)
}

func (ps *pushService) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/hold/") {
		if ps.seen != nil {
			ps.seen <- struct{}{}
		}
		if ps.hold != nil {
			<-ps.hold
		}
	}
	d, err := ps.check(r)
	if err != nil {
		ps.t.Errorf("push service: %s: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ps.mu.Lock()
	ps.got = append(ps.got, d)
	ps.mu.Unlock()
	w.WriteHeader(ps.status(r.URL.Path))
}

func (ps *pushService) check(r *http.Request) (delivery, error) {
	d := delivery{path: r.URL.Path, header: r.Header.Clone()}
	if r.Method != http.MethodPost {
		return d, fmt.Errorf("method %s", r.Method)
	}
	ps.mu.Lock()
	ua, ok := ps.uas[r.URL.Path]
	ps.mu.Unlock()
	if !ok {
		return d, errors.New("unknown subscription")
	}

	sub, err := ps.verifyVAPID(r.Header.Get("Authorization"))
	if err != nil {
		return d, err
	}
	d.sub = sub

	body, err := io.ReadAll(r.Body)
	if err != nil {
		return d, err
	}
	d.plaintext, err = decrypt(ua, body)
	return d, err
}

// verifyVAPID checks "vapid t=<JWT>, k=<key>" (RFC 8292): the key is ours and
// signs an ES256 token for this origin. It returns the sub claim.
func (ps *pushService) verifyVAPID(h string) (string, error) {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return "", fmt.Errorf("authorization %q is not vapid", h)
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
	if k != ps.keys.Public {
		return "", fmt.Errorf("k=%q, want our public key %q", k, ps.keys.Public)
	}
	raw, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return "", err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return "", err
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(tok, claims,
		func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithAudience(ps.srv.URL),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		return "", fmt.Errorf("VAPID JWT: %w", err)
	}
	sub, _ := claims["sub"].(string)
	return sub, nil
}

// decrypt undoes RFC 8291 + RFC 8188 aes128gcm for a single record.
func decrypt(ua userAgent, body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, idlen := body[:16], int(body[20])
	if len(body) < 21+idlen {
		return nil, errors.New("truncated key id")
	}
	asPubBytes, ct := body[21:21+idlen], body[21+idlen:]
	asPub, err := ecdh.P256().NewPublicKey(asPubBytes)
	if err != nil {
		return nil, fmt.Errorf("application server key: %w", err)
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
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	pt = bytes.TrimRight(pt, "\x00")
	if len(pt) == 0 || pt[len(pt)-1] != 0x02 {
		return nil, errors.New("missing last-record padding delimiter")
	}
	return pt[:len(pt)-1], nil
}
