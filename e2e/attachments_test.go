//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// Journey 6: the composer's attach button says file attachments are coming
// soon.
func TestJourneyAttachmentsComingSoon(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	ada.openRoom(a.allTalk(ada.user))

	attach := `#composer [data-trix-action="attachFiles"]`
	ada.do(chromedp.Click(chromedp.CSS(attach), chromedp.NodeVisible))
	ada.waitUntil("the coming-soon notice", `(() => {
		const toast = document.querySelector("#composer .composer__toast");
		return !!toast && /coming soon/i.test(toast.textContent);
	})()`)
}
