package richtext

import (
	"slices"
	"strings"
	"testing"
)

func TestSoundFor(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means no sound
	}{
		{"/play tada", "tada"},
		{"  /play tada\n", "tada"},
		{"/play 56k", "56k"},
		{"/play mario_coin", "mario_coin"},
		{"/play  tada", ""},
		{"/play nope", ""},
		{"/playtada", ""},
		{"/play tada now", ""},
		{"/play TADA", ""},
		{"/play", ""},
		{"/play ", ""},
		{"play tada", ""},
		{"say /play tada", ""},
	}
	for _, tt := range tests {
		s, ok := SoundFor(tt.in)
		if ok != (tt.want != "") || s.Name != tt.want {
			t.Errorf("SoundFor(%q) = %+v, %v; want %q", tt.in, s, ok, tt.want)
		}
	}
}

func TestSoundsList(t *testing.T) {
	spec := strings.Fields(`56k ballmer bell bezos bueller butts
	clowntown cottoneyejoe crickets curb dadgummit dangerzone danielsan deeper donotwant drama
	flawless glados gogogo greatjob greyjoy guarantee heygirl honk horn horror incoming
	inconceivable letitgo live loggins makeitso mario_coin maybe noooo nyan ohmy ohyeah pushit
	rimshot rollout rumble sax secret sexyback story tada tmyk totes trololo trombone unix
	vuvuzela what whoomp wups yay yeah yodel`)
	var names []string
	for _, s := range Sounds {
		names = append(names, s.Name)
		if strings.TrimSpace(s.Caption) == "" {
			t.Errorf("sound %s has no caption", s.Name)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("Sounds not sorted by name: %v", names)
	}
	if !slices.Equal(names, spec) {
		t.Errorf("Sounds = %v\nwant %v", names, spec)
	}
}
