package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// transferLifetime is how long a session-transfer link works.
const transferLifetime = 4 * time.Hour

// transferSecretKey names the server secret in the settings table. It is made
// once, on first use, and never leaves the server.
const transferSecretKey = "session_transfer_secret"

// transferKey caches the transfer secret after its first read.
type transferKey struct {
	mu  sync.Mutex
	key []byte
}

func (k *transferKey) get(ctx context.Context, setIfAbsent func(ctx context.Context, key, value string) (string, error)) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	v, err := setIfAbsent(ctx, transferSecretKey, hex.EncodeToString(b[:]))
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("transfer secret: stored value is not a 32-byte hex key")
	}
	k.key = key
	return key, nil
}

// signTransfer makes a token "<user id>.<expiry unix seconds>.<mac>": the mac
// is HMAC-SHA256 over the exact text before it, so the token can't be forged
// or altered without the secret, and it ends by itself at the expiry.
func signTransfer(key []byte, userID int64, expires time.Time) string {
	payload := strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + transferMAC(key, payload)
}

func transferMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("session-transfer:" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verifyTransfer returns the user id of a genuine, unexpired token. The mac is
// compared as text, over the payload exactly as sent, so no other spelling of
// the same numbers (a leading zero, a plus sign, other base64 padding bits)
// passes.
func verifyTransfer(key []byte, token string, now time.Time) (int64, bool) {
	if len(token) > 128 {
		return 0, false
	}
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return 0, false
	}
	payload, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(transferMAC(key, payload))) {
		return 0, false
	}
	idText, expText, ok := strings.Cut(payload, ".")
	if !ok {
		return 0, false
	}
	id, err := parseID(idText)
	if err != nil {
		return 0, false
	}
	exp, err := strconv.ParseInt(expText, 10, 64)
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return 0, false
	}
	return id, true
}

// transferToken makes a sign-in link token for the user, valid from now.
func (h *Handler) transferToken(ctx context.Context, userID int64) (string, error) {
	key, err := h.transfer.get(ctx, h.store.SetSettingIfAbsent)
	if err != nil {
		return "", err
	}
	return signTransfer(key, userID, time.Now().Add(transferLifetime)), nil
}
