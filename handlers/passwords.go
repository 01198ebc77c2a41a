package handlers

import (
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// hashPassword hashes a new password at the configured cost.
func (h *Handler) hashPassword(password string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(password), h.passwordCost())
}

func (h *Handler) passwordCost() int {
	if h.cfg.PasswordCost == 0 {
		return bcrypt.DefaultCost
	}
	return h.cfg.PasswordCost
}

// compareHash is bcrypt's comparison; a variable so a test can watch which
// hashes a sign-in compares against.
var compareHash = bcrypt.CompareHashAndPassword

// passwordMatches checks a password against a digest. With no digest (an
// unknown or inactive email) it still runs one comparison, against a hash of
// the same cost, so the answer takes as long whether or not the email has an
// account: timing must not tell which addresses are registered.
func (h *Handler) passwordMatches(digest, password string) bool {
	if digest == "" {
		_ = compareHash(h.dummyHash(), []byte(password))
		return false
	}
	return compareHash([]byte(digest), []byte(password)) == nil
}

// dummyHash is a hash of a random password nobody knows, made once.
func (h *Handler) dummyHash() []byte {
	h.dummyOnce.Do(func() {
		h.dummy, _ = bcrypt.GenerateFromPassword([]byte("no account has this password"), h.passwordCost())
	})
	return h.dummy
}

// dummyState is the Handler's lazily made dummy hash.
type dummyState struct {
	dummyOnce sync.Once
	dummy     []byte
}
