// Package richtext turns what a client posts as a message body into what the
// server stores: sanitized HTML, its plain text, and the members it mentions.
//
// Input comes in two shapes. The Trix composer sends serialized HTML such as
// "<div>Hi <strong>there</strong></div>"; bots and JavaScript-free forms send
// plain text in which "<" and "&" are ordinary characters and newlines are
// line breaks. Prepare tells them apart (see isMarkup), then runs both through
// the same tree so that links, mentions and plain text behave identically.
package richtext

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Member is a person who can be mentioned (a member of the room).
type Member struct {
	ID   int64
	Name string
}

// Body is what gets stored for a message.
type Body struct {
	HTML       string  // sanitized HTML, safe to render with templ.Raw
	Plain      string  // plain text (length checks, FTS, push, webhooks); blocks separated by newlines, trimmed
	MentionIDs []int64 // distinct ids of mentioned members, in order of first appearance; nil when none
}

// Prepare turns what a client sent (Trix HTML from the composer, or plain text
// from a plain form or a bot) into a Body.
//
// The input is treated as HTML when, after trimming, it starts with "<" and
// the sanitized result still holds at least one element the policy allows.
// Everything else is plain text: escaped, with newlines as <br>. So a bot that
// posts "<3" or "<script>…</script>" gets its characters shown literally
// rather than silently dropped, and Trix output (always a block element) is
// read as markup.
func Prepare(raw string, members []Member) Body {
	raw = validUTF8(raw)
	trimmed := strings.TrimSpace(raw)

	var root *html.Node
	if strings.HasPrefix(trimmed, "<") {
		root = sanitizeTree(trimmed)
		if !hasElement(root) {
			root = nil
		}
	}
	if root == nil {
		root = plainTree(trimmed)
	}

	e := enricher{members: members}
	e.walk(root, false)

	return Body{
		HTML:       render(root),
		Plain:      plainOf(root),
		MentionIDs: e.ids,
	}
}

// validUTF8 replaces invalid bytes so that every later step, and every byte
// we store, is well-formed text. The caller rejects invalid UTF-8 earlier;
// this only keeps us predictable if it ever slips through.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// plainTree builds the node list for plain-text input: text with a <br>
// for every newline. It is hung under a detached container so the rest of
// the pipeline can treat both input shapes alike.
func plainTree(s string) *html.Node {
	root := newContainer()
	s = normalizeNewlines(s)
	for i := 0; ; i++ {
		line, rest, more := strings.Cut(s, "\n")
		if i > 0 {
			root.AppendChild(&html.Node{Type: html.ElementNode, Data: "br", DataAtom: brAtom})
		}
		if line != "" {
			root.AppendChild(&html.Node{Type: html.TextNode, Data: line})
		}
		if !more {
			break
		}
		s = rest
	}
	return root
}

// normalizeNewlines folds CRLF and lone CR into LF and drops NUL, which an
// HTML parser would discard anyway; doing it here keeps the stored HTML a
// fixed point of Sanitize.
func normalizeNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\x00") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\x00", "")
}

func hasElement(root *html.Node) bool {
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return true
		}
	}
	return false
}
