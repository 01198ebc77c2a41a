package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// subscribe posts a browser's PushSubscription.toJSON() as the bell does.
func (c *client) subscribe(t testing.TB, sub map[string]any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(sub)
	return c.send(http.MethodPost, "/users/me/push_subscriptions", "application/json", string(b),
		"Accept", "application/json", "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36")
}

func (a *testApp) setInvolvement(t testing.TB, roomID, userID int64, involvement model.Involvement) {
	t.Helper()
	if _, err := a.store.Writer().Exec(`UPDATE memberships SET involvement = ? WHERE room_id = ? AND user_id = ?`,
		involvement, roomID, userID); err != nil {
		t.Fatal(err)
	}
}

func TestPushSubscriptionsAreValidatedAndDeduplicated(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	carol := a.member("Carol Singer")
	ps := newFakePushService(t, a.notify.keys.Public)

	sub := ps.browser("/bob")
	res := bob.subscribe(t, sub)
	wantStatus(t, res, http.StatusCreated)
	id := decodeBotJSON[map[string]int64](t, res)["id"]
	res = bob.subscribe(t, sub)
	wantStatus(t, res, http.StatusOK)
	if again := decodeBotJSON[map[string]int64](t, res)["id"]; again != id {
		t.Errorf("the same subscription twice made %d and %d", id, again)
	}

	// Campfire's form fields work too, and come back to the list.
	form := ps.browser("/bob-form")
	keys := form["keys"].(map[string]string)
	res = bob.postForm("/users/me/push_subscriptions", url.Values{
		"push_subscription[endpoint]":   {form["endpoint"].(string)},
		"push_subscription[p256dh_key]": {keys["p256dh"]},
		"push_subscription[auth_key]":   {keys["auth"]},
	})
	wantStatus(t, res, http.StatusSeeOther)
	res = bob.get("/users/me/push_subscriptions")
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	if n := doc.Find(".push__device").Length(); n != 2 {
		t.Errorf("%d devices listed, want 2", n)
	}
	if key := doc.Find("[data-push-bell]").AttrOr("data-vapid-public-key", ""); key != a.notify.keys.Public {
		t.Errorf("the bell's key %q is not the server's", key)
	}

	good := ps.browser("/x")
	goodKeys := good["keys"].(map[string]string)
	bad := []struct {
		name   string
		body   string
		status int
	}{
		{"malformed JSON", `{"endpoint": `, 400},
		{"no endpoint", fmt.Sprintf(`{"keys": {"p256dh": %q, "auth": %q}}`, goodKeys["p256dh"], goodKeys["auth"]), 422},
		{"not a URL", fmt.Sprintf(`{"endpoint": "::nope", "keys": {"p256dh": %q, "auth": %q}}`, goodKeys["p256dh"], goodKeys["auth"]), 422},
		{"not http(s)", fmt.Sprintf(`{"endpoint": "ftp://push.example/x", "keys": {"p256dh": %q, "auth": %q}}`, goodKeys["p256dh"], goodKeys["auth"]), 422},
		{"unspecified address", fmt.Sprintf(`{"endpoint": "https://0.0.0.0/x", "keys": {"p256dh": %q, "auth": %q}}`, goodKeys["p256dh"], goodKeys["auth"]), 422},
		{"bad p256dh", fmt.Sprintf(`{"endpoint": %q, "keys": {"p256dh": "AAAA", "auth": %q}}`, good["endpoint"], goodKeys["auth"]), 422},
		{"bad auth", fmt.Sprintf(`{"endpoint": %q, "keys": {"p256dh": %q, "auth": "c2hvcnQ"}}`, good["endpoint"], goodKeys["p256dh"]), 422},
	}
	for _, tc := range bad {
		res := bob.send(http.MethodPost, "/users/me/push_subscriptions", "application/json", tc.body, "Accept", "application/json")
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, res.StatusCode, tc.status)
		}
	}
	if subs, _ := a.store.PushSubscriptions(context.Background(), bob.user.ID); len(subs) != 2 {
		t.Errorf("%d subscriptions after refused ones, want 2", len(subs))
	}

	// Only the owner removes or tests a device.
	wantStatus(t, carol.send(http.MethodDelete, fmt.Sprint("/users/me/push_subscriptions/", id), "", ""), http.StatusNotFound)
	wantStatus(t, carol.postForm(fmt.Sprintf("/users/me/push_subscriptions/%d/test_notifications", id), nil), http.StatusNotFound)
	wantStatus(t, bob.postForm(fmt.Sprint("/users/me/push_subscriptions/", id), url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	if subs, _ := a.store.PushSubscriptions(context.Background(), bob.user.ID); len(subs) != 1 {
		t.Errorf("%d subscriptions after delete, want 1", len(subs))
	}
}

func TestNewMessagePushesToAbsentInterestedMembers(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")    // involvement: everything
	carol := a.member("Carol Singer") // involvement: mentions (the default)
	dave := a.member("Dave Nothing")  // involvement: nothing
	room := a.allTalk()
	ps := newFakePushService(t, a.notify.keys.Public)
	a.setInvolvement(t, room, bob.user.ID, model.InvolvementEverything)
	a.setInvolvement(t, room, dave.user.ID, model.InvolvementNothing)
	for _, c := range []*client{admin, bob, carol, dave} {
		wantStatus(t, c.subscribe(t, ps.browser("/"+fmt.Sprint(c.user.ID))), http.StatusCreated)
	}
	enqueued := func() uint64 { return a.notify.push.Stats().Enqueued }

	// Only Bob asks for every message; the author never gets a push.
	wantStatus(t, admin.post(room, "Lunch is <served>", "p1"), http.StatusSeeOther)
	a.notify.push.Flush()
	if n := enqueued(); n != 1 {
		t.Errorf("%d pushes queued, want 1 (Bob)", n)
	}
	d := ps.next(t)
	if d.path != fmt.Sprint("/", bob.user.ID) {
		t.Errorf("push went to %s", d.path)
	}
	want := map[string]any{
		"title": "All Talk",
		"options": map[string]any{
			"body": "Ada Admin: Lunch is <served>",
			"icon": views.AvatarURL(admin.user.ID, ""),
			"data": map[string]any{"path": fmt.Sprintf("/rooms/%d", room), "badge": float64(1)},
		},
	}
	if got, _ := json.Marshal(d.payload); string(got) != string(must2(json.Marshal(want))) {
		t.Errorf("payload\n got %s\nwant %s", got, must2(json.Marshal(want)))
	}
	if d.header.Get("Urgency") != "high" || d.header.Get("Topic") != fmt.Sprint("room-", room) {
		t.Errorf("headers %v", d.header)
	}

	// A mention reaches Carol too.
	wantStatus(t, admin.post(room, "@Carol Singer look", "p2"), http.StatusSeeOther)
	got := map[string]bool{}
	for range 2 {
		got[ps.next(t).path] = true
	}
	if !got[fmt.Sprint("/", carol.user.ID)] || !got[fmt.Sprint("/", bob.user.ID)] {
		t.Errorf("mention pushed to %v", got)
	}

	// Someone looking at the room is not pushed.
	stream := bob.openStream(t, room, 0, a.hub.LastEventID())
	defer stream.close()
	waitUntil(t, func() bool { return a.hub.IsPresent(room, bob.user.ID) })
	before := enqueued()
	wantStatus(t, admin.post(room, "while bob watches", "p3"), http.StatusSeeOther)
	a.notify.push.Flush()
	if n := enqueued() - before; n != 0 {
		t.Errorf("%d pushes while Bob was present", n)
	}
}

func TestDirectMessagePushAndGoneSubscriptions(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	ps := newFakePushService(t, a.notify.keys.Public)
	direct, err := a.store.CreateRoom(context.Background(), model.RoomDirect, "", admin.user.ID, []int64{bob.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	a.setInvolvement(t, direct.ID, bob.user.ID, model.InvolvementEverything)
	wantStatus(t, bob.subscribe(t, ps.browser("/phone")), http.StatusCreated)
	wantStatus(t, bob.subscribe(t, ps.browser("/old-laptop")), http.StatusCreated)
	ps.answer("/old-laptop", http.StatusGone)

	wantStatus(t, admin.post(direct.ID, "psst", "d1"), http.StatusSeeOther)
	for range 2 {
		d := ps.next(t)
		opts := d.payload["options"].(map[string]any)
		if d.payload["title"] != "Ada Admin" || opts["body"] != "psst" {
			t.Errorf("direct push %v", d.payload)
		}
		if badge := opts["data"].(map[string]any)["badge"]; badge != float64(1) {
			t.Errorf("badge %v", badge)
		}
	}
	// The service said the laptop is gone: its subscription is removed.
	waitUntil(t, func() bool {
		subs, _ := a.store.PushSubscriptions(context.Background(), bob.user.ID)
		return len(subs) == 1 && strings.HasSuffix(subs[0].Endpoint, "/phone")
	})
}

func TestTestNotificationIsDelivered(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	ps := newFakePushService(t, a.notify.keys.Public)
	res := bob.subscribe(t, ps.browser("/bob"))
	id := decodeBotJSON[map[string]int64](t, res)["id"]

	res = bob.postForm(fmt.Sprintf("/users/me/push_subscriptions/%d/test_notifications", id), nil)
	wantStatus(t, res, http.StatusSeeOther)
	d := ps.next(t)
	if d.payload["title"] != "Campfire test" ||
		d.payload["options"].(map[string]any)["data"].(map[string]any)["path"] != "/users/me/push_subscriptions" {
		t.Errorf("test payload %v", d.payload)
	}
	res = bob.get("/users/me/push_subscriptions")
	if !strings.Contains(document(t, res).Find(".flash").Text(), "Test notification sent") {
		t.Error("no confirmation shown")
	}
}

func must2(b []byte, err error) string {
	if err != nil {
		panic(err)
	}
	return string(b)
}

// waitUntil polls a condition that becomes true in the background.
func waitUntil(t testing.TB, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition never became true")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Issue 19 item 14: posting someone else's endpoint with other keys would
// move it to the poster and silence its owner. Only the keys the browser
// holds (the same profile, someone else now signed in) move it.
func TestPushEndpointStaysWithItsOwner(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	carol := a.member("Carol Singer")
	ps := newFakePushService(t, a.notify.keys.Public)

	sub := ps.browser("/bob")
	wantStatus(t, bob.subscribe(t, sub), http.StatusCreated)
	stolen := ps.browser("/carol")
	stolen["endpoint"] = sub["endpoint"]
	res := carol.subscribe(t, stolen)
	wantStatus(t, res, http.StatusConflict)
	subs, _ := a.store.PushSubscriptions(context.Background(), bob.user.ID)
	if len(subs) != 1 || subs[0].P256dh != sub["keys"].(map[string]string)["p256dh"] {
		t.Fatalf("bob's subscription after carol's attempt: %+v", subs)
	}

	// The same browser (same keys), now signed in as Carol, takes it over.
	wantStatus(t, carol.subscribe(t, sub), http.StatusOK)
	if subs, _ := a.store.PushSubscriptions(context.Background(), carol.user.ID); len(subs) != 1 {
		t.Errorf("carol has %d subscriptions after subscribing bob's browser, want 1", len(subs))
	}
}

// Issue 19 item 3: one member subscribed 4,200 endpoints. A person may
// subscribe maxPushSubscriptions devices; the next is refused and nothing is
// stored, while renewing one already there still works.
func TestPushSubscriptionsArePerPersonCapped(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	ps := newFakePushService(t, a.notify.keys.Public)

	var first map[string]any
	for i := range maxPushSubscriptions {
		sub := ps.browser(fmt.Sprint("/bob/", i))
		if i == 0 {
			first = sub
		}
		wantStatus(t, bob.subscribe(t, sub), http.StatusCreated)
	}
	res := bob.subscribe(t, ps.browser("/bob/over"))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if subs, _ := a.store.PushSubscriptions(context.Background(), bob.user.ID); len(subs) != maxPushSubscriptions {
		t.Errorf("%d subscriptions stored, want %d", len(subs), maxPushSubscriptions)
	}
	wantStatus(t, bob.subscribe(t, first), http.StatusOK)
}
