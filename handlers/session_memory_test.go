package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
)

// TestSignInChangesSeenAtOnce: the store remembers each session and
// sign-in in use, so a request reads neither from SQLite (db/memo.go).
// Every change to them made through the app takes effect on the very next
// request all the same: each case first has the person's session and
// sign-in remembered by a request, then changes them through the router.
func TestSignInChangesSeenAtOnce(t *testing.T) {
	signedOut := func(t *testing.T, a *testApp, c *client, room int64) {
		t.Helper()
		if who := c.signedInAs(t); who != 0 {
			t.Fatalf("still signed in as %d", who)
		}
		before := a.countMessages(t)
		res := c.post(room, "still here?", "ghost")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/session/new" {
			t.Fatalf("post with an ended sign-in: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if a.countMessages(t) != before {
			t.Fatal("a post with an ended sign-in was stored")
		}
	}
	for _, tc := range []struct {
		name string
		// change acts on bob (signed in on laptop and phone); check says
		// what the phone finds afterwards.
		change func(t *testing.T, a *testApp, admin, laptop *client)
		check  func(t *testing.T, a *testApp, phone *client, room int64)
	}{
		{"sign-out", func(t *testing.T, a *testApp, _, _ *client) {}, nil},
		{"password changed on another device", func(t *testing.T, _ *testApp, _, laptop *client) {
			wantStatus(t, laptop.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[password]": {"a-new-password"}}),
				http.StatusSeeOther)
		}, signedOut},
		{"signed out everywhere else", func(t *testing.T, _ *testApp, _, laptop *client) {
			wantStatus(t, laptop.send(http.MethodDelete, "/users/me/sessions", "", ""), http.StatusSeeOther)
		}, signedOut},
		{"deactivated", func(t *testing.T, _ *testApp, admin, laptop *client) {
			wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/account/users/%d", laptop.user.ID), "", ""), http.StatusSeeOther)
		}, signedOut},
		{"banned", func(t *testing.T, _ *testApp, admin, laptop *client) {
			wantStatus(t, admin.postForm(fmt.Sprintf("/users/%d/ban", laptop.user.ID), nil), http.StatusSeeOther)
		}, signedOut},
		{"made an administrator", func(t *testing.T, _ *testApp, admin, laptop *client) {
			wantStatus(t, admin.sendForm(http.MethodPut, fmt.Sprintf("/account/users/%d", laptop.user.ID),
				url.Values{"user[role]": {"administrator"}}), http.StatusSeeOther)
		}, func(t *testing.T, _ *testApp, phone *client, _ int64) {
			wantStatus(t, phone.get("/account/bots"), http.StatusOK)
		}},
		{"renamed", func(t *testing.T, _ *testApp, _, laptop *client) {
			wantStatus(t, laptop.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[name]": {"Robert Renamed"}}),
				http.StatusSeeOther)
		}, func(t *testing.T, _ *testApp, phone *client, room int64) {
			res := phone.postForm(fmt.Sprintf("/rooms/%d/messages", room),
				url.Values{"message[body]": {"new name"}, "message[client_message_id]": {"renamed"}}, "HX-Request", "true")
			wantStatus(t, res, http.StatusOK)
			if body := readBody(t, res); !strings.Contains(body, "Robert Renamed") {
				t.Fatalf("the posted message does not carry the new name: %s", body)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestApp(t)
			admin := a.admin()
			room := a.allTalk()
			laptop := a.member("Bob Member")
			phone := a.signInFrom(t, "bob.member@example.com", "198.51.100.9")
			// Remembered from here on: the admin's, the laptop's and the
			// phone's sessions and sign-ins.
			if admin.signedInAs(t) != admin.user.ID || laptop.signedInAs(t) != laptop.user.ID ||
				phone.signedInAs(t) != laptop.user.ID {
				t.Fatal("not signed in to begin with")
			}
			if tc.name == "made an administrator" {
				if res := phone.get("/account/bots"); res.StatusCode == http.StatusOK {
					t.Fatal("a member sees the bots before being made an administrator")
				}
			}
			if tc.check == nil {
				// Signing out on the phone ends that sign-in only.
				wantStatus(t, phone.postForm("/session", url.Values{"_method": {"delete"}}), http.StatusSeeOther)
				if a.signedIn(t, phone.tokenOf(), room) {
					t.Fatal("the phone's cookie still works after signing out")
				}
				if laptop.signedInAs(t) != laptop.user.ID {
					t.Fatal("signing out on the phone signed the laptop out")
				}
				return
			}
			token := phone.tokenOf()
			tc.change(t, a, admin, laptop)
			tc.check(t, a, a.withToken(token), room)
			if admin.signedInAs(t) != admin.user.ID {
				t.Fatal("the change signed the admin out")
			}
		})
	}
}

// TestRememberedSessionsSurviveARestart: sessions and sign-ins remembered
// by one run are the database's after a restart, including a change made
// while the server was down.
func TestRememberedSessionsSurviveARestart(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	adminToken, bobToken := admin.tokenOf(), bob.tokenOf()
	if bob.signedInAs(t) != bob.user.ID || admin.signedInAs(t) != admin.user.ID {
		t.Fatal("not signed in to begin with")
	}
	path := a.dbPath
	a.stop()
	ctx := context.Background()
	down, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := down.Writer().ExecContext(ctx, `UPDATE users SET status = 'deactivated' WHERE id = ?`, bob.user.ID); err != nil {
		t.Fatal(err)
	}
	down.Close()
	b := newTestAppAt(t, path)
	if who := b.withToken(adminToken).signedInAs(t); who != admin.user.ID {
		t.Fatalf("the admin's cookie signs in %d after a restart", who)
	}
	if who := b.withToken(bobToken).signedInAs(t); who != 0 {
		t.Fatalf("a person deactivated before the restart is signed in as %d", who)
	}
}
