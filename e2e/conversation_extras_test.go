//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// inZone makes the person's tab live in a time zone.
func (p *person) inZone(zone string) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		p.t.Fatal(err)
	}
}

// Issue 15 item 9: times show in the reader's zone with scripts, and say
// "UTC" without them; dates stay dates.
func TestJourneyTimesInReadersZone(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "What time is it?")
	msg := a.messages(room)[0]
	timeJS := `document.querySelector("#` + msg.DomID() + ` .message__permalink time").textContent.trim()`

	ada.inZone("Asia/Tokyo")
	ada.signedIn()
	ada.openRoom(room)
	want := eval[string](ada, `new Date(`+jsString(msg.CreatedAt.Format("2006-01-02T15:04:05Z07:00"))+`).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", timeZone: "Asia/Tokyo"})`)
	ada.waitUntil("the time in Tokyo", timeJS+` === `+jsString(want))
	ada.visit("/users/me/profile")
	if got := eval[string](ada, `document.querySelector("main time").textContent`); strings.Contains(got, ":") {
		t.Errorf("the profile's sign-in date shows as %q, a time of day", got)
	}

	quiet := a.browser(t)
	quiet.user = ada.user
	quiet.disableScripts()
	quiet.signIn()
	if got, want := eval[string](quiet, timeJS), msg.CreatedAt.UTC().Format("15:04")+" UTC"; got != want {
		t.Errorf("without scripts the time reads %q, want %q", got, want)
	}
}

// Issue 15 item 9: a bot's messages and its name in the people pickers say
// it is a bot.
func TestJourneyBotsAreMarked(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bot, err := a.Store().CreateBot(context.Background(), "Bender", "")
	if err != nil {
		t.Fatal(err)
	}
	room := a.allTalk(ada.user)
	res, err := http.Post(fmt.Sprintf("%s/rooms/%d/%s/messages", a.URL, room, bot.Key()), "text/plain", strings.NewReader("Beep"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	ada.signedIn()
	ada.openRoom(room)
	ada.waitForMessage("Beep")
	msg := a.messages(room)[0]
	if got := eval[string](ada, `(() => { const b = document.querySelector("#`+msg.DomID()+` .message__meta .badge"); return b ? b.textContent.trim() : ""; })()`); got != "Bot" {
		t.Errorf("the bot's message is marked %q, want Bot", got)
	}
	ada.visit("/rooms/closeds/new")
	if !eval[bool](ada, `[...document.querySelectorAll("#room_people .choice, .room-form__people .choice")].some(c => c.textContent.includes("Bender") && /\bBot\b/.test(c.textContent))`) {
		t.Error("the people picker does not mark Bender as a bot")
	}
}

// Issue 15 item 9: copy buttons put the join link and a bot's lines on the
// clipboard; without scripts they are not offered (the fields are there).
func TestJourneyCopyButtons(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	if _, err := a.Store().CreateBot(context.Background(), "Bender", ""); err != nil {
		t.Fatal(err)
	}
	ada.signedIn()
	ada.allowClipboard()
	clipboard := func() string {
		got, err := chromedp.Run(ada.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	ada.visit("/account/edit")
	ada.click(`[data-copy-from="join_url"]`)
	ada.waitUntil("Copied", `(document.getElementById("app_toast") || {}).textContent === "Copied"`)
	if got, want := clipboard(), eval[string](ada, `document.getElementById("join_url").value`); got != want || !strings.Contains(got, "/join/") {
		t.Errorf("the clipboard holds %q, want the join link %q", got, want)
	}
	ada.visit("/account/bots")
	ada.click(`.bot__curl + [data-copy-from]`)
	ada.waitUntil("Copied", `(document.getElementById("app_toast") || {}).textContent === "Copied"`)
	if got := clipboard(); !strings.HasPrefix(got, "curl ") {
		t.Errorf("the clipboard holds %q, want the bot's curl line", got)
	}
	ada.wantAccessible("bots, with copy buttons")

	quiet := a.browser(t)
	quiet.user = ada.user
	quiet.disableScripts()
	quiet.signIn()
	quiet.visit("/account/edit")
	if eval[bool](quiet, `[...document.querySelectorAll("[data-copy-from]")].some(b => b.getClientRects().length > 0)`) {
		t.Error("without scripts a copy button that cannot copy is offered")
	}
}

// Issue 15 item 9: an administrator alone on the account is invited, in the
// room, to invite people, with the join link; once someone joined, not.
func TestJourneyFirstRoomInvitesPeople(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	room := a.allTalk(ada.user)
	ada.signedIn()
	ada.openRoom(room)
	ada.waitUntil("the invitation with the join link", `(() => {
		const i = document.querySelector("main .room__invite");
		return !!i && /invite/i.test(i.textContent) && i.querySelector("input").value.includes("/join/") && !!i.querySelector("[data-copy-from]:not([hidden])");
	})()`)
	ada.wantAccessible("room with the invitation")

	a.newPerson(t, "Bo Member")
	ada.openRoom(room)
	if eval[bool](ada, `!!document.querySelector(".room__invite")`) {
		t.Error("the invitation stays once someone joined")
	}
}

// Issue 15 item 9: the people picker of a closed room filters as one types;
// without scripts it is the plain list.
func TestJourneyPeoplePickerFilters(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	for _, name := range []string{"Bo Member", "Zelda Zephyr", "Carl Creator", "Dee Designer"} {
		a.newPerson(t, name)
	}
	ada.signedIn()
	ada.visit("/rooms/closeds/new")
	shown := `[...document.querySelectorAll(".room-form__people .choice")].filter(c => !c.hidden).map(c => c.textContent.trim().replace(/\s+/g, " "))`
	ada.click(`[data-people-filter]`)
	ada.do(chromedp.KeyEvent("zel"))
	// Ada made the room, so she is in it (checked), and what is chosen
	// stays in sight.
	ada.waitUntil("only Zelda and Ada", `(() => { const s = `+shown+`; return s.length === 2 && s.some(n => n.includes("Zelda")) && s.some(n => n.includes("Ada")); })()`)
	ada.do(chromedp.KeyEvent("\b\b\b"))
	ada.waitUntil("everyone again", shown+`.length === 5`)

	quiet := a.browser(t)
	quiet.user = ada.user
	quiet.disableScripts()
	quiet.signIn()
	quiet.visit("/rooms/closeds/new")
	if eval[bool](quiet, `[...document.querySelectorAll("[data-people-filter]")].some(f => f.getClientRects().length > 0)`) {
		t.Error("without scripts a filter that cannot filter is shown")
	}
	if n := eval[int](quiet, `document.querySelectorAll(".room-form__people .choice").length`); n != 5 {
		t.Errorf("without scripts the list has %d people, want all 5", n)
	}
}
