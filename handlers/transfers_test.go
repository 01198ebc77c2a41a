package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestTransferTokensCannotBeForged: a genuine token verifies to its user
// until it expires; any change to it, a token signed with another key, and
// tokens of other users never verify to the wrong person.
func TestTransferTokensCannotBeForged(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "key")
		userID := rapid.Int64Range(1, 1<<53).Draw(t, "user")
		epoch := rapid.Int64Range(0, 1<<40).Draw(t, "epoch")
		now := time.Unix(rapid.Int64Range(1_000_000_000, 4_000_000_000).Draw(t, "now"), 0)
		tok := signTransfer(key, userID, epoch, now.Add(transferLifetime))

		if id, ep, ok := verifyTransfer(key, tok, now); !ok || id != userID || ep != epoch {
			t.Fatalf("genuine token refused: %q", tok)
		}
		if _, _, ok := verifyTransfer(key, tok, now.Add(transferLifetime)); ok {
			t.Fatal("token accepted at its expiry")
		}
		if _, _, ok := verifyTransfer(key, tok, now.Add(transferLifetime-time.Second)); !ok {
			t.Fatal("token refused a second before its expiry")
		}

		// Any mutation: replace, insert or delete one character, or splice.
		mutated := []byte(tok)
		switch rapid.IntRange(0, 3).Draw(t, "mutation") {
		case 0:
			i := rapid.IntRange(0, len(mutated)-1).Draw(t, "at")
			c := rapid.Byte().Filter(func(b byte) bool { return b != mutated[i] }).Draw(t, "char")
			mutated[i] = c
		case 1:
			i := rapid.IntRange(0, len(mutated)).Draw(t, "at")
			c := rapid.Byte().Draw(t, "char")
			mutated = append(mutated[:i], append([]byte{c}, mutated[i:]...)...)
		case 2:
			i := rapid.IntRange(0, len(mutated)-1).Draw(t, "at")
			mutated = append(mutated[:i], mutated[i+1:]...)
		case 3:
			// A forger's own payload (another user, a later expiry) with the
			// genuine mac.
			other := rapid.Int64Range(1, 1<<53).Filter(func(id int64) bool { return id != userID }).Draw(t, "other")
			mac := tok[strings.LastIndexByte(tok, '.')+1:]
			mutated = fmt.Appendf(nil, "%d.%d.%d.%s", other, epoch, now.Add(48*time.Hour).Unix(), mac)
		}
		if _, _, ok := verifyTransfer(key, string(mutated), now); ok {
			t.Fatalf("mutated token %q of %q accepted", mutated, tok)
		}

		// Another server's key does not verify this server's tokens.
		otherKey := rapid.SliceOfN(rapid.Byte(), 32, 32).Filter(func(k []byte) bool { return string(k) != string(key) }).Draw(t, "other key")
		if _, _, ok := verifyTransfer(otherKey, tok, now); ok {
			t.Fatal("token verified with another key")
		}
		// Different users get different tokens.
		other := rapid.Int64Range(1, 1<<53).Filter(func(id int64) bool { return id != userID }).Draw(t, "other user")
		if signTransfer(key, other, epoch, now.Add(transferLifetime)) == tok {
			t.Fatal("two users share a token")
		}
	})
}

func TestTransferTokenEdgeCases(t *testing.T) {
	key := make([]byte, 32)
	now := time.Now()
	good := signTransfer(key, 7, 0, now.Add(time.Hour))
	for _, tok := range []string{
		"", ".", "..", "7", "7.", good + ".", "." + good, "07" + good[1:], "+" + good, " " + good,
		strings.Repeat("9", 200) + good,
		signTransfer(key, 0, 0, now.Add(time.Hour)), signTransfer(key, -7, 0, now.Add(time.Hour)),
		signTransfer(key, 7, -1, now.Add(time.Hour)), signTransfer(key, 7, 0, now.Add(-time.Second)),
	} {
		if _, _, ok := verifyTransfer(key, tok, now); ok {
			t.Errorf("accepted %q", tok)
		}
	}
}

