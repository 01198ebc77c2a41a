//go:build e2e

package e2e

import (
	"testing"
)

// soundJS finds the play control of the last message and its audio.
const soundJS = `(() => {
	const m = document.querySelector("#messages article.message:last-of-type");
	const play = m && m.querySelector('.sound__play[aria-label="Play bell"]');
	const audio = m && m.querySelector("audio.sound__audio");
	return {play: !!play && play.offsetParent !== null, started: !!audio && (audio.played.length > 0 || !audio.paused)};
})()`

// Journey 4: "/play bell" shows a play control to both people, and the
// sound starts on the page where it arrives live.
func TestJourneyPlaySound(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)

	ada.typeMessage("/play bell\n")
	for _, p := range []*person{ada, bo} {
		p.waitUntil("the play control for bell", soundJS+`.play`)
	}
	bo.waitUntil("the bell to start playing on arrival", soundJS+`.started`)
	if msgs := a.messages(room); len(msgs) != 1 || msgs[0].Plain != "/play bell" {
		t.Fatalf("stored %+v, want the /play message", msgs)
	}
}
