package richtext

import "strings"

// Sound is a clip that "/play NAME" plays for the whole room.
type Sound struct {
	Name    string
	Caption string // shown beside the play button; the project's own words
}

// Sounds lists every playable sound, sorted by name. The names are the ones
// Campfire users already type; the captions (and the audio) are our own.
var Sounds = []Sound{
	{"56k", "dials in at a blistering 56 kbps 📞"},
	{"ballmer", "sweats through the keynote, chanting for coders 🎤"},
	{"bell", "rings the front desk bell 🛎️"},
	{"bezos", "laughs all the way to the warehouse 📦"},
	{"bueller", "takes attendance, again"},
	{"butts", "giggles like a twelve-year-old 🍑"},
	{"clowntown", "welcomes everyone to clown town 🤡"},
	{"cottoneyejoe", "asks where he came from, where did he go 🤠"},
	{"crickets", "🦗 … 🦗 …"},
	{"curb", "rolls the awkward end credits 🎻"},
	{"dadgummit", "stubs a toe on the coffee table 🦶"},
	{"dangerzone", "takes the highway into the danger zone ✈️"},
	{"danielsan", "waxes on, waxes off 🥋"},
	{"deeper", "says we need to go deeper 🌀"},
	{"donotwant", "does not want, thank you very much 🙅"},
	{"drama", "turns around very slowly 🐹"},
	{"flawless", "woke up like this 💅"},
	{"glados", "promises there will be cake 🍰"},
	{"gogogo", "slams the big green button 🟢"},
	{"greatjob", "hands out a gold star ⭐"},
	{"greyjoy", "pays the iron price 🦑"},
	{"guarantee", "bets the farm on it 🤝"},
	{"heygirl", "leans in with a smoulder 🌹"},
	{"honk", "unleashes the goose 🪿"},
	{"horn", "toots the party horn 🥳"},
	{"horror", "hears footsteps in the attic 👻"},
	{"incoming", "yells INCOMING and ducks 💣"},
	{"inconceivable", "keeps using that word 🤔"},
	{"letitgo", "lets it go, lets it go ❄️"},
	{"live", "hotfixes straight to production 🔴"},
	{"loggins", "kicks off their Sunday shoes 👟"},
	{"makeitso", "engages 🖖"},
	{"mario_coin", "grabs a shiny coin 🪙"},
	{"maybe", "is firmly on the fence 🤷"},
	{"noooo", "screams into the void 😱"},
	{"nyan", "leaves a rainbow trail 🌈🐱"},
	{"ohmy", "fans themselves dramatically 🪭"},
	{"ohyeah", "bursts through the wall 🧱"},
	{"pushit", "pushes it, pushes it real good 💪"},
	{"rimshot", "ba-dum tss 🥁"},
	{"rollout", "ships it 🚀"},
	{"rumble", "gets ready to rumble 🥊"},
	{"sax", "plays a smooth solo on the sax 🎷"},
	{"secret", "opens a hidden door 🗝️"},
	{"sexyback", "brings it back 🕺"},
	{"story", "pulls up a chair for a tale 📖"},
	{"tada", "ta-da! 🎉"},
	{"tmyk", "learned something today 🌠"},
	{"totes", "totally, totally agrees 🙌"},
	{"trololo", "hums a very familiar tune 🎶"},
	{"trombone", "wah-wah-waaah 📉"},
	{"unix", "types furiously into a green terminal 🖥️"},
	{"vuvuzela", "BZZZZZZZZZZZZZZ 📯"},
	{"what", "cannot even 😳"},
	{"whoomp", "points: there it is 👉"},
	{"wups", "did not mean to do that 🙈"},
	{"yay", "throws confetti everywhere 🎊"},
	{"yeah", "puts on sunglasses 😎"},
	{"yodel", "yodels from the mountaintop 🏔️"},
}

var soundsByName = indexSounds(Sounds)

func indexSounds(list []Sound) map[string]Sound {
	m := make(map[string]Sound, len(list))
	for _, s := range list {
		m[s.Name] = s
	}
	return m
}

// SoundFor reports the sound a message plays: its trimmed plain text must be
// exactly "/play NAME", one space, with a known name. Anything else
// (unknown name, extra words, "/playtada") is an ordinary message.
func SoundFor(plain string) (Sound, bool) {
	name, ok := strings.CutPrefix(strings.TrimSpace(plain), "/play ")
	if !ok {
		return Sound{}, false
	}
	s, ok := soundsByName[name]
	return s, ok
}