// TestTransferSignsInOnAnotherDevice follows the sign-in link of a profile
// page on a second device: the page holds a form (which works without
// scripts), and sending it signs that person in there.
func TestTransferSignsInOnAnotherDevice(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Member")

	doc := document(t, bob.get("/users/me/profile"))
	link := doc.Find("#transfer_url").AttrOr("value", "")
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/session/transfers/") {
		t.Fatalf("transfer link %q", link)
	}
	if src := doc.Find("img.share-link__qr").AttrOr("src", ""); !strings.HasPrefix(src, "/qr_code/") {
		t.Errorf("no QR code of the link: %q", src)
	}

	phone := a.anonymous()
	page := document(t, phone.get(u.Path))
	form := page.Find(fmt.Sprintf("form[action=%q]", u.Path))
	if form.Length() != 1 || form.Find(`input[name="_method"][value="put"]`).Length() != 1 || form.Find("button[type=submit]").Length() != 1 {
		t.Fatalf("transfer page form: %q", page.Find("main").Text())
	}
	if !strings.Contains(page.Find("h1").Text(), "Bob Member") {
		t.Errorf("the page does not say whose account: %q", page.Find("h1").Text())
	}
	if page.Find(`script[src*="transfer"]`).Length() != 0 {
		t.Error("the page submits itself")
	}
	if phone.signedInAs(t) != 0 {
		t.Fatal("the GET alone signed in")
	}

	res := phone.postForm(u.Path, url.Values{"_method": {"put"}})
	wantStatus(t, res, http.StatusSeeOther)
	if got := phone.signedInAs(t); got != bob.user.ID {
		t.Fatalf("signed in as %d, want %d", got, bob.user.ID)
	}
	if n := a.count(`SELECT count(*) FROM user_sessions WHERE user_id = ?`, bob.user.ID); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}

	// Bad and expired links: 400 on the page and on the form, nothing signed in.
	key, err := a.h.transfer.get(context.Background(), a.store.SetSettingIfAbsent)
	if err != nil {
		t.Fatal(err)
	}
	expired := signTransfer(key, bob.user.ID, 0, time.Now().Add(-time.Minute))
	for _, tok := range []string{expired, "garbage", strings.Replace(u.Path[len("/session/transfers/"):], ".", "x", 1)} {
		c := a.anonymous()
		wantStatus(t, c.get("/session/transfers/"+url.PathEscape(tok)), http.StatusBadRequest)
		wantStatus(t, c.sendForm(http.MethodPut, "/session/transfers/"+url.PathEscape(tok), nil), http.StatusBadRequest)
		if c.signedInAs(t) != 0 {
			t.Errorf("token %q signed someone in", tok)
		}
	}
	// A deactivated person's link stops working.
	admin := a.signInFrom(t, "ada@example.com", "198.51.100.40")
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/account/users/%d", bob.user.ID), "", ""), http.StatusSeeOther)
	wantStatus(t, a.anonymous().sendForm(http.MethodPut, u.Path, nil), http.StatusBadRequest)
}

// TestTransferSecretIsKept: the secret is made once and kept in the
// database, so links survive a restart.
func TestTransferSecretIsKept(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Member")
	tok, err := a.h.transferToken(context.Background(), bob.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := a.store.Setting(context.Background(), transferSecretKey)
	if err != nil || len(secret) != 64 {
		t.Fatalf("secret %q: %v", secret, err)
	}
	path := a.dbPath
	a.stop()
	b := newTestAppAt(t, path)
	c := b.anonymous()
	wantStatus(t, c.sendForm(http.MethodPut, "/session/transfers/"+tok, nil), http.StatusSeeOther)
	if c.signedInAs(t) != bob.user.ID {
		t.Error("a link made before the restart does not work after it")
	}
}

// TestSessionTokensAreLongAndRandom signs in many times and checks every
// session cookie is distinct, long, and made of many different characters.
func TestSessionTokensAreLongAndRandom(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	seen := map[string]bool{}
	chars := map[rune]bool{}
	const n = 60
	for range n {
		c := a.anonymous()
		res := c.postForm("/session", url.Values{"email_address": {"ada@example.com"}, "password": {"secret-password"}})
		wantStatus(t, res, http.StatusSeeOther)
		var token string
		for _, ck := range res.Cookies() {
			if ck.Name == "session_token" {
				token = ck.Value
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
					t.Errorf("cookie flags: %+v", ck)
				}
			}
		}
		if len(token) < 32 {
			t.Fatalf("session token %q is shorter than 32 characters", token)
		}
		if seen[token] {
			t.Fatalf("session token %q issued twice", token)
		}
		seen[token] = true
		for _, r := range token {
			chars[r] = true
		}
	}
	// 60 tokens of ≥32 random base64 characters use nearly all 64 symbols;
	// a counter or a timestamp would use a handful.
	if len(chars) < 50 {
		t.Errorf("session tokens use only %d distinct characters", len(chars))
	}
}
