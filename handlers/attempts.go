package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Limits on guessing credentials, in one window: failures on one account
// (Campfire's ten in three minutes), and failures from one address, enough
// for an office whose people mistype now and then.
const (
	attemptWindow       = 3 * time.Minute
	accountFailureLimit = 10
	addressFailureLimit = 20
)

// accountKey is the account an email address names, as sign-in matches it.
// It is bounded so odd input cannot grow the limiter's keys.
func accountKey(email string) string {
	k := strings.ToLower(strings.TrimSpace(email))
	if len(k) > 320 {
		k = k[:320]
	}
	return k
}

// signInLimited reports whether a sign-in from ip on account must wait, and
// for how long.
func (h *Handler) signInLimited(ip, account string) (time.Duration, bool) {
	byAddress, a := h.failures.blocked(ip)
	byAccount, b := h.accountFailures.blocked(account)
	return max(byAddress, byAccount), a || b
}

// refuseAttempts tells clients when to come back.
func (h *Handler) refuseAttempts(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
}

// tooManyAttempts says how long to wait, in whole minutes rounded up.
func tooManyAttempts(wait time.Duration) string {
	m := int((wait + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "Too many attempts, try again in 1 minute."
	}
	return fmt.Sprintf("Too many attempts, try again in %d minutes.", m)
}
