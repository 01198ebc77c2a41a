// Package pushtest is the other side of Web Push, for tests: the browser's
// subscription keys, and what a push service checks and decrypts. Tests run
// it behind a local httptest server in place of a browser vendor's service.
package pushtest

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
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Agent is the browser side of a subscription: the key pair and auth secret
// a real PushManager would generate.
type Agent struct {
	Priv *ecdh.PrivateKey
	Auth []byte
}

// NewAgent makes fresh subscription keys.
func NewAgent() (Agent, error) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return Agent{}, err
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	return Agent{Priv: priv, Auth: auth}, nil
}

// P256dh and AuthKey are the keys as PushSubscription.toJSON() gives them.
func (a Agent) P256dh() string {
	return base64.RawURLEncoding.EncodeToString(a.Priv.PublicKey().Bytes())
}
func (a Agent) AuthKey() string { return base64.RawURLEncoding.EncodeToString(a.Auth) }

// VerifyVAPID checks an Authorization header "vapid t=<JWT>, k=<key>" (RFC
// 8292): k is the application server's public key and signs an unexpired
// ES256 token for the push service's origin. It returns the token's sub.
func VerifyVAPID(header, appPublicKey, origin string) (string, error) {
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return "", fmt.Errorf("authorization %q is not vapid", header)
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
	if k != appPublicKey {
		return "", fmt.Errorf("k=%q, want the application server's key %q", k, appPublicKey)
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
		jwt.WithAudience(origin),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		return "", fmt.Errorf("VAPID JWT: %w", err)
	}
	sub, _ := claims["sub"].(string)
	return sub, nil
}

// Decrypt undoes RFC 8291 + RFC 8188 aes128gcm for a single record, as the
// browser holding the agent's keys would.
func Decrypt(a Agent, body []byte) ([]byte, error) {
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
	shared, err := a.Priv.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(a.Priv.PublicKey().Bytes()) + string(asPubBytes)
	ikm, err := hkdf.Key(sha256.New, shared, a.Auth, info, 32)
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
