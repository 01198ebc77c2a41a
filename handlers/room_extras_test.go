package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The room invites an administrator alone on the account to invite people
// (issue 15 item 9): the join link in the room, to nobody else, and not
// once someone else is there.
func TestFirstRoomInvitesAloneAdministrator(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	invite := func(c *client) string {
		t.Helper()
		res := c.get(fmt.Sprintf("/rooms/%d", room))
		wantStatus(t, res, http.StatusOK)
		v, _ := document(t, res).Find(".room__invite input").Attr("value")
		return v
	}
	if got := invite(admin); !strings.Contains(got, "/join/") {
		t.Fatalf("the lone administrator is not invited to invite people (link %q)", got)
	}
	member := a.member("Bo Member")
	if got := invite(admin); got != "" {
		t.Errorf("the invitation stays once someone joined: %q", got)
	}
	if got := invite(member); got != "" {
		t.Errorf("a member is shown the join link: %q", got)
	}
}

// Message times say their zone without scripts (issue 15 item 9).
func TestMessageTimesSayUTC(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	m := admin.postOK(a.allTalk(), "What time is it?", "utc-1")
	res := admin.get(fmt.Sprintf("/rooms/%d", a.allTalk()))
	wantStatus(t, res, http.StatusOK)
	got := strings.TrimSpace(document(t, res).Find("#" + m.DomID() + " time").Text())
	if want := m.CreatedAt.UTC().Format("15:04") + " UTC"; got != want {
		t.Errorf("the time reads %q, want %q", got, want)
	}
}
