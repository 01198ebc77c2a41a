package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// hostileText is one value per kind of text issue 19 (item 12) found
// accepted: control characters, bidirectional overrides and text with
// nothing visible.
var hostileText = map[string]string{
	"NUL":                    "Eve\x00",
	"CR":                     "Eve\rAdmin",
	"LF":                     "Eve\nAdmin",
	"tab":                    "Eve\tAdmin",
	"right-to-left override": "Eve\u202enimdA",
	"isolate":                "Eve\u2067x\u2069",
	"zero-width only":        "\u200b\u200c\u200d",
	"Hangul filler only":     "\u3164",
	"joiner and BOM only":    "\u2060\ufeff",
	"variation selectors":    "\ufe0f\ufe0f",
}

// TestNamesAndBiosRefuseControlAndInvisibleText: a person's name (at
// sign-up and on the profile), a bio, a room's, a bot's and the account's
// name holding control or
// bidirectional characters, or nothing visible, are refused with 422 and
// change nothing; ordinary text with a joiner inside still passes.
func TestNamesAndBiosRefuseControlAndInvisibleText(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	rooms := a.count(`SELECT count(*) FROM rooms`)
	users := a.count(`SELECT count(*) FROM users`)

	for kind, v := range hostileText {
		for field, res := range map[string]*http.Response{
			"profile name": bob.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[name]": {v}}),
			"bio":          bob.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[bio]": {v}}),
			"join name": a.anonymous().postForm("/join/"+a.account().JoinCode, url.Values{
				"user[name]": {v}, "user[email_address]": {"eve@example.com"}, "user[password]": {"secret-password"},
			}),
			"room name":    admin.postForm("/rooms/opens", url.Values{"room[name]": {v}}),
			"bot name":     admin.postForm("/account/bots", url.Values{"user[name]": {v}}),
			"account name": admin.sendForm(http.MethodPut, "/account", url.Values{"account[name]": {v}}),
			"room rename": admin.sendForm(http.MethodPut, fmt.Sprintf("/rooms/opens/%d", a.allTalk()),
				url.Values{"room[name]": {v}}),
		} {
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s %s: %d, want 422", field, kind, res.StatusCode)
			}
			res.Body.Close()
		}
	}
	if u := a.user(bob.user.ID); u.Name != "Bob Member" || u.Bio != "" {
		t.Errorf("refused updates changed Bob: %q %q", u.Name, u.Bio)
	}
	if n := a.count(`SELECT count(*) FROM rooms`); n != rooms {
		t.Errorf("rooms %d → %d", rooms, n)
	}
	if n := a.count(`SELECT count(*) FROM rooms WHERE name = 'All Talk'`); n != 1 {
		t.Error("All Talk was renamed")
	}
	if n := a.count(`SELECT count(*) FROM users`); n != users {
		t.Errorf("users %d → %d", users, n)
	}

	// A joiner inside visible text (emoji sequences, Indic scripts) is fine.
	ok := "Bob \U0001F469\u200D\U0001F4BB क्\u200Dष"
	res := bob.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[name]": {ok}, "user[bio]": {ok}})
	wantStatus(t, res, http.StatusSeeOther)
	if u := a.user(bob.user.ID); u.Name != ok || u.Bio != ok {
		t.Errorf("ordinary text refused: %q %q", u.Name, u.Bio)
	}
}

// TestMessagesAndBoostsOfInvisibleTextAreRefused: a message or a boost made
// only of characters that show nothing is refused with 422 and not stored.
func TestMessagesAndBoostsOfInvisibleTextAreRefused(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	admin.mustPost(t, room, "hello", "seed-1")
	var msgID int64
	if err := a.store.Writer().QueryRow(`SELECT max(id) FROM messages`).Scan(&msgID); err != nil {
		t.Fatal(err)
	}
	messages, boosts := a.messageCount(), a.count(`SELECT count(*) FROM boosts`)

	i := 0
	for kind, v := range hostileText {
		if kind == "NUL" || kind == "CR" || kind == "LF" || kind == "tab" || kind == "right-to-left override" || kind == "isolate" {
			continue // visible text around them: a fine message
		}
		i++
		res := admin.post(room, v, fmt.Sprintf("invisible-%d", i))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("message %s: %d, want 422", kind, res.StatusCode)
		}
		res.Body.Close()
		res = admin.postForm(fmt.Sprintf("/messages/%d/boosts", msgID), url.Values{"boost[content]": {v}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("boost %s: %d, want 422", kind, res.StatusCode)
		}
		res.Body.Close()
	}
	if n := a.messageCount(); n != messages {
		t.Errorf("messages %d → %d", messages, n)
	}
	if n := a.count(`SELECT count(*) FROM boosts`); n != boosts {
		t.Errorf("boosts %d → %d", boosts, n)
	}
}
