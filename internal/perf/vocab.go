package perf

import (
	"math/rand/v2"
	"strings"
)

// commonWords are the head of the vocabulary, most frequent first, as in team
// chat: function words, then the nouns and verbs of work talk.
var commonWords = strings.Fields(`
the to i a and it is you that for of in we on this be can have just
not so do with but are will at if what was me it's my get i'm think
there up all one out about they like now need know no should go its
yes ok time see thanks good would make how also did when then some new
any an let from or look still work today more here going right by
deploy review build test fix branch release meeting customer issue bug
code change data server team week tomorrow morning call update ticket
merge design feature question api please sure done check back try
yeah maybe want got sounds great nice cool morning lunch later people
thing way day next last first could our us them their which who why
where been much well very into than because over after before around
project plan doc docs spec draft email chat room message page user
users account error log logs alert staging production prod database
query index cache queue worker job jobs script config service client
monitor metrics dashboard latency memory disk cpu network load traffic
launch ship shipped shipping rollout rollback hotfix patch version
`)

// syllables make the long tail of rarer words: names, jargon, typos.
var syllables = strings.Fields(`ka lo mi ra ten vor sel an dru pe quo lin
mar to ze bri hal nor cu fen gra is lux ob pri sta ven wil yor zan et um`)

// Vocabulary is a fixed list of words with a Zipf-like frequency: a few words
// appear in most messages, most words in few.
type Vocabulary struct {
	words []string
	zipf  *rand.Zipf
}

// NewVocabulary builds n words (at least the common ones) drawn by rng.
func NewVocabulary(rng *rand.Rand, n int) *Vocabulary {
	words := append([]string(nil), commonWords...)
	seen := map[string]bool{}
	for _, w := range words {
		seen[w] = true
	}
	// Deterministic pseudo-words of two to four syllables.
	for i := 0; len(words) < n; i++ {
		var b strings.Builder
		k := 2 + i%3
		x := i
		for j := 0; j < k; j++ {
			b.WriteString(syllables[x%len(syllables)])
			x = x/len(syllables) + j*7 + 3
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return &Vocabulary{words: words, zipf: rand.NewZipf(rng, 1.07, 2, uint64(len(words)-1))}
}

// Word draws one word.
func (v *Vocabulary) Word() string { return v.words[v.zipf.Uint64()] }

// Rank returns the word of the given frequency rank (0 is the most common).
func (v *Vocabulary) Rank(i int) string { return v.words[i] }

// Sentence draws a message of a realistic length: mostly short, sometimes long.
func (v *Vocabulary) Sentence(rng *rand.Rand) string {
	n := 3 + int(rng.ExpFloat64()*9)
	if n > 120 {
		n = 120
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.Word())
	}
	return b.String()
}
