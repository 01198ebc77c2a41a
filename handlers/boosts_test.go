package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

func TestBoostLimits(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bea := a.member("Bea Brown")
	room := a.allTalk()
	m := admin.postOK(room, "Shipped it", "boosted")

	for name, content := range map[string]string{
		"empty":         "",
		"blank":         "   \t ",
		"17 characters": strings.Repeat("a", 17),
		"17 runes":      strings.Repeat("é", 17),
		"invalid utf-8": "\xff\xfe",
	} {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, bea.boost(m.ID, content), http.StatusUnprocessableEntity)
			wantStatus(t, bea.boost(m.ID, content, "HX-Request", "true"), http.StatusUnprocessableEntity)
		})
	}
	if got := a.stored(room, "boosted").Boosts; len(got) != 0 {
		t.Fatalf("refused boosts were stored: %+v", got)
	}

	wantStatus(t, bea.boost(m.ID, strings.Repeat("é", 16)), http.StatusSeeOther)
	wantStatus(t, bea.boost(m.ID, "  🔥  "), http.StatusSeeOther)
	res := bea.boost(m.ID, "👏", "HX-Request", "true")
	wantStatus(t, res, http.StatusOK)
	if frag := document(t, res); frag.Find(`hx-partial[hx-target="#message_boosted"] .boost`).Length() != 3 {
		t.Fatal("htmx answer lacks the message with its boosts")
	}

	boosts := a.stored(room, "boosted").Boosts
	if len(boosts) != 3 || boosts[0].Content != strings.Repeat("é", 16) || boosts[1].Content != "🔥" || boosts[2].BoosterID != bea.user.ID {
		t.Fatalf("boosts %+v", boosts)
	}
	page := admin.roomMessage(room, "boosted")
	if n := page.Find(".message__boosts .boost").Length(); n != 3 {
		t.Fatalf("%d boosts on the page", n)
	}
	if !strings.Contains(page.Find(".message__boosts").Text(), "Bea Brown boosted 🔥") {
		t.Fatal("boost lacks its accessible label")
	}

	// Garbage addresses are 404s, never 500s.
	for _, p := range []string{"/messages/abc/boosts", "/messages/0/boosts", "/messages/99999/boosts"} {
		wantStatus(t, bea.postForm(p, map[string][]string{"boost[content]": {"x"}}), http.StatusNotFound)
	}
}

func TestOnlyTheBoosterRemovesABoost(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bea := a.member("Bea Brown")
	room := a.allTalk()
	m := admin.postOK(room, "Nice work", "unboost")
	wantStatus(t, bea.boost(m.ID, "🎉"), http.StatusSeeOther)
	b := a.stored(room, "unboost").Boosts[0]

	// Not even the message's creator, who is an administrator.
	wantStatus(t, admin.unboost(m.ID, b.ID), http.StatusForbidden)
	wantStatus(t, admin.unboost(m.ID, b.ID, "HX-Request", "true"), http.StatusForbidden)
	if len(a.stored(room, "unboost").Boosts) != 1 {
		t.Fatal("someone else removed the boost")
	}
	// A boost addressed through another message is not found.
	other := admin.postOK(room, "Other", "other")
	wantStatus(t, bea.unboost(other.ID, b.ID), http.StatusNotFound)
	wantStatus(t, bea.unboost(m.ID, 424242), http.StatusNotFound)

	res := bea.unboost(m.ID, b.ID)
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/rooms/%d/@%d", room, m.ID) {
		t.Fatalf("redirect to %q", loc)
	}
	if len(a.stored(room, "unboost").Boosts) != 0 {
		t.Fatal("boost still there")
	}
	wantStatus(t, bea.unboost(m.ID, b.ID), http.StatusNotFound)
}

