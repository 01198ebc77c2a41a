//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Journey 11: search finds a message and opens it at its permalink, in its
// room; with JavaScript on and off alike.
func TestJourneySearch(t *testing.T) {
	for _, scripts := range []bool{true, false} {
		name := "javascript"
		if !scripts {
			name = "no-javascript"
		}
		t.Run(name, func(t *testing.T) {
			a := newApp(t)
			ada := a.newPerson(t, "Ada Admin")
			room := a.allTalk(ada.user)
			for _, body := range []string{
				"The quarterly numbers look fine",
				"Who left the kettle on in the kitchen?",
				"Lunch at noon, as usual",
			} {
				httpPost(t, a, ada.user.Email, room, body)
			}
			var kettle int64
			for _, m := range a.messages(room) {
				if strings.Contains(m.Plain, "kettle") {
					kettle = m.ID
				}
			}

			if !scripts {
				ada.disableScripts()
			}
			ada.signedIn()
			ada.visit("/")
			ada.submit(`#sidebar a[href="/searches"]`)
			ada.do(chromedp.SendKeys(chromedp.ID("search_q"), "kettle"))
			ada.submit(`form.search-form button[type="submit"]`)

			results := eval[[]string](ada, `Array.from(document.querySelectorAll("#search-results article.message"), e => e.querySelector(".message__body").textContent.trim())`)
			if len(results) != 1 || results[0] != "Who left the kettle on in the kitchen?" {
				t.Fatalf("searching for kettle shows %q, want the one message", results)
			}
			if marked := eval[string](ada, `(document.querySelector("#search-results mark") || {}).textContent || ""`); !strings.EqualFold(marked, "kettle") {
				t.Errorf("the matched word is marked %q, want kettle", marked)
			}

			if scripts {
				ada.wantAccessible("search results")
			}
			ada.submit(`#search-results article.message .message__permalink`)
			if want := fmt.Sprintf("/rooms/%d/@%d", room, kettle); ada.path() != want {
				t.Fatalf("the result opens %s, want the permalink %s", ada.path(), want)
			}
			if n := eval[int](ada, fmt.Sprintf(`document.querySelectorAll('#messages article.message[data-message-id="%d"]').length`, kettle)); n != 1 {
				t.Errorf("the permalink page shows the message %d times, want once", n)
			}
		})
	}
}
