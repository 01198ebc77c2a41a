package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A direct message with nobody chosen is refused with the
// form again and a reason (issue 15 item 9); no room is made.
func TestDirectRoomWithNobodyIsRefused(t *testing.T) {
	rc := newRoomCast(t)
	before := rc.a.dbState(t)
	for _, form := range []url.Values{
		{},
		{"user_ids[]": {itoa64(rc.member.user.ID)}}, // control: someone chosen
	} {
		res := rc.creator.postForm("/rooms/directs", form)
		if form.Get("user_ids[]") == itoa64(rc.member.user.ID) {
			wantStatus(t, res, http.StatusSeeOther)
			continue
		}
		wantStatus(t, res, http.StatusUnprocessableEntity)
		doc := document(t, res)
		if msg := doc.Find(`main [role="alert"]`).Text(); !strings.Contains(msg, "Choose at least one person") {
			t.Errorf("%v: the reason is %q", form, msg)
		}
		if doc.Find(`main form input[name="user_ids[]"]`).Length() == 0 {
			t.Errorf("%v: the form is not shown again", form)
		}
	}
	after := rc.a.dbState(t)
	if strings.Count(after, "direct") != strings.Count(before, "direct")+1 {
		t.Errorf("want exactly the one direct room with someone chosen; rooms now:\n%s", after)
	}
}

// Opening a room one may not see lands in one's rooms with an alert, not a
// notice.
func TestRoomNotFoundIsAnAlert(t *testing.T) {
	rc := newRoomCast(t)
	res := rc.member.get("/rooms/424242")
	wantStatus(t, res, http.StatusSeeOther)
	res = rc.member.get("/")
	wantStatus(t, res, http.StatusSeeOther)
	doc := document(t, rc.member.get(res.Header.Get("Location")))
	alert := doc.Find("body > .flash--alert[role=alert]")
	if !strings.Contains(alert.Text(), "Room not found") {
		t.Errorf("no alert; flashes: %q", doc.Find(".flash").Text())
	}
	if doc.Find(".flash--notice").Length() != 0 {
		t.Error("the failure shows as a notice")
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
