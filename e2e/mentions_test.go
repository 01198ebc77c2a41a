//go:build e2e

package e2e

import (
	"context"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

// mentionJS are the room list's and the page's marks a mentions journey
// reads.
const (
	watercoolerLinkJS = `Array.from(document.querySelectorAll("#sidebar_rooms a")).find(a => a.textContent.includes("Watercooler"))`
	dividerBeforeJS   = `(() => { const d = document.getElementById("unread_divider"); const m = d && d.nextElementSibling; return m ? m.querySelector(".message__body").textContent.trim() : ""; })()`
	messageShadowJS   = `(text => getComputedStyle(Array.from(document.querySelectorAll("#messages article.message")).find(e => e.querySelector(".message__body").textContent.trim() === text)).boxShadow)`
)

// Issue 15 defect 4: mentions stand out. Away from a room, its new
// messages count in the tab's title; one that mentions me marks the room
// in the list apart from merely unread ones; in the room a "new messages"
// divider shows where I left off, and the message mentioning me is
// highlighted. With scripts the marks arrive live; without, on each page.
func TestJourneyMentionsStandOut(t *testing.T) {
	for _, scripts := range []bool{true, false} {
		name := "javascript"
		if !scripts {
			name = "no-javascript"
		}
		t.Run(name, func(t *testing.T) {
			a := newApp(t)
			ada := a.newPerson(t, "Ada Admin")
			bo := a.newPerson(t, "Bo Member")
			room := a.allTalk(ada.user)
			wc, err := a.Store().CreateRoom(context.Background(), model.RoomOpen, "Watercooler", ada.user.ID, []int64{ada.user.ID, bo.user.ID})
			if err != nil {
				t.Fatal(err)
			}
			httpPost(t, a, ada.user.Email, wc.ID, "Read before")
			if !scripts {
				bo.disableScripts()
			}
			bo.signedIn()
			bo.visit("/rooms/" + itoa(wc.ID))
			if scripts {
				bo.waitUntilLive()
			}
			bo.visit("/rooms/" + itoa(room))
			if scripts {
				bo.waitUntilLive()
			}
			if got := eval[string](bo, `document.title`); got != "All Talk" {
				t.Fatalf("with every room read the title is %q", got)
			}

			httpPost(t, a, ada.user.Email, wc.ID, "Coffee, anyone?")
			if !scripts {
				bo.visit("/rooms/" + itoa(room))
			}
			bo.waitUntil("the other room to be unread", watercoolerLinkJS+`.classList.contains("unread")`)
			bo.waitUntil("the title to count it", `document.title === "(1) All Talk"`)
			if eval[bool](bo, watercoolerLinkJS+`.classList.contains("mentioned")`) {
				t.Fatal("a room without a mention is marked as mentioning me")
			}

			httpPost(t, a, ada.user.Email, wc.ID, "@Bo Member can you bring the milk?")
			if !scripts {
				bo.visit("/rooms/" + itoa(room))
			}
			bo.waitUntil("the room to be marked for the mention", watercoolerLinkJS+`.classList.contains("mentioned")`)
			if got := eval[string](bo, watercoolerLinkJS+`.textContent.replace(/\s+/g, " ").trim()`); got != "Watercooler @ (you were mentioned)" {
				t.Errorf("the mentioned room's line reads %q", got)
			}
			if scripts { // axe runs as a script
				bo.wantAccessible("room list with a mention")
			}

			bo.visit("/rooms/" + itoa(wc.ID))
			if got := eval[string](bo, dividerBeforeJS); got != "Coffee, anyone?" {
				t.Errorf("the new messages divider is before %q, want the first unread message", got)
			}
			if got, plain := eval[string](bo, messageShadowJS+`("@Bo Member can you bring the milk?")`), eval[string](bo, messageShadowJS+`("Coffee, anyone?")`); got == plain || got == "none" {
				t.Errorf("the message mentioning Bo is not highlighted: %q, a plain one %q", got, plain)
			}
			if got := eval[string](bo, `document.title`); got != "Watercooler" {
				t.Errorf("in the read room the title is %q", got)
			}
			if eval[bool](bo, watercoolerLinkJS+`.classList.contains("mentioned") || `+watercoolerLinkJS+`.classList.contains("unread")`) {
				t.Error("the room is still marked after reading it")
			}
			if scripts {
				bo.wantAccessible("room with a mention and the new messages divider")
			}
		})
	}
}