func TestBoostingAMessageOutsideYourRoomsIsNotFound(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bea := a.member("Bea Brown")
	ctx := context.Background()
	secret, err := a.store.CreateRoom(ctx, model.RoomClosed, "Secret", admin.user.ID, []int64{admin.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	m := admin.postOK(secret.ID, "classified", "secret-1")
	wantStatus(t, bea.boost(m.ID, "👀"), http.StatusNotFound)
	wantStatus(t, admin.boost(m.ID, "👍"), http.StatusSeeOther)
	b := a.stored(secret.ID, "secret-1").Boosts[0]
	wantStatus(t, bea.unboost(m.ID, b.ID), http.StatusNotFound)
	if n := len(a.stored(secret.ID, "secret-1").Boosts); n != 1 {
		t.Fatalf("%d boosts", n)
	}
}

func TestEditAndDeletePermissions(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bea := a.member("Bea Brown")
	cal := a.member("Cal Cole")
	room := a.allTalk()
	m := bea.postOK(room, "original", "perm")
	path := fmt.Sprintf("/rooms/%d/messages/%d", room, m.ID)
	edit := func(c *client, body string) *http.Response {
		return c.postForm(path, map[string][]string{"_method": {"put"}, "message[body]": {body}})
	}
	del := func(c *client) *http.Response {
		return c.postForm(path, map[string][]string{"_method": {"delete"}})
	}

	// Another member may do neither.
	wantStatus(t, cal.get(path+"/edit"), http.StatusForbidden)
	wantStatus(t, edit(cal, "hijacked"), http.StatusForbidden)
	wantStatus(t, cal.send(http.MethodPatch, path, "application/x-www-form-urlencoded", "message%5Bbody%5D=hijacked"), http.StatusForbidden)
	wantStatus(t, del(cal), http.StatusForbidden)
	wantStatus(t, cal.send(http.MethodDelete, path, "", "", "HX-Request", "true"), http.StatusForbidden)
	if got := a.stored(room, "perm").Plain; got != "original" {
		t.Fatalf("body %q after refused edits", got)
	}

	// The creator may edit; an invalid edit changes nothing.
	wantStatus(t, bea.get(path+"/edit"), http.StatusOK)
	wantStatus(t, edit(bea, "   "), http.StatusUnprocessableEntity)
	wantStatus(t, edit(bea, "by Bea"), http.StatusSeeOther)
	if got := a.stored(room, "perm"); got.Plain != "by Bea" {
		t.Fatalf("creator's edit: %q", got.Plain)
	}
	// An administrator may edit anyone's message.
	wantStatus(t, admin.get(path+"/edit"), http.StatusOK)
	wantStatus(t, edit(admin, "by the admin"), http.StatusSeeOther)
	if got := a.stored(room, "perm").Plain; got != "by the admin" {
		t.Fatalf("admin's edit: %q", got)
	}

	// The creator may delete their own; the administrator anyone's.
	wantStatus(t, del(bea), http.StatusSeeOther)
	wantStatus(t, del(bea), http.StatusNotFound)
	other := cal.postOK(room, "to be removed", "perm-2")
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/rooms/%d/messages/%d", room, other.ID), "", "", "HX-Request", "true"), http.StatusOK)
	if n := a.messageCount(); n != 0 {
		t.Fatalf("%d messages left", n)
	}
}

func TestMessageActionsAreRevealedPerViewer(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bea := a.member("Bea Brown")
	room := a.allTalk()
	bea.postOK(room, "mine", "viewer")

	// Every viewer gets the same message with the controls in it…
	msg := admin.roomMessage(room, "viewer")
	if msg.Find(".message__own-action a[href$='/edit']").Length() != 1 || msg.Find(".boost-menu form").Length() != 2 {
		t.Fatal("message lacks its actions")
	}
	if n := msg.Find(".boost-menu__quick button[name='boost[content]']").Length(); n != 8 {
		t.Fatalf("%d quick boosts", n)
	}
	// …and the page's style reveals them only where allowed.
	style := func(c *client) string {
		doc := document(t, c.get(fmt.Sprintf("/rooms/%d", room)))
		s := doc.Find("head style[nonce]")
		if s.Length() == 0 || s.AttrOr("nonce", "") == "" {
			t.Fatal("no nonce'd viewer style")
		}
		return s.Text()
	}
	beaStyle := style(bea)
	if !strings.Contains(beaStyle, fmt.Sprintf(`.message[data-user-id="%d"] .message__own-action`, bea.user.ID)) ||
		strings.Contains(beaStyle, ":root .message .message__own-action") {
		t.Fatalf("member's style: %s", beaStyle)
	}
	if !strings.Contains(style(admin), ":root .message .message__own-action") {
		t.Fatal("admin's style does not reveal every message's actions")
	}
}
