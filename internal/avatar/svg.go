// Package avatar draws the initials avatar shown for users without an
// uploaded picture.
package avatar

import (
	"encoding/xml"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SVG returns a 512×512 rounded-square avatar with up to two initials of
// name in white on a colour derived from userID.
func SVG(userID int64, name string) []byte {
	label := strings.TrimSpace(name)
	if label == "" {
		label = "User avatar"
	}
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" role="img" aria-label="`)
	escape(&b, label)
	b.WriteString(`"><rect width="512" height="512" rx="64" fill="`)
	b.WriteString(colorFor(userID))
	b.WriteString(`"/><text x="256" y="256" dy="0.35em" text-anchor="middle" fill="#fff"`)
	b.WriteString(` font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"`)
	b.WriteString(` font-size="220" font-weight="700" aria-hidden="true">`)
	escape(&b, Initials(name))
	b.WriteString(`</text></svg>`)
	return []byte(b.String())
}

// Initials returns the upper-cased first letters of the first and last words
// of name ("Ann Marie Lee" → "AL"), or "?" when name has no letters or
// digits. Words that start with punctuation or emoji contribute their first
// letter instead, and words with none are skipped.
func Initials(name string) string {
	var first, last string
	for _, w := range strings.Fields(name) {
		if in := initial(w); in != "" {
			if first == "" {
				first = in
			} else {
				last = in
			}
		}
	}
	if first == "" {
		return "?"
	}
	return strings.ToUpper(first + last)
}

// initial returns the first letter or digit of word together with any
// combining marks that follow it, so "e\u0301mile" keeps its accent.
func initial(word string) string {
	for i, r := range word {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			continue
		}
		end := i + utf8.RuneLen(r)
		for end < len(word) {
			m, size := utf8.DecodeRuneInString(word[end:])
			if !unicode.Is(unicode.M, m) {
				break
			}
			end += size
		}
		return word[i:end]
	}
	return ""
}

// escape writes s as XML character data, also safe inside a double-quoted
// attribute; invalid UTF-8 and control characters become U+FFFD.
func escape(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a strings.Builder never fails to write
}
