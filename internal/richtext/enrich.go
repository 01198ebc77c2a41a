package richtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// enricher does the room-aware part of Prepare on a sanitized tree: it
// settles mention anchors against the members, and turns bare URLs and
// plain-text @Names into links. Text inside <a> and <pre> is left alone (a
// link cannot hold a link, and code is shown verbatim), but an anchor is
// settled wherever it is, so no unchecked mention survives inside <pre>.
type enricher struct {
	members []Member
	ids     []int64
}

func (e *enricher) walk(parent *html.Node, inPre bool) {
	for c := parent.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.TextNode:
			if !inPre {
				e.text(c)
			}
		case c.Type != html.ElementNode:
		case c.DataAtom == atom.A:
			e.anchor(c)
		default:
			e.walk(c, inPre || c.DataAtom == atom.Pre)
		}
		c = next
	}
}

func (e *enricher) mention(id int64) {
	for _, seen := range e.ids {
		if seen == id {
			return
		}
	}
	e.ids = append(e.ids, id)
}

// text splits a text node around the links and mentions found in it.
func (e *enricher) text(n *html.Node) {
	s := n.Data
	wantMentions := len(e.members) > 0 && strings.IndexByte(s, '@') >= 0
	wantLinks := strings.Contains(s, "://")
	if !wantMentions && !wantLinks {
		return
	}

	parent := n.Parent
	start, found := 0, false
	emit := func(at int, node *html.Node) {
		if at > start {
			parent.InsertBefore(&html.Node{Type: html.TextNode, Data: s[start:at]}, n)
		}
		parent.InsertBefore(node, n)
		found = true
	}
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '@' && wantMentions && wordStart(s, i):
			if m, size := e.matchName(s[i+1:]); size > 0 {
				emit(i, mentionAnchor(m))
				e.mention(m.ID)
				i += 1 + size
				start = i
				continue
			}
		case (c == 'h' || c == 'H') && wantLinks && wordStart(s, i):
			if href, size := matchURL(s[i:]); size > 0 {
				emit(i, linkAnchor(href, s[i:i+size]))
				i += size
				start = i
				continue
			}
		}
		i++
	}
	if !found {
		return
	}
	if start < len(s) {
		n.Data = s[start:]
	} else {
		parent.RemoveChild(n)
	}
}

// wordStart reports whether s[i] begins a word: the text before it does not
// end in a letter, digit or underscore. It keeps "ann@example.com" from
// mentioning Example and "xhttp://" from linking.
func wordStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func linkAnchor(href, text string) *html.Node {
	a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: aAtom, Attr: externalLinkAttrs(href)}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: text})
	return a
}
