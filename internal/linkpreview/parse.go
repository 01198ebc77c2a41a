// Package linkpreview makes the preview card of the first link in a new
// message: it fetches the page under internal/netguard's rules, reads what the
// page says about itself (Open Graph, else its title and description), fetches
// the page's image the same way, and hands the result to the chat service,
// which stores it and replaces the message live. All of it runs after the
// message is committed, on a bounded queue, so a slow or hostile site never
// delays a post.
package linkpreview

import (
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// Longest title and description kept, in characters; pages put whole
// articles in their descriptions.
const (
	maxTitle       = 200
	maxDescription = 300
	maxURL         = 2000
)

// Page is what a page says about itself.
type Page struct {
	Title       string
	Description string
	// ImageURL is the absolute http(s) address of the page's image, or "".
	ImageURL string
}

// Parse reads the page's Open Graph title, description and image, falling
// back to <title> and <meta name="description">. The image address is
// resolved against base (the address the page was fetched from, after
// redirects). ok is false when the page has no title: it gets no preview.
func Parse(r io.Reader, base *url.URL) (p Page, ok bool) {
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return Page{}, false
	}
	p.Title = clean(metaContent(doc, "og:title"), maxTitle)
	if p.Title == "" {
		p.Title = clean(doc.Find("title").First().Text(), maxTitle)
	}
	if p.Title == "" {
		return Page{}, false
	}
	p.Description = clean(metaContent(doc, "og:description"), maxDescription)
	if p.Description == "" {
		p.Description = clean(metaContent(doc, "description"), maxDescription)
	}
	if img := strings.TrimSpace(metaContent(doc, "og:image")); img != "" {
		p.ImageURL = absoluteHTTP(base, img)
	}
	return p, true
}

// metaContent is the content of the first non-empty <meta> whose property
// or name is key (sites use either for Open Graph tags).
func metaContent(doc *goquery.Document, key string) string {
	var out string
	doc.Find("meta").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		prop, _ := s.Attr("property")
		name, _ := s.Attr("name")
		if !strings.EqualFold(strings.TrimSpace(prop), key) && !strings.EqualFold(strings.TrimSpace(name), key) {
			return true
		}
		if c, _ := s.Attr("content"); strings.TrimSpace(c) != "" {
			out = c
			return false
		}
		return true
	})
	return out
}

// absoluteHTTP resolves ref against base and keeps it only when it is an
// http or https address with a host, of a sane length.
func absoluteHTTP(base *url.URL, ref string) string {
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return ""
	}
	u.Fragment = ""
	s := u.String()
	if len(s) > maxURL {
		return ""
	}
	return s
}

// clean makes page text fit for a card: no control or invisible
// formatting characters (joiners, which emoji need, stay), runs of space as
// one, trimmed, and cut to max characters with an ellipsis.
func clean(s string, max int) string {
	var b strings.Builder
	pendingSpace := false
	n := 0
	for _, r := range s { // an invalid byte reads as utf8.RuneError
		switch {
		case unicode.IsSpace(r):
			pendingSpace = n > 0
			continue
		case r == utf8.RuneError || unicode.IsControl(r),
			unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d':
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			n++
			pendingSpace = false
		}
		b.WriteRune(r)
		n++
		if n > max {
			break
		}
	}
	out := b.String()
	if n > max {
		out = strings.TrimRightFunc(string([]rune(out)[:max-1]), unicode.IsSpace) + "…"
	}
	return out
}

// FirstURL is the first http(s) link in a message's stored HTML (links typed
// as text are linked when the message is prepared), or "".
func FirstURL(messageHTML string) string {
	if !strings.Contains(messageHTML, "http") {
		return ""
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(messageHTML))
	if err != nil {
		return ""
	}
	var out string
	doc.Find("a[href]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		href, _ := s.Attr("href")
		out = absoluteHTTP(nil, strings.TrimSpace(href))
		return out == ""
	})
	return out
}
