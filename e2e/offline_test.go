//go:build e2e

package e2e

import (
	"testing"
)

// connectionJS is what the room's connection status line says.
const connectionJS = `((document.getElementById("connection_status") || {}).textContent || "")`

// Issue 15 defect 5: when the live stream has been down for a few seconds
// the room says so in a status line and marks the composer; a message sent
// meanwhile is kept, and once the connection is back it is sent (once)
// and the line says so. (Without scripts there is no live stream, so
// nothing to say.)
func TestJourneyOfflineIsShownAndSendingResumes(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	if got := eval[string](ada, connectionJS); got != "" {
		t.Fatalf("online, the status line says %q", got)
	}

	a.Stop()
	ada.waitUntil("the page to say it is offline", connectionJS+`.startsWith("Offline")`)
	if !eval[bool](ada, `document.getElementById("connection_status").getAttribute("role") === "status" && document.getElementById("composer").classList.contains("composer--offline")`) {
		t.Error("the offline state is not a status, or the composer does not show it")
	}
	ada.wantAccessible("room while offline")

	ada.typeMessage("Written while offline\n")
	ada.waitUntil("the message to be kept as not sent", `!!document.querySelector("#messages .message--failed")`)

	a.Start()
	ada.waitUntil("the page to say it is back", connectionJS+` === "Back online."`)
	ada.waitForMessage("Written while offline")
	ada.waitUntilLive()
	if n := ada.countMessage("Written while offline"); n != 1 {
		t.Errorf("the kept message shows %d times, want once", n)
	}
	stored := 0
	for _, m := range a.messages(room) {
		if m.Plain == "Written while offline" {
			stored++
		}
	}
	if stored != 1 {
		t.Errorf("the kept message was stored %d times, want once", stored)
	}
	if eval[bool](ada, `document.getElementById("composer").classList.contains("composer--offline")`) {
		t.Error("back online, the composer still shows the offline state")
	}
}
