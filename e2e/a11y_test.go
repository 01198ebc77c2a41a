//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/campfire-go/campfire/internal/model"
)

// axePath is axe-core as scripts/install-test-deps.sh installs it from
// assets/e2e's lock file.
var axePath = filepath.Join("..", "assets", "e2e", "node_modules", "axe-core", "axe.min.js")

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

// violation is one axe rule a page breaks, with the elements that break it.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun injects axe-core into the open page and returns its serious and
// critical violations.
func (p *person) axeRun() []violation {
	p.t.Helper()
	src, err := axeSource()
	if err != nil {
		p.t.Fatalf("axe-core is not installed (run scripts/install-test-deps.sh): %v", err)
	}
	// Injected over the DevTools protocol, so the page's CSP does not apply.
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		p.t.Fatalf("inject axe-core: %v", err)
	}
	vs, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]violation](`
		axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
			.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => ({id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary)})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("run axe-core: %v", err)
	}
	return vs
}

// wantAccessible fails the test for each serious or critical violation on
// the open page.
func (p *person) wantAccessible(page string) {
	p.t.Helper()
	for _, v := range p.axeRun() {
		p.t.Errorf("%s: %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}

// Every page a person meets today passes axe-core with no serious or
// critical violation.
func TestAccessibilityOfPages(t *testing.T) {
	a := newApp(t)
	visitor := a.browser(t)
	visitor.visit("/")
	if got := visitor.path(); got != "/first_run" {
		t.Fatalf("a fresh install opens %s, want the first run", got)
	}
	visitor.wantAccessible("first run")

	ada := a.newPerson(t, "Ada Admin")
	ada.visit("/session/new")
	ada.wantAccessible("sign in")

	// A failed sign-in shows an alert on the form.
	ada.do(chromedp.SetValue(chromedp.ID("email_address"), ada.user.Email),
		chromedp.SetValue(chromedp.ID("password"), "not-the-password"))
	ada.submit(`button[name="log_in"]`)
	ada.waitUntil("the sign-in alert", `!!document.querySelector(".flash--alert")`)
	ada.wantAccessible("sign in, refused")

	ada.signIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "Accessible *and* warm")
	httpPost(t, a, ada.user.Email, room, "🔥")
	ada.openRoom(room)
	ada.waitForMessage("🔥")
	ada.wantAccessible("room")
	ada.colorScheme("dark")
	ada.wantAccessible("room, dark")
	ada.visit("/session/new")
	ada.wantAccessible("sign in, dark")
	ada.colorScheme("light")
	ada.openRoom(room)

	msgs := a.messages(room)
	ada.visit(fmt.Sprintf("/rooms/%d/messages/%d/edit", room, msgs[0].ID))
	ada.wantAccessible("edit message")

	for _, page := range []string{
		"/rooms/opens/new", "/rooms/closeds/new", fmt.Sprintf("/rooms/opens/%d/edit", room),
		"/account/edit", "/users/me/profile", fmt.Sprintf("/users/%d", ada.user.ID),
		"/users/me/push_subscriptions", "/account/custom_styles/edit",
		fmt.Sprintf("/rooms/%d/messages/%d/delete", room, msgs[0].ID), fmt.Sprintf("/rooms/%d/delete", room),
	} {
		ada.visit(page)
		if got := ada.path(); got != page {
			t.Errorf("%s opened %s", page, got)
		}
		ada.wantAccessible(page)
	}

	ada.visit("/no-such-page")
	ada.wantAccessible("not found")

	// Joining with the account's code, as a newcomer would.
	newcomer := a.browser(t)
	newcomer.visit("/join/e2e-join-code")
	if got := newcomer.path(); got != "/join/e2e-join-code" {
		t.Errorf("the join link opened %s", got)
	}
	newcomer.wantAccessible("join")
}

// The composer works from the keyboard alone: Tab reaches the skip link
// first, the skip link jumps past the sidebar, Tab reaches the composer, and
// Enter sends.
func TestKeyboardOnlyComposer(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, bo.user.Email, room, "Say something without a mouse")
	ada.openRoom(room)
	bo.openRoom(room)

	focused := func() string {
		return eval[string](ada, `(() => {
			const e = document.activeElement;
			if (!e || e === document.body) return "body";
			return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ")[0] : "") +
				(e.closest("nav") ? " (in nav)" : "");
		})()`)
	}
	// The room opens with the composer focused; a keyboard user starting
	// from the top of the page (as after a reload of a page without
	// scripts) meets the skip link first.
	ada.waitUntil("the composer focused on arrival", composerFocusedJS)
	eval[bool](ada, `(() => {
		// Focusing the body moves the start of Tab to the top of the page.
		document.body.tabIndex = -1;
		document.body.focus();
		document.body.removeAttribute("tabindex");
		return true;
	})()`)
	ada.do(chromedp.KeyEvent(kb.Tab))
	if got := focused(); got != "a.skip-link" {
		t.Fatalf("the first Tab focuses %s, want the skip link", got)
	}
	ada.do(chromedp.KeyEvent(kb.Enter))

	// The skip link may land on the composer itself, or just before it.
	var path []string
	for range 40 {
		if eval[bool](ada, composerFocusedJS) {
			break
		}
		ada.do(chromedp.KeyEvent(kb.Tab))
		path = append(path, focused())
	}
	if !eval[bool](ada, composerFocusedJS) {
		t.Fatalf("Tab from the skip link never reached the composer; focus went %q", path)
	}
	for _, step := range path {
		if strings.Contains(step, "(in nav)") {
			t.Errorf("after the skip link, Tab went back through the sidebar: %q", path)
			break
		}
	}

	ada.typeKeys("Typed without a mouse\n")
	bo.waitForMessage("Typed without a mouse")
	ada.waitForMessage("Typed without a mouse")
	ada.waitUntil("the composer to be empty and focused for the next message",
		composerFocusedJS+" && "+composerEmptyJS)
}

// The sidebar works from the keyboard alone: Tab reaches another room's
// link, and Enter opens that room.
func TestKeyboardOnlySidebar(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	if _, err := a.Store().CreateRoom(context.Background(), model.RoomOpen, "Watercooler", ada.user.ID, []int64{ada.user.ID}); err != nil {
		t.Fatal(err)
	}
	ada.signedIn()
	ada.openRoom(a.allTalk(ada.user))

	focusedLink := `(() => { const e = document.activeElement; return e && e.closest("#sidebar") ? e.textContent.trim() : ""; })()`
	var path []string
	for range 20 {
		ada.do(chromedp.KeyEvent(kb.Tab))
		got := eval[string](ada, focusedLink)
		path = append(path, got)
		if got == "Watercooler" {
			break
		}
	}
	if path[len(path)-1] != "Watercooler" {
		t.Fatalf("Tab never reached the Watercooler link in the sidebar; sidebar focus went %q", path)
	}
	res, err := chromedp.RunResponse(ada.ctx, chromedp.KeyEvent(kb.Enter))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 {
		t.Fatalf("Enter on the link answered %d", res.Status)
	}
	ada.waitUntil("the Watercooler room", `document.getElementById("room-name").textContent.trim() === "Watercooler"`)
}
