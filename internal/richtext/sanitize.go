package richtext

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Sanitize applies the allowlist to html and returns markup that is safe to
// render with templ.Raw. It does not know the room, so it keeps mention
// anchors by shape only (see fixAnchor); Prepare also checks membership.
//
// Sanitize(Sanitize(x)) == Sanitize(x).
func Sanitize(s string) string {
	return render(sanitizeTree(validUTF8(s)))
}

// sanitizeTree runs bluemonday, then parses its output into a tree. The
// second step matters: bluemonday works token by token and passes unbalanced
// tags through, and a stray "</div></div>" in a message would close the page's
// own containers. Parsing and re-rendering balances every tag.
func sanitizeTree(s string) *html.Node {
	clean := policy.Sanitize(s)
	nodes, err := html.ParseFragment(strings.NewReader(clean), fragmentContext())
	if err != nil {
		// The parser refuses nesting deeper than 512 elements. No composer
		// produces that; keep the words and drop the structure.
		return plainTree(flattenText(clean))
	}
	root := newContainer()
	for _, n := range nodes {
		root.AppendChild(n)
	}
	tidy(root, false)
	return root
}

// fragmentContext is a fresh <div>, the element messages are rendered into.
// A new node each call because the parser may link to its context.
func fragmentContext() *html.Node {
	return &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
}

func newContainer() *html.Node {
	return &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
}

// tidy enforces the allowlist on a parsed tree a second time and puts links
// into their one canonical form. inLink is true below an <a>: a link inside
// a link would be re-parsed differently and break Sanitize's idempotency.
func tidy(parent *html.Node, inLink bool) {
	for c := parent.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.TextNode:
			// kept as is; render escapes it
		case html.ElementNode:
			attrs, ok := elementRule(c)
			switch {
			case !ok:
				next = dropOrUnwrap(c)
			case c.DataAtom == atom.A && (inLink || !fixAnchor(c)):
				next = unwrap(c)
			case c.DataAtom == atom.Img && !imageSrcOK(c):
				parent.RemoveChild(c)
			default:
				if c.DataAtom != atom.A {
					filterAttrs(c, attrs)
				}
				tidy(c, inLink || c.DataAtom == atom.A)
			}
		default:
			// comments, doctypes: never part of a message
			parent.RemoveChild(c)
		}
		c = next
	}
}

// dropOrUnwrap removes an element the allowlist does not know. Content of
// elements that never show text to a reader goes with it; other content is
// kept, as bluemonday does. Returns the node to visit next.
func dropOrUnwrap(n *html.Node) *html.Node {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Iframe, atom.Object,
		atom.Noscript, atom.Title, atom.Svg, atom.Math:
		next := n.NextSibling
		n.Parent.RemoveChild(n)
		return next
	}
	return unwrap(n)
}

// unwrap replaces n by its children and returns the first of them (or n's
// next sibling), so the caller's loop goes on to examine them.
func unwrap(n *html.Node) *html.Node {
	parent := n.Parent
	first := n.FirstChild
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
		parent.InsertBefore(c, n)
	}
	next := n.NextSibling
	parent.RemoveChild(n)
	if first != nil {
		return first
	}
	return next
}

// filterAttrs keeps the allowed keys, first occurrence only (as a browser
// would read them).
func filterAttrs(n *html.Node, allowed []string) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Namespace == "" && contains(allowed, a.Key) && !hasKey(kept, a.Key) {
			kept = append(kept, a)
		}
	}
	n.Attr = kept
}

// fixAnchor rewrites an <a> to its canonical attributes and reports whether
// it is still a link (false: no usable href).
//
// A mention keeps data-mention only when it is a canonical positive id and
// href is exactly /users/{that id}; otherwise the attribute is dropped and the
// anchor is an ordinary link. External links (any scheme or host) open in a
// new tab with rel="noopener nofollow"; relative links stay plain.
func fixAnchor(n *html.Node) bool {
	href, okHref := attr(n, "href")
	if !okHref || href == "" {
		return false
	}
	mention, _ := attr(n, "data-mention")
	switch {
	case mention != "" && validMentionID(mention) && href == "/users/"+mention:
		n.Attr = []html.Attribute{{Key: "href", Val: href}, {Key: "data-mention", Val: mention}}
	case isExternal(href):
		n.Attr = externalLinkAttrs(href)
	default:
		n.Attr = []html.Attribute{{Key: "href", Val: href}}
	}
	return true
}

func externalLinkAttrs(href string) []html.Attribute {
	return []html.Attribute{
		{Key: "href", Val: href},
		{Key: "rel", Val: "noopener nofollow"},
		{Key: "target", Val: "_blank"},
	}
}

// validMentionID accepts the canonical decimal form of a positive int64, so
// "/users/007" and an overflowing id never count as mentions.
func validMentionID(s string) bool {
	if !mentionIDPattern.MatchString(s) {
		return false
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// isExternal reports whether href leaves the app: it has a scheme or is
// protocol-relative. Hrefs here come from url.URL.String(), which prefixes
// "./" to a relative path whose first segment holds a colon, so a leading
// scheme-looking run always is a scheme.
func isExternal(href string) bool {
	if strings.HasPrefix(href, "//") {
		return true
	}
	for i := 0; i < len(href); i++ {
		c := href[i]
		switch {
		case c == ':':
			return i > 0
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// flattenText keeps the text of markup the parser refused, with a line
// break for every <br> and block boundary.
func flattenText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			// Source newlines are only whitespace in HTML.
			b.WriteString(lineBreaksToSpaces.Replace(string(z.Text())))
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			n := html.Node{Type: html.ElementNode, DataAtom: atom.Lookup(name)}
			switch {
			case n.DataAtom == atom.Br:
				b.WriteByte('\n')
			case isBlock(&n) && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n"):
				b.WriteByte('\n')
			}
		}
	}
}

var lineBreaksToSpaces = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

func hasKey(attrs []html.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// imageSrcOK re-checks an image's src after bluemonday: its URL clean-up can
// shorten a src that passed the pattern ("/#" becomes "/") into one that no
// longer does, which would make a second Sanitize drop the image the first
// kept.
func imageSrcOK(n *html.Node) bool {
	src, ok := attr(n, "src")
	return ok && imageSrcPattern.MatchString(src)
}
