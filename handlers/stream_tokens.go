package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/campfire-go/campfire/internal/streamtoken"
)

// streamTokenSecretKey names the key stream tokens are signed with in the
// settings table: made once, kept across restarts, so the tabs reconnecting
// after a restart still hold good tokens.
const streamTokenSecretKey = "stream_token_secret"

// streamTokenTTL is how long a room page's stream token opens its stream.
// A page kept open longer reconnects on its cookie, as before tokens.
const streamTokenTTL = 12 * time.Hour

// startStreamTokens reads the key and what the tokens of an earlier run are
// checked against, and has the hub tell the keeper of every end. Without
// them (a failed read) pages carry no token and streams use the cookie.
func (h *Handler) startStreamTokens(ctx context.Context) error {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	v, err := h.store.SetSettingIfAbsent(ctx, streamTokenSecretKey, hex.EncodeToString(b[:]))
	if err != nil {
		return err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 32 {
		return fmt.Errorf("stream token secret: stored value is not a 32-byte hex key")
	}
	// Issued earlier than the snapshot is read, by a whisker: a token made
	// by this run while the snapshot is read is checked against it too.
	start := time.Now()
	sessions, members, err := h.store.StreamSnapshot(ctx)
	if err != nil {
		return err
	}
	// A token never outlives its sign-in: a used sign-in is always good for
	// the lifetime less a renewal step (renewSession).
	ttl := min(streamTokenTTL, h.cfg.SessionLifetime-min(24*time.Hour, h.cfg.SessionLifetime/10))
	h.tokens = streamtoken.New(key, ttl, streamtoken.Snapshot{Sessions: sessions, Memberships: members}, start)
	h.hub.AddRevoker(h.tokens)
	return nil
}

// streamToken is the token for the user's stream on the room through this
// request's sign-in, or "" when there is none to give. issued is taken before
// the request read what authorized it.
func (h *Handler) streamToken(r *http.Request, userID, roomID int64, issued time.Time) string {
	sid := h.sessions.GetInt64(r.Context(), sessionIDKey)
	if h.tokens == nil || sid == 0 {
		return ""
	}
	return h.tokens.Issue(userID, roomID, sid, issued, streamTokenTTL)
}
