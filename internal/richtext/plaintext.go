package richtext

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText returns the text of sanitized HTML the way a reader sees it:
// runs of whitespace collapse to one space (except inside <pre>), <br> and
// block boundaries become newlines, non-breaking spaces become spaces, and
// the result is trimmed. Markup with no text gives "".
func PlainText(s string) string {
	s = validUTF8(s)
	nodes, err := html.ParseFragment(strings.NewReader(s), fragmentContext())
	if err != nil {
		return plainOf(plainTree(flattenText(s)))
	}
	root := newContainer()
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return plainOf(root)
}

// plainOf extracts the text of a tree we already hold, so Prepare never
// parses its own output again.
func plainOf(root *html.Node) string {
	var p plainWriter
	p.children(root, false)
	return strings.TrimSpace(p.b.String())
}

type plainWriter struct {
	b     strings.Builder
	space bool // whitespace seen and not yet written
}

func (p *plainWriter) children(n *html.Node, pre bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.node(c, pre)
	}
}

func (p *plainWriter) node(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			p.space = false
			p.b.WriteString(strings.ReplaceAll(n.Data, "\u00a0", " "))
		} else {
			p.text(n.Data)
		}
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Template:
			// PlainText may be handed markup that was never sanitized.
			return
		case atom.Br:
			p.space = false
			p.b.WriteByte('\n')
			return
		}
		block := isBlock(n)
		if block {
			p.newline()
		}
		p.children(n, pre || n.DataAtom == atom.Pre)
		if block {
			p.newline()
		}
	}
}

// text writes s with HTML's whitespace collapsing: a run of spaces, tabs,
// form feeds or newlines is one space, and none at the start of a line.
func (p *plainWriter) text(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\f', '\r':
			p.space = true
			i++
			continue
		}
		if p.space && !p.atLineStart() {
			p.b.WriteByte(' ')
		}
		p.space = false
		if c < utf8.RuneSelf {
			p.b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u00a0' {
			p.b.WriteByte(' ')
		} else {
			p.b.WriteString(s[i : i+size])
		}
		i += size
	}
}

// newline ends the current line if anything is on it; pending whitespace at
// a line end is dropped, as a browser does.
func (p *plainWriter) newline() {
	p.space = false
	if !p.atLineStart() {
		p.b.WriteByte('\n')
	}
}

func (p *plainWriter) atLineStart() bool {
	n := p.b.Len()
	return n == 0 || p.b.String()[n-1] == '\n'
}
