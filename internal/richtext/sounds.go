package richtext

import (
	"strings"

	"github.com/campfire-go/campfire/internal/model"
)

// Sounds lists every playable sound, sorted by name. The names are the ones
// Campfire users already type; the captions (and the audio) are our own.
var Sounds = []model.Sound{
	{Name: "56k", Caption: "dials in at a blistering 56 kbps 📞"},
	{Name: "ballmer", Caption: "sweats through the keynote, chanting for coders 🎤"},
	{Name: "bell", Caption: "rings the front desk bell 🛎️"},
	{Name: "bezos", Caption: "laughs all the way to the warehouse 📦"},
	{Name: "bueller", Caption: "takes attendance, again"},
	{Name: "butts", Caption: "giggles like a twelve-year-old 🍑"},
	{Name: "clowntown", Caption: "welcomes everyone to clown town 🤡"},
	{Name: "cottoneyejoe", Caption: "asks where he came from, where did he go 🤠"},
	{Name: "crickets", Caption: "🦗 … 🦗 …"},
	{Name: "curb", Caption: "rolls the awkward end credits 🎻"},
	{Name: "dadgummit", Caption: "stubs a toe on the coffee table 🦶"},
	{Name: "dangerzone", Caption: "takes the highway into the danger zone ✈️"},
	{Name: "danielsan", Caption: "waxes on, waxes off 🥋"},
	{Name: "deeper", Caption: "says we need to go deeper 🌀"},
	{Name: "donotwant", Caption: "does not want, thank you very much 🙅"},
	{Name: "drama", Caption: "turns around very slowly 🐹"},
	{Name: "flawless", Caption: "woke up like this 💅"},
	{Name: "glados", Caption: "promises there will be cake 🍰"},
	{Name: "gogogo", Caption: "slams the big green button 🟢"},
	{Name: "greatjob", Caption: "hands out a gold star ⭐"},
	{Name: "greyjoy", Caption: "pays the iron price 🦑"},
	{Name: "guarantee", Caption: "bets the farm on it 🤝"},
	{Name: "heygirl", Caption: "leans in with a smoulder 🌹"},
	{Name: "honk", Caption: "unleashes the goose 🪿"},
	{Name: "horn", Caption: "toots the party horn 🥳"},
	{Name: "horror", Caption: "hears footsteps in the attic 👻"},
	{Name: "incoming", Caption: "yells INCOMING and ducks 💣"},
	{Name: "inconceivable", Caption: "keeps using that word 🤔"},
	{Name: "letitgo", Caption: "lets it go, lets it go ❄️"},
	{Name: "live", Caption: "hotfixes straight to production 🔴"},
	{Name: "loggins", Caption: "kicks off their Sunday shoes 👟"},
	{Name: "makeitso", Caption: "engages 🖖"},
	{Name: "mario_coin", Caption: "grabs a shiny coin 🪙"},
	{Name: "maybe", Caption: "is firmly on the fence 🤷"},
	{Name: "noooo", Caption: "screams into the void 😱"},
	{Name: "nyan", Caption: "leaves a rainbow trail 🌈🐱"},
	{Name: "ohmy", Caption: "fans themselves dramatically 🪭"},
	{Name: "ohyeah", Caption: "bursts through the wall 🧱"},
	{Name: "pushit", Caption: "pushes it, pushes it real good 💪"},
	{Name: "rimshot", Caption: "ba-dum tss 🥁"},
	{Name: "rollout", Caption: "ships it 🚀"},
	{Name: "rumble", Caption: "gets ready to rumble 🥊"},
	{Name: "sax", Caption: "plays a smooth solo on the sax 🎷"},
	{Name: "secret", Caption: "opens a hidden door 🗝️"},
	{Name: "sexyback", Caption: "brings it back 🕺"},
	{Name: "story", Caption: "pulls up a chair for a tale 📖"},
	{Name: "tada", Caption: "ta-da! 🎉"},
	{Name: "tmyk", Caption: "learned something today 🌠"},
	{Name: "totes", Caption: "totally, totally agrees 🙌"},
	{Name: "trololo", Caption: "hums a very familiar tune 🎶"},
	{Name: "trombone", Caption: "wah-wah-waaah 📉"},
	{Name: "unix", Caption: "types furiously into a green terminal 🖥️"},
	{Name: "vuvuzela", Caption: "BZZZZZZZZZZZZZZ 📯"},
	{Name: "what", Caption: "cannot even 😳"},
	{Name: "whoomp", Caption: "points: there it is 👉"},
	{Name: "wups", Caption: "did not mean to do that 🙈"},
	{Name: "yay", Caption: "throws confetti everywhere 🎊"},
	{Name: "yeah", Caption: "puts on sunglasses 😎"},
	{Name: "yodel", Caption: "yodels from the mountaintop 🏔️"},
}

var soundsByName = indexSounds(Sounds)

func indexSounds(list []model.Sound) map[string]model.Sound {
	m := make(map[string]model.Sound, len(list))
	for _, s := range list {
		m[s.Name] = s
	}
	return m
}

// SoundFor reports the sound a message plays: its trimmed plain text must be
// exactly "/play NAME", one space, with a known name. Anything else
// (unknown name, extra words, "/playtada") is an ordinary message.
func SoundFor(plain string) (model.Sound, bool) {
	name, ok := strings.CutPrefix(strings.TrimSpace(plain), "/play ")
	if !ok {
		return model.Sound{}, false
	}
	s, ok := soundsByName[name]
	return s, ok
}
