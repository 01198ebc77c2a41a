package richtext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// anchor settles an <a> that may be a mention. Recognised:
//   - the composer's <a href="/users/{id}" data-mention="{id}"> (tidy has
//     already checked that the two ids agree);
//   - <a href="/users/{id}"> whose text starts with "@", because Trix keeps
//     href but drops unknown attributes such as data-mention when HTML is
//     inserted into the editor.
//
// A member's anchor is rewritten to the canonical form with their current
// name. A data-mention anchor for someone outside the room becomes the
// plain text "@Name": no link to a stranger, nobody notified.
func (e *enricher) anchor(a *html.Node) {
	mentionAttr, hasMention := attr(a, "data-mention")
	href, _ := attr(a, "href")
	var id int64
	switch {
	case hasMention:
		id, _ = strconv.ParseInt(mentionAttr, 10, 64)
	case strings.HasPrefix(href, "/users/") && validMentionID(href[len("/users/"):]) &&
		strings.HasPrefix(textContent(a), "@"):
		id, _ = strconv.ParseInt(href[len("/users/"):], 10, 64)
	default:
		return
	}

	for _, m := range e.members {
		if m.ID == id {
			canonicalMention(a, m)
			e.mention(id)
			return
		}
	}
	if hasMention {
		text := textContent(a)
		if !strings.HasPrefix(text, "@") {
			text = "@" + text
		}
		a.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: text}, a)
		a.Parent.RemoveChild(a)
	}
}

func mentionAnchor(m Member) *html.Node {
	a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: aAtom}
	canonicalMention(a, m)
	return a
}

func canonicalMention(a *html.Node, m Member) {
	id := strconv.FormatInt(m.ID, 10)
	a.Attr = []html.Attribute{{Key: "href", Val: "/users/" + id}, {Key: "data-mention", Val: id}}
	for c := a.FirstChild; c != nil; c = a.FirstChild {
		a.RemoveChild(c)
	}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: "@" + validUTF8(strings.TrimSpace(m.Name))})
}

// matchName finds the member whose full name s starts with, ignoring case,
// and returns them with the number of bytes of s the name covers. The
// longest name wins, so "@Ann Lee" is Ann Lee even when Ann is also in the
// room. The name must not run on into a word ("@Annabel" is not Ann).
// Members without a usable id or name are never matched.
func (e *enricher) matchName(s string) (Member, int) {
	if s == "" {
		return Member{}, 0
	}
	first, _ := utf8.DecodeRuneInString(s)
	var best Member
	bestSize, bestLen := 0, 0
	for _, m := range e.members {
		name := strings.TrimSpace(m.Name)
		if name == "" || m.ID <= 0 {
			continue
		}
		// Cheap rejection before the full comparison: most names differ
		// at the first letter.
		if r, _ := utf8.DecodeRuneInString(name); !equalFold(r, first) {
			continue
		}
		size := foldPrefix(s, name)
		if size < 0 || !endsWord(s, size, name) {
			continue
		}
		if n := utf8.RuneCountInString(name); n > bestLen {
			best, bestSize, bestLen = m, size, n
		}
	}
	return best, bestSize
}

// foldPrefix returns how many bytes of s match name under Unicode simple
// case folding, or -1. Byte lengths can differ between the two (K and the
// Kelvin sign), which is why it walks runes instead of slicing s.
func foldPrefix(s, name string) int {
	i := 0
	for _, want := range name {
		if i >= len(s) {
			return -1
		}
		got, size := utf8.DecodeRuneInString(s[i:])
		if !equalFold(got, want) {
			return -1
		}
		i += size
	}
	return i
}

func equalFold(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return 'A' <= a && a <= 'Z' && a+'a'-'A' == b || 'A' <= b && b <= 'Z' && b+'a'-'A' == a
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// endsWord reports whether a match of name ending at s[size] stops at a word
// boundary.
func endsWord(s string, size int, name string) bool {
	if size >= len(s) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(name)
	next, _ := utf8.DecodeRuneInString(s[size:])
	return !isWordRune(last) || !isWordRune(next)
}

func textContent(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			} else {
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
