package handlers

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/campfire-go/campfire/db"
	"golang.org/x/crypto/bcrypt"
)

// TestResetPasswordEndsSignInsAndStreams: `campfire reset-password` (run as
// another process on the same database: here a second store on the file)
// ends every sign-in of the person; at its next check of sign-ins (every
// 10 s) the running server, which remembers sign-ins in memory, refuses
// their cookies and closes their open streams. Someone else's stream stays
// (issue 19, item 5).
func TestResetPasswordEndsSignInsAndStreams(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	laptop := a.member("Bob Member")
	phone := a.signInFrom(t, "bob.member@example.com", "198.51.100.9")
	laptopStream, phoneStream := laptop.openStream(t, room, 0, 0), phone.openStream(t, room, 0, 0)
	adminStream := admin.openStream(t, room, 0, 0)

	ctx := context.Background()
	cli, err := db.Open(ctx, a.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := bcrypt.GenerateFromPassword([]byte("the-new-password"), bcrypt.MinCost)
	if err := cli.SetPassword(ctx, laptop.user.ID, string(digest)); err != nil {
		t.Fatal(err)
	}
	cli.Close()

	if err := a.h.endRevokedStreams(ctx); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*client{"laptop": laptop, "phone": phone} {
		if who := c.signedInAs(t); who != 0 {
			t.Errorf("%s still signed in as %d after the reset", name, who)
		}
	}
	laptopStream.waitClosed(t)
	phoneStream.waitClosed(t)

	admin.mustPost(t, room, "still here", "after-reset")
	adminStream.next(t, "message")
	if who := admin.signedInAs(t); who != admin.user.ID {
		t.Error("the reset signed someone else out")
	}
}

// TestPasswordChangeEndsOtherSignInsAndTheirStreams: changing the password
// in the app ends the person's other sign-ins and closes their streams at
// once; the sign-in that made the change, and its stream, go on.
func TestPasswordChangeEndsOtherSignInsAndTheirStreams(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	room := a.allTalk()
	laptop := a.member("Bob Member")
	phone := a.signInFrom(t, "bob.member@example.com", "198.51.100.9")
	laptopStream, phoneStream := laptop.openStream(t, room, 0, 0), phone.openStream(t, room, 0, 0)

	wantStatus(t, laptop.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[password]": {"a-new-password"}}),
		http.StatusSeeOther)
	phoneStream.waitClosed(t)
	if who := phone.signedInAs(t); who != 0 {
		t.Errorf("the other device is still signed in as %d", who)
	}
	if who := laptop.signedInAs(t); who != laptop.user.ID {
		t.Fatalf("the device that changed the password is signed in as %d", who)
	}
	laptop.mustPost(t, room, "still streaming", "after-change")
	if ev := laptopStream.next(t, "message"); ev.Data == "" {
		t.Error("empty event on the stream that should have stayed")
	}
}
