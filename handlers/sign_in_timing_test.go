package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestSignInComparesAHashForUnknownEmails: a sign-in with an email that has
// no account (or whose person was deactivated) runs one bcrypt comparison at
// the cost of real hashes, as a wrong password does, so the time of the
// answer does not tell which addresses have accounts (issue 19, item 11).
// The comparisons are watched, not timed: bcrypt's cost is the time.
func TestSignInComparesAHashForUnknownEmails(t *testing.T) {
	var mu sync.Mutex
	costs := map[string][]int{} // password tried → costs of the hashes compared
	real := compareHash
	compareHash = func(hash, password []byte) error {
		cost, err := bcrypt.Cost(hash)
		if err != nil {
			cost = -1
		}
		mu.Lock()
		costs[string(password)] = append(costs[string(password)], cost)
		mu.Unlock()
		return real(hash, password)
	}
	t.Cleanup(func() { compareHash = real })

	a := newTestApp(t)
	admin := a.admin()
	gone := a.member("Gone Person")
	wantStatus(t, admin.sendForm(http.MethodDelete, fmt.Sprintf("/account/users/%d", gone.user.ID), nil), http.StatusSeeOther)

	for _, tc := range []struct{ email, password string }{
		{"ada@example.com", "wrong-password-1"},         // an account, wrong password
		{"nobody@example.com", "wrong-password-2"},      // no account
		{"gone.person@example.com", "wrong-password-3"}, // deactivated
		{"", "wrong-password-4"},                        // no email at all
	} {
		res := a.anonymous().postForm("/session", url.Values{"email_address": {tc.email}, "password": {tc.password}})
		wantStatus(t, res, http.StatusUnauthorized)
		mu.Lock()
		got := costs[tc.password]
		mu.Unlock()
		if len(got) != 1 || got[0] != bcrypt.MinCost {
			t.Errorf("%q: compared against hashes of cost %v, want one of cost %d (the app's)", tc.email, got, bcrypt.MinCost)
		}
	}
}
