//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// allowClipboard lets the person's pages read and write the clipboard.
func (p *person) allowClipboard() {
	p.t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(p.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:    browser.PermissionSettingGranted,
			Origin:     p.app.URL,
			// Each person is a browser context of their own.
			BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID,
		})
		if err != nil {
			p.t.Fatal(err)
		}
	}
}

// menuItem is a message menu's item by its text.
func menuItem(domID, text string) string {
	return fmt.Sprintf(`#%s .message__menu [data-%s]`, domID, text)
}

// Issue 15 item 10, with scripts: Reply puts a mention of the author in the
// composer, Quote the message quoted, and Copy link the permalink on the
// clipboard; the page stays.
func TestJourneyReplyQuoteCopyLink(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, bo.user.Email, room, "Lunch at noon?")
	asked := a.messages(room)[0]
	ada.openRoom(room)
	ada.markPage()

	ada.openMessageMenu(asked.DomID())
	ada.click(menuItem(asked.DomID(), "reply"))
	ada.waitUntil("the composer focused, holding a mention of Bo", composerFocusedJS+` && `+
		`(new FormData(document.getElementById("composer")).get("message[body]") || "").includes("@Bo Member")`)
	ada.typeKeys("sounds good\n")
	// Trix keeps the space after a mention as a no-break space.
	ada.waitUntil("the reply", `[...document.querySelectorAll("#messages article.message:not(.message--pending) .message__body")].some(b => b.textContent.replace(/\u00a0/g, " ").trim() === "@Bo Member sounds good")`)
	replied := a.messages(room)[1]
	if !strings.Contains(replied.HTML, fmt.Sprintf(`data-mention="%d"`, bo.user.ID)) {
		t.Errorf("the reply does not mention Bo: %s", replied.HTML)
	}

	ada.openMessageMenu(asked.DomID())
	ada.click(menuItem(asked.DomID(), "quote"))
	ada.waitUntil("the composer focused, quoting the message", composerFocusedJS+` && `+
		`(new FormData(document.getElementById("composer")).get("message[body]") || "").includes("<blockquote>")`)
	ada.typeKeys("Yes, at the usual place\n")
	ada.waitUntil("the quoting message", `[...document.querySelectorAll("#messages article.message:not(.message--pending) .message__body blockquote")].some(b => b.textContent.includes("Lunch at noon?"))`)
	quoted := a.messages(room)[2]
	if !strings.Contains(quoted.HTML, "<blockquote>") || !strings.Contains(quoted.Plain, "Yes, at the usual place") {
		t.Errorf("the quoting message is %q (%s)", quoted.Plain, quoted.HTML)
	}

	ada.allowClipboard()
	ada.openMessageMenu(asked.DomID())
	ada.click(menuItem(asked.DomID(), "copy-link"))
	ada.waitUntil("a note that the link was copied", `(document.getElementById("app_toast") || {}).textContent === "Link copied"`)
	got, err := chromedp.Run(ada.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%s/rooms/%d/@%d", a.URL, room, asked.ID); got != want {
		t.Errorf("the clipboard holds %q, want %q", got, want)
	}
	ada.wantSamePage()
	if eval[bool](ada, `!!document.querySelector(".message__menu[open]")`) {
		t.Error("the menu stayed open after its action")
	}
}

// Issue 15 item 10, without scripts: Reply and Quote open the room with the
// composer filled in, and sending posts the reply.
func TestJourneyReplyQuoteWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	room := a.allTalk(ada.user)
	httpPost(t, a, bo.user.Email, room, "Lunch at noon?")
	asked := a.messages(room)[0]
	ada.disableScripts()
	ada.signIn()

	ada.openMessageMenu(asked.DomID())
	if status := ada.submit(menuItem(asked.DomID(), "reply")); status != 200 {
		t.Fatalf("Reply answered %d", status)
	}
	if got := eval[string](ada, `document.getElementById("composer_body").value`); got != "@Bo Member " {
		t.Fatalf("the composer holds %q, want a mention of Bo", got)
	}
	ada.do(chromedp.SetValue(chromedp.ID("composer_body"), "@Bo Member sounds good"))
	ada.submit(`#composer button[name="send"]`)
	replied := a.messages(room)[1]
	if !strings.Contains(replied.HTML, fmt.Sprintf(`data-mention="%d"`, bo.user.ID)) {
		t.Errorf("the reply does not mention Bo: %s", replied.HTML)
	}

	ada.openMessageMenu(asked.DomID())
	if status := ada.submit(menuItem(asked.DomID(), "quote")); status != 200 {
		t.Fatalf("Quote answered %d", status)
	}
	if got := eval[string](ada, `document.getElementById("composer_body").value`); !strings.Contains(got, "Bo Member: Lunch at noon?") {
		t.Fatalf("the composer holds %q, want the message quoted", got)
	}
}
