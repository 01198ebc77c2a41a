package richtext

import (
	"unicode"
	"unicode/utf8"
)

// HasVisible reports whether s holds at least one character that shows:
// something other than spaces, control and format characters (zero-width
// spaces and joiners, bidirectional marks), and the fillers and selectors
// Unicode lists as default-ignorable. Text made only of those looks empty
// and is refused like empty text.
func HasVisible(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return true
		}
	}
	return false
}

func invisible(r rune) bool {
	if unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zs, unicode.Zl, unicode.Zp) {
		return true
	}
	switch {
	case r == utf8.RuneError,
		r == 0x034F,              // combining grapheme joiner
		r == 0x115F, r == 0x1160, // Hangul choseong and jungseong fillers
		r == 0x3164, r == 0xFFA0, // Hangul filler, halfwidth Hangul filler
		r == 0x2800,                  // braille pattern blank
		r >= 0x180B && r <= 0x180F,   // Mongolian variation selectors and vowel separator
		r >= 0xFE00 && r <= 0xFE0F,   // variation selectors
		r >= 0xE0100 && r <= 0xE01EF: // variation selectors supplement
		return true
	}
	return false
}

// LineProblem says what is wrong with one line of text given as a name (of a
// person or a room) or a bio, or "" when nothing is. Control characters
// (NUL, tab, line breaks) and bidirectional controls are refused: the first
// break layouts, logs and exports, the second can make a name read
// backwards or spoof another's. Text with nothing visible is refused too.
func LineProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "This is not valid text."
	case !HasVisible(s):
		return "Use at least one visible character."
	}
	for _, r := range s {
		if unicode.Is(unicode.Cc, r) || bidiControl(r) {
			return "Leave out control characters, line breaks, tabs and text-direction controls."
		}
	}
	return ""
}

// bidiControl lists the characters that change the direction of the text
// around them (embeddings, overrides, isolates and marks).
func bidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
