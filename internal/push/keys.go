// Package push delivers Web Push notifications (RFC 8030/8291) signed with
// VAPID (RFC 8292). It knows nothing about the database: callers hand it
// subscriptions and payloads, and learn about dead subscriptions through the
// onGone callback given to NewSender.
package push

import (
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// Keys is the server's VAPID key pair, both halves base64url without padding.
// Public is what browsers receive as applicationServerKey. Rotating the pair
// invalidates every existing subscription, so generate it once and persist it.
type Keys struct {
	Public  string
	Private string
}

// GenerateKeys makes a fresh VAPID key pair.
func GenerateKeys() (Keys, error) {
	// webpush-go returns (private, public); naming the results keeps the
	// easy-to-swap order from leaking out of this function.
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return Keys{}, fmt.Errorf("push: generate VAPID keys: %w", err)
	}
	return Keys{Public: public, Private: private}, nil
}

// Validate reports whether k holds a usable P-256 key pair whose halves match.
// Catching a swapped or truncated pair at start-up beats failing every send.
func (k Keys) Validate() error {
	priv, err := decodeKey(k.Private)
	if err != nil {
		return fmt.Errorf("push: VAPID private key: %w", err)
	}
	pub, err := decodeKey(k.Public)
	if err != nil {
		return fmt.Errorf("push: VAPID public key: %w", err)
	}
	sk, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return fmt.Errorf("push: VAPID private key: %w", err)
	}
	if string(sk.PublicKey().Bytes()) != string(pub) {
		return errors.New("push: VAPID public key does not match the private key")
	}
	return nil
}

// ValidKeys checks a browser subscription's keys: p256dh must be an
// uncompressed P-256 point and auth a 16-byte secret (RFC 8291 §3). Checking
// on subscribe keeps undeliverable rows out of the database.
func ValidKeys(p256dh, auth string) error {
	pub, err := decodeKey(p256dh)
	if err != nil {
		return fmt.Errorf("push: p256dh: %w", err)
	}
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return fmt.Errorf("push: p256dh is not a P-256 public key: %w", err)
	}
	secret, err := decodeKey(auth)
	if err != nil {
		return fmt.Errorf("push: auth: %w", err)
	}
	if len(secret) != 16 {
		return fmt.Errorf("push: auth secret is %d bytes, want 16", len(secret))
	}
	return nil
}

// decodeKey accepts the base64 flavours browsers and libraries emit in the
// wild: URL or standard alphabet, with or without padding.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if s == "" {
		return nil, errors.New("empty key")
	}
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64")
	}
	return b, nil
}
