package richtext

import (
	"strings"

	"golang.org/x/net/html"
)

// render serializes the children of root. It is ours rather than html.Render
// so the output is exactly the HTML we mean: "<br>" not "<br/>", one escaping
// style, and only allowlisted elements even if a bug upstream let something
// else into the tree.
func render(root *html.Node) string {
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		renderNode(&b, c)
	}
	return b.String()
}

func renderNode(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		escapeText(b, n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if _, ok := elementRule(n); !ok {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			renderNode(b, c)
		}
		return
	}
	b.WriteByte('<')
	b.WriteString(n.Data)
	for _, a := range n.Attr {
		b.WriteByte(' ')
		b.WriteString(a.Key)
		b.WriteString(`="`)
		escapeAttr(b, a.Val)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	if isVoid(n) {
		return
	}
	// The parser drops one newline right after <pre>; write an extra one so
	// a leading newline in the content survives a round trip.
	if n.Data == "pre" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode &&
		strings.HasPrefix(n.FirstChild.Data, "\n") {
		b.WriteByte('\n')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		renderNode(b, c)
	}
	b.WriteString("</")
	b.WriteString(n.Data)
	b.WriteByte('>')
}

func escapeText(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case 0:
			esc = ""
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

func escapeAttr(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&quot;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case 0:
			esc = "\uFFFD"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
