package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// signInFrom signs a user in from the given address, as another device would.
func (a *testApp) signInFrom(t *testing.T, email, ip string) *client {
	t.Helper()
	c := a.anonymous().fromIP(ip)
	wantStatus(t, c.postForm("/session", url.Values{"email_address": {email}, "password": {"secret-password"}}),
		http.StatusSeeOther)
	return c
}

// TestBanRemovesMessagesLiveAndBlocksPublicAddresses bans someone who signed
// in from a public address and from addresses that are not public: every
// message of theirs disappears from open streams as it is removed, the public
// address (only) is blocked from posting for anyone, their sessions end, and
// unbanning lets them sign in again.
func TestBanRemovesMessagesLiveAndBlocksPublicAddresses(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	watcher := a.member("Wendy Watcher")
	spammer := a.member("Sam Spammer") // signed in from a 203.0.113.x address
	room := a.allTalk()
	fromPrivate := a.signInFrom(t, "sam.spammer@example.com", "10.1.2.3")
	fromLoopback := a.signInFrom(t, "sam.spammer@example.com", "127.0.0.1")
	fromLinkLocal := a.signInFrom(t, "sam.spammer@example.com", "fe80::1")
	publicIP := spammer.ip

	var cmids []string
	for i := range 3 {
		cmid := fmt.Sprintf("spam-%d", i)
		spammer.mustPost(t, room, fmt.Sprintf("buy now %d", i), cmid)
		cmids = append(cmids, cmid)
	}
	fromPrivate.mustPost(t, room, "more spam", "spam-private")
	cmids = append(cmids, "spam-private")
	watcher.mustPost(t, room, "an honest message", "honest-1")

	stream := watcher.openStream(t, room, 0, a.hub.LastEventID())
	spamStream := spammer.openStream(t, room, 0, a.hub.LastEventID())
	before := a.hub.LastEventID()

	res := admin.postForm(fmt.Sprintf("/users/%d/ban", spammer.user.ID), nil)
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/users/%d", spammer.user.ID) {
		t.Errorf("Location %q", loc)
	}

	// Each removal reaches the open stream as its own event.
	removed := map[string]bool{}
	for range cmids {
		ev := stream.next(t, "message")
		if !strings.Contains(ev.Data, `hx-swap="delete"`) {
			t.Errorf("not a removal: %s", ev.Data)
		}
		for _, c := range cmids {
			if strings.Contains(ev.Data, `hx-target="#message_`+c+`"`) {
				removed[c] = true
			}
		}
	}
	if len(removed) != len(cmids) {
		t.Errorf("removed on the stream: %v, want all of %v", removed, cmids)
	}
	// The banned person's own stream was closed.
	spamStream.waitClosed(t)

	// The removals are in the event log, so a browser that was away replays them.
	late := watcher.openStream(t, room, before, 0)
	for range cmids {
		late.next(t, "message")
	}

	if n := a.count(`SELECT count(*) FROM messages WHERE creator_id = ?`, spammer.user.ID); n != 0 {
		t.Errorf("%d messages left", n)
	}
	if n := a.count(`SELECT count(*) FROM messages WHERE client_message_id = 'honest-1'`); n != 1 {
		t.Error("someone else's message was removed")
	}
	if n := a.count(`SELECT count(*) FROM user_sessions WHERE user_id = ?`, spammer.user.ID); n != 0 {
		t.Errorf("%d sessions left", n)
	}
	var ips []string
	rows, err := a.store.Writer().Query(`SELECT ip_address FROM bans WHERE user_id = ?`, spammer.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ip string
		_ = rows.Scan(&ip)
		ips = append(ips, ip)
	}
	rows.Close()
	if len(ips) != 1 || ips[0] != publicIP {
		t.Errorf("banned addresses %v, want only %s", ips, publicIP)
	}

	// Every session of the banned person stopped working at once.
	for _, c := range []*client{spammer, fromPrivate, fromLoopback, fromLinkLocal} {
		if id := c.signedInAs(t); id != 0 {
			t.Errorf("a session from %s still signs in %d", c.ip, id)
		}
	}
	// They can't sign in again.
	res = a.anonymous().postForm("/session", url.Values{"email_address": {"sam.spammer@example.com"}, "password": {"secret-password"}})
	wantStatus(t, res, http.StatusUnauthorized)

	// Anyone posting from the banned address is refused, signed in or not;
	// reading is still allowed.
	watcherOnBannedIP := a.signInFrom(t, "wendy.watcher@example.com", "198.51.100.7")
	watcherOnBannedIP.fromIP(publicIP)
	wantStatus(t, watcherOnBannedIP.post(room, "from the banned address", "blocked-1"), http.StatusTooManyRequests)
	wantStatus(t, a.anonymous().fromIP(publicIP).postForm("/session", url.Values{"email_address": {"x@example.com"}}),
		http.StatusTooManyRequests)
	wantStatus(t, watcherOnBannedIP.get(fmt.Sprintf("/rooms/%d", room)), http.StatusOK)
	if n := a.count(`SELECT count(*) FROM messages WHERE client_message_id = 'blocked-1'`); n != 0 {
		t.Error("a post from the banned address was stored")
	}
	// A form's _method override does not get around the block either.
	wantStatus(t, watcherOnBannedIP.postForm("/users/me/profile", url.Values{"_method": {"put"}, "user[name]": {"X"}}),
		http.StatusTooManyRequests)
	// The same person from another public address may post.
	watcherOnBannedIP.fromIP("198.51.100.7")
	wantStatus(t, watcherOnBannedIP.post(room, "from elsewhere", "allowed-1"), http.StatusSeeOther)

	// Unban: the address may post again and the person may sign in.
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/users/%d/ban", spammer.user.ID), "", ""), http.StatusSeeOther)
	if n := a.count(`SELECT count(*) FROM bans`); n != 0 {
		t.Errorf("%d ban rows after unban", n)
	}
	back := a.signInFrom(t, "sam.spammer@example.com", publicIP)
	wantStatus(t, back.post(room, "I'm back", "back-1"), http.StatusSeeOther)
	if n := a.count(`SELECT count(*) FROM messages WHERE creator_id = ?`, spammer.user.ID); n != 1 {
		t.Errorf("after unban: %d messages, want only the new one", n)
	}
}

