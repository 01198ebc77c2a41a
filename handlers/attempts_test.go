package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// fromAddress is a new browser on the given address.
func (a *testApp) fromAddress(ip string) *client {
	c := a.anonymous()
	c.ip = ip
	return c
}

func signInForm(email, password string) url.Values {
	return url.Values{"email_address": {email}, "password": {password}}
}

// wantTooManyAttempts checks a refusal says how long to wait.
func wantTooManyAttempts(t *testing.T, res *http.Response, minutes string) {
	t.Helper()
	wantStatus(t, res, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s <= 0 {
		t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	want := "Too many attempts, try again in " + minutes + "."
	if got := strings.Join(strings.Fields(document(t, res).Text()), " "); !strings.Contains(got, want) {
		t.Errorf("refusal does not say %q", want)
	}
}

// TestOfficeJoinsFromOneAddress: twenty people joining from one office
// address within a minute all get in. (With the old per-address budget of
// ten attempts, the eleventh was refused.)
func TestOfficeJoinsFromOneAddress(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	path := "/join/" + a.account().JoinCode
	for i := range 20 {
		c := a.fromAddress("198.51.100.7")
		wantStatus(t, c.get(path), http.StatusOK)
		wantStatus(t, c.postForm(path, url.Values{
			"user[name]": {fmt.Sprintf("Person %d", i)}, "user[email_address]": {fmt.Sprintf("p%d@example.com", i)},
			"user[password]": {"long-enough"},
		}), http.StatusSeeOther)
	}
	if n := a.count(`SELECT count(*) FROM users`); n != 21 {
		t.Errorf("%d users, want 21", n)
	}
	// And each of them signs in again from there.
	for i := range 20 {
		wantStatus(t, a.fromAddress("198.51.100.7").postForm("/session",
			signInForm(fmt.Sprintf("p%d@example.com", i), "long-enough")), http.StatusSeeOther)
	}
}

// TestWrongPasswordsLimitedPerAccount: ten wrong passwords for one account,
// from anywhere, are answered; the eleventh is refused, and so is the right
// password until the window passes. Other accounts are unaffected.
func TestWrongPasswordsLimitedPerAccount(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	a.member("Bea Other")
	for i := range 10 {
		res := a.fromAddress(fmt.Sprintf("192.0.2.%d", i+1)).postForm("/session", signInForm("ada@example.com", "guess"))
		wantStatus(t, res, http.StatusUnauthorized)
	}
	wantTooManyAttempts(t, a.anonymous().postForm("/session", signInForm("ADA@example.com ", "guess")), "3 minutes")
	wantTooManyAttempts(t, a.anonymous().postForm("/session", signInForm("ada@example.com", "secret-password")), "3 minutes")
	wantStatus(t, a.anonymous().postForm("/session", signInForm("bea.other@example.com", "secret-password")), http.StatusSeeOther)
}

// TestFailuresLimitedPerAddress: one address trying many accounts is refused
// after twenty failures, even with a right password; another address is not.
func TestFailuresLimitedPerAddress(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	for i := range 20 {
		res := a.fromAddress("192.0.2.200").postForm("/session", signInForm(fmt.Sprintf("nobody%d@example.com", i), "guess"))
		wantStatus(t, res, http.StatusUnauthorized)
	}
	wantTooManyAttempts(t, a.fromAddress("192.0.2.200").postForm("/session", signInForm("ada@example.com", "secret-password")), "3 minutes")
	wantStatus(t, a.fromAddress("192.0.2.201").postForm("/session", signInForm("ada@example.com", "secret-password")), http.StatusSeeOther)
}

// TestJoinFailuresLimitedPerAddress: refused join forms and guessed codes
// count against the address; past the limit even a good form is refused and
// nothing is stored.
func TestJoinFailuresLimitedPerAddress(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	path := "/join/" + a.account().JoinCode
	bad := url.Values{"user[name]": {""}, "user[email_address]": {"x"}, "user[password]": {"x"}}
	for range 15 {
		wantStatus(t, a.fromAddress("192.0.2.50").postForm(path, bad), http.StatusUnprocessableEntity)
	}
	for range 5 {
		wantStatus(t, a.fromAddress("192.0.2.50").postForm("/join/guessed-code", bad), http.StatusNotFound)
	}
	wantTooManyAttempts(t, a.fromAddress("192.0.2.50").postForm(path, url.Values{
		"user[name]": {"Late"}, "user[email_address]": {"late@example.com"}, "user[password]": {"long-enough"},
	}), "3 minutes")
	if n := a.count(`SELECT count(*) FROM users`); n != 1 {
		t.Errorf("%d users", n)
	}
	wantStatus(t, a.fromAddress("192.0.2.51").postForm(path, bad), http.StatusUnprocessableEntity)
}
