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

// signTransfer makes a token "<user id>.<epoch>.<expiry unix seconds>.<mac>":
// the mac is HMAC-SHA256 over the exact text before it, so the token can't be
// forged or altered without the secret, and it ends by itself at the expiry.
// The epoch is the person's transfer epoch when the link was made; the link
// works only while it is unchanged (db.UseTransfer), which makes it single-use
// and ends it at a password change or sign-out.
func signTransfer(key []byte, userID, epoch int64, expires time.Time) string {
	payload := strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(epoch, 10) + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + transferMAC(key, payload)
}

func transferMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("session-transfer:" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verifyTransfer returns the user id and epoch of a genuine, unexpired token.
// The mac is compared as text, over the payload exactly as sent, so no other
// spelling of the same numbers (a leading zero, a plus sign, other base64
// padding bits) passes.
func verifyTransfer(key []byte, token string, now time.Time) (userID, epoch int64, ok bool) {
	if len(token) > 160 {
		return 0, 0, false
	}
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return 0, 0, false
	}
	payload, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(transferMAC(key, payload))) {
		return 0, 0, false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 {
		return 0, 0, false
	}
	id, err := parseID(parts[0])
	if err != nil {
		return 0, 0, false
	}
	epoch, err = strconv.ParseInt(parts[1], 10, 64)
	if err != nil || epoch < 0 {
		return 0, 0, false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return 0, 0, false
	}
	return id, epoch, true
}

// transferToken makes a sign-in link token for the user, valid from now
// until it is used, the person changes their password or signs out, or
// transferLifetime passes.
func (h *Handler) transferToken(ctx context.Context, userID int64) (string, error) {
	key, err := h.transfer.get(ctx, h.store.SetSettingIfAbsent)
	if err != nil {
		return "", err
	}
	epoch, err := h.store.TransferEpoch(ctx, userID)
	if err != nil {
		return "", err
	}
	return signTransfer(key, userID, epoch, time.Now().Add(transferLifetime)), nil
}
