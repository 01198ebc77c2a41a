// Package streamtoken is the credential of a tab's event stream: a short-lived
// token the room page puts in its stream's URL, signed with a server key and
// checked in memory, so a reconnecting tab (thousands at once after a restart)
// costs no read of its session, its person or its membership.
//
// A token never gives more than the sign-in it was made for had. It names the
// person, the room and the sign-in; it ends at its expiry, and earlier when
// the sign-in ends, the person is deactivated or banned, or loses the room.
// Those ends are held in memory (Revoke*). Tokens made by an earlier run of
// the server are checked against what the database said when this run
// started (Snapshot), and against every end since.
package streamtoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors of Check. A handler treats them alike (the request falls back to its
// cookie); tests tell them apart.
var (
	ErrMalformed = errors.New("streamtoken: malformed")
	ErrForged    = errors.New("streamtoken: bad signature")
	ErrExpired   = errors.New("streamtoken: expired")
	ErrWrongRoom = errors.New("streamtoken: made for another room")
	ErrRevoked   = errors.New("streamtoken: revoked")
)

// Claims is what a token says.
type Claims struct {
	UserID, RoomID, SessionID int64
	Issued                    time.Time // to the millisecond
	Expires                   time.Time // to the second
}

// Snapshot is what the database said when this run started: the sign-ins
// that stood (of active people, to whom they belong) and who was in which
// room. Only tokens made before the start are checked against it.
type Snapshot struct {
	Sessions    map[int64]int64   // sign-in → person
	Memberships map[[2]int64]bool // {person, room}
}

// Keeper makes and checks tokens, and holds the revocations.
type Keeper struct {
	key   []byte
	start int64 // ms; tokens issued before it come from an earlier run
	snap  Snapshot

	mu       sync.RWMutex
	sessions map[int64]int64    // sign-in → ended at (ms)
	users    map[int64]userEnd  // person → their streams ended at
	rooms    map[[2]int64]int64 // {person, room} → lost at (ms)
	pruned   int64              // ms; the last sweep of old revocations
	maxTTL   time.Duration
}

type userEnd struct {
	at   int64 // ms
	keep int64 // a sign-in spared (a password change keeps the one that made it)
}

// New returns a keeper signing with key (32 bytes or more, kept by the
// server), for tokens that live at most maxTTL, started now with what the
// database says.
func New(key []byte, maxTTL time.Duration, snap Snapshot, now time.Time) *Keeper {
	return &Keeper{
		key: key, start: now.UnixMilli(), snap: snap, maxTTL: maxTTL,
		sessions: map[int64]int64{}, users: map[int64]userEnd{}, rooms: map[[2]int64]int64{},
	}
}

// Issue makes a token for the person's stream on the room through the
// sign-in, valid for ttl (at most the keeper's maximum). issued should be
// taken before the request read what authorizes it, so a revocation
// committed after that read is later than the token.
func (k *Keeper) Issue(userID, roomID, sessionID int64, issued time.Time, ttl time.Duration) string {
	ttl = min(ttl, k.maxTTL)
	payload := "1." + strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(roomID, 10) + "." +
		strconv.FormatInt(sessionID, 10) + "." + strconv.FormatInt(issued.UnixMilli(), 10) + "." +
		strconv.FormatInt(issued.Add(ttl).Unix(), 10)
	return payload + "." + k.mac(payload)
}

func (k *Keeper) mac(payload string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte("stream:"))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// Check reads a token and says whether it opens the room's stream now.
func (k *Keeper) Check(token string, roomID int64, now time.Time) (Claims, error) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || len(token) > 200 {
		return Claims{}, ErrMalformed
	}
	payload, sig := token[:i], token[i+1:]
	if !hmac.Equal([]byte(sig), []byte(k.mac(payload))) {
		return Claims{}, ErrForged
	}
	f := strings.Split(payload, ".")
	if len(f) != 6 || f[0] != "1" {
		return Claims{}, ErrMalformed
	}
	var n [5]int64
	for j := range n {
		v, err := strconv.ParseInt(f[j+1], 10, 64)
		if err != nil {
			return Claims{}, ErrMalformed
		}
		n[j] = v
	}
	c := Claims{UserID: n[0], RoomID: n[1], SessionID: n[2], Issued: time.UnixMilli(n[3]), Expires: time.Unix(n[4], 0)}
	if !now.Before(c.Expires) {
		return Claims{}, ErrExpired
	}
	if c.RoomID != roomID {
		return Claims{}, ErrWrongRoom
	}
	if k.revoked(c) {
		return Claims{}, ErrRevoked
	}
	return c, nil
}

func (k *Keeper) revoked(c Claims) bool {
	iat := c.Issued.UnixMilli()
	if iat < k.start {
		if uid, ok := k.snap.Sessions[c.SessionID]; !ok || uid != c.UserID {
			return true
		}
		if !k.snap.Memberships[[2]int64{c.UserID, c.RoomID}] {
			return true
		}
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if at, ok := k.sessions[c.SessionID]; ok && iat <= at {
		return true
	}
	if e, ok := k.users[c.UserID]; ok && iat <= e.at && c.SessionID != e.keep {
		return true
	}
	if at, ok := k.rooms[[2]int64{c.UserID, c.RoomID}]; ok && iat <= at {
		return true
	}
	return false
}

// RevokeSessions ends the tokens of sign-ins that ended.
func (k *Keeper) RevokeSessions(now time.Time, sessionIDs ...int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, id := range sessionIDs {
		k.sessions[id] = now.UnixMilli()
	}
	k.prune(now)
}

// RevokeUser ends the person's tokens, but those of the sign-in keep (0:
// none), for a deactivation, a ban, a sign-out everywhere or a password
// change.
func (k *Keeper) RevokeUser(now time.Time, userID, keep int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	// Two ends sparing different sign-ins spare neither: a spared token
	// only falls back to its cookie.
	if old, ok := k.users[userID]; ok && old.keep != keep {
		keep = 0
	}
	k.users[userID] = userEnd{at: now.UnixMilli(), keep: keep}
	k.prune(now)
}

// RevokeRoom ends the person's tokens for a room they lost.
func (k *Keeper) RevokeRoom(now time.Time, userID, roomID int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.rooms[[2]int64{userID, roomID}] = now.UnixMilli()
	k.prune(now)
}

// prune forgets revocations older than any token that could still be valid,
// at most once a minute, so the maps hold no more than a lifetime's worth.
func (k *Keeper) prune(now time.Time) {
	t := now.UnixMilli()
	if t-k.pruned < time.Minute.Milliseconds() {
		return
	}
	k.pruned = t
	// A token issued at or before a revocation expired by its time + maxTTL
	// (rounded to the second, hence the extra second).
	cut := t - k.maxTTL.Milliseconds() - 1000
	for id, at := range k.sessions {
		if at < cut {
			delete(k.sessions, id)
		}
	}
	for id, e := range k.users {
		if e.at < cut {
			delete(k.users, id)
		}
	}
	for id, at := range k.rooms {
		if at < cut {
			delete(k.rooms, id)
		}
	}
}
