package richtext

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The allowlist is what Trix 2 serializes, plus the composer's mention
// anchors. Anything else a client sends is either dropped (attributes,
// scripts) or unwrapped to its text.
//
// Deliberate omissions, each because the markup could reach into the page
// around the message: id (collides with the app's DOM ids and htmx swap
// targets), style, every hx-*/sse-*/data-hx-* attribute, <hx-partial>,
// <template>, forms and inputs. Classes are limited to Trix's own
// "attachment…" names so a message cannot borrow the app's CSS or the
// stable test hooks (message__body, unread). Images must be our own
// attachments or their previews (/attachments/{id}/{name}[?variant=preview]):
// not another site, so a message cannot make every reader's browser call a
// tracker, and not any other path of ours, so it cannot make every reader's
// browser send a request that acts as them (/events?room_id=… marked another
// room read for every viewer; issue 19, item 8). The
// data-trix-attachment/-attributes JSON is not kept: attachments are not
// supported yet, and Trix re-hydrates that JSON (HTML included) when the
// message is edited, a path with a history of editor XSS bugs.
var (
	mentionIDPattern   = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)
	languagePattern    = regexp.MustCompile(`^[A-Za-z0-9_+#.-]{1,32}$`)
	classPattern       = regexp.MustCompile(`^attachment(?:-gallery)?(?:(?:--|__)[a-z0-9]+)*(?: attachment(?:-gallery)?(?:(?:--|__)[a-z0-9]+)*)*$`)
	imageSrcPattern    = regexp.MustCompile(`^/attachments/[1-9][0-9]{0,18}/[^/?#\\\s]+(?:\?variant=preview)?$`)
	dimensionPattern   = regexp.MustCompile(`^[0-9]{1,5}$`)
	contentTypePattern = regexp.MustCompile(`^[a-z0-9.+-]{1,64}/[a-z0-9.+-]{1,64}$`)
)

// policy is built once; a bluemonday Policy is safe for concurrent use once
// configured.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("div", "br", "strong", "em", "del", "h1", "blockquote", "pre",
		"ul", "ol", "li", "figure", "figcaption", "span")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("data-mention").Matching(mentionIDPattern).OnElements("a")
	p.AllowAttrs("language").Matching(languagePattern).OnElements("pre")
	p.AllowAttrs("src").Matching(imageSrcPattern).OnElements("img")
	p.AllowAttrs("width", "height").Matching(dimensionPattern).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("class").Matching(classPattern).OnElements("div", "figure", "figcaption", "span")
	p.AllowAttrs("data-trix-content-type").Matching(contentTypePattern).OnElements("figure")

	// Not AllowStandardURLs: it would add rel="nofollow" to relative links
	// too, and we want one canonical rel/target, set in tidy.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
}

// Atoms used when we create nodes ourselves.
const (
	brAtom = atom.Br
	aAtom  = atom.A
)

// elementRule reports whether the parsed element n is on the allowlist and,
// if so, which attribute keys it may carry. It repeats the policy's element
// and key lists on purpose: the tree pass after bluemonday must never let
// through something the parser invented or bluemonday missed.
func elementRule(n *html.Node) (attrs []string, ok bool) {
	if n.Namespace != "" {
		return nil, false
	}
	switch n.DataAtom {
	case atom.Br, atom.Strong, atom.Em, atom.Del, atom.H1, atom.Blockquote,
		atom.Ul, atom.Ol, atom.Li:
		return nil, true
	case atom.Div, atom.Figcaption, atom.Span:
		return classOnly, true
	case atom.Figure:
		return figureAttrs, true
	case atom.Pre:
		return preAttrs, true
	case atom.A:
		return anchorAttrs, true
	case atom.Img:
		return imgAttrs, true
	}
	return nil, false
}

var (
	classOnly   = []string{"class"}
	figureAttrs = []string{"class", "data-trix-content-type"}
	preAttrs    = []string{"language"}
	anchorAttrs = []string{"href", "data-mention"}
	imgAttrs    = []string{"src", "width", "height", "alt"}
)

// isVoid lists the allowed elements that have no end tag.
func isVoid(n *html.Node) bool {
	return n.DataAtom == atom.Br || n.DataAtom == atom.Img
}

// isBlock lists the allowed elements that start a new line in plain text.
func isBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Div, atom.H1, atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.Li,
		atom.Figure, atom.Figcaption:
		return true
	}
	return false
}
