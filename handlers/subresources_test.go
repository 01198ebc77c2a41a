package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestImagesCannotActForTheirViewers: a message's image pointing at another
// room's stream is dropped when stored, and a request for a signed-in
// address made to fill an image (or a script, a style…) is refused without
// marking anything read, for markup stored before that rule too. Opening
// the room itself still marks it read, as in Campfire (issue 19, item 8).
func TestImagesCannotActForTheirViewers(t *testing.T) {
	rc := newRoomCast(t)
	a := rc.a
	other := rc.closedRoom(t, "Elsewhere")
	rc.creator.mustPost(t, other.ID, "unread for Mia", "elsewhere-1")
	unread := func() bool {
		return a.count(`SELECT count(*) FROM memberships WHERE room_id = ? AND user_id = ? AND unread_at IS NOT NULL`,
			other.ID, rc.member.user.ID) == 1
	}
	if !unread() {
		t.Fatal("the room should start unread for Mia")
	}

	hostile := fmt.Sprintf(`<div>look<img src="/events?room_id=%d"><img src="/rooms/%d"></div>`, other.ID, other.ID)
	rc.creator.mustPost(t, a.allTalk(), hostile, "hostile-1")
	var body string
	if err := a.store.Writer().QueryRow(`SELECT body_html FROM messages ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, "<img") {
		t.Errorf("stored body keeps the image: %s", body)
	}

	// What a viewer's browser sends for such an image, or a script or style.
	for _, path := range []string{fmt.Sprintf("/events?room_id=%d", other.ID), fmt.Sprintf("/rooms/%d", other.ID)} {
		for _, dest := range []string{"image", "script", "style", "audio", "video", "object", "font"} {
			res := rc.member.get(path, "Sec-Fetch-Dest", dest, "Sec-Fetch-Mode", "no-cors")
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s as %s: %d, want 400", path, dest, res.StatusCode)
			}
			res.Body.Close()
		}
	}
	if !unread() {
		t.Fatal("an image request marked the room read")
	}

	// The person's own navigation, and our own images, still work.
	wantStatus(t, rc.member.get(fmt.Sprintf("/users/%d/avatar", rc.creator.user.ID), "Sec-Fetch-Dest", "image"), http.StatusOK)
	wantStatus(t, rc.member.get(fmt.Sprintf("/rooms/%d", other.ID), "Sec-Fetch-Dest", "document"), http.StatusOK)
	if unread() {
		t.Error("opening the room did not mark it read")
	}
}