func TestBanRefusals(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")

	// Yourself: refused, nothing changes.
	wantStatus(t, admin.postForm(fmt.Sprintf("/users/%d/ban", admin.user.ID), nil), http.StatusUnprocessableEntity)
	if a.user(admin.user.ID).Status != "active" {
		t.Error("the administrator banned themselves")
	}
	// Unknown people and bad ids: 404.
	wantStatus(t, admin.postForm("/users/999999/ban", nil), http.StatusNotFound)
	wantStatus(t, admin.postForm("/users/abc/ban", nil), http.StatusNotFound)
	// Unbanning someone who is not banned: 404, and they stay as they were.
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/users/%d/ban", bob.user.ID), "", ""), http.StatusNotFound)
	// A deactivated person can't be banned, nor brought back by an unban.
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/account/users/%d", bob.user.ID), "", ""), http.StatusSeeOther)
	wantStatus(t, admin.postForm(fmt.Sprintf("/users/%d/ban", bob.user.ID), nil), http.StatusNotFound)
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/users/%d/ban", bob.user.ID), "", ""), http.StatusNotFound)
	if s := a.user(bob.user.ID).Status; s != "deactivated" {
		t.Errorf("Bob is %s", s)
	}
	// Banning twice is allowed and finishes what the first left.
	carl := a.member("Carl Member")
	wantStatus(t, admin.postForm(fmt.Sprintf("/users/%d/ban", carl.user.ID), nil), http.StatusSeeOther)
	wantStatus(t, admin.postForm(fmt.Sprintf("/users/%d/ban", carl.user.ID), nil), http.StatusSeeOther)
	if n := a.count(`SELECT count(*) FROM bans WHERE user_id = ?`, carl.user.ID); n != 1 {
		t.Errorf("%d ban rows after banning twice, want 1", n)
	}
	// The profile shows the ban and its addresses to administrators.
	doc := document(t, admin.get(fmt.Sprintf("/users/%d", carl.user.ID)))
	if !strings.Contains(doc.Find(".banned-ips").Text(), carl.ip) {
		t.Errorf("banned address not listed: %q", doc.Find("main").Text())
	}
	if doc.Find(`form[action$="/ban"] input[name="_method"][value="delete"]`).Length() != 1 {
		t.Error("no unban button")
	}
}
