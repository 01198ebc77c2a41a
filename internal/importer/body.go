package importer

import (
	"html"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"

	"github.com/campfire-go/campfire/internal/richtext"
)

// Content types of ActionText attachments that name a person.
var mentionTypes = map[string]bool{
	"application/vnd.campfire.mention":   true,
	"application/vnd.actiontext.mention": true,
}

// body is a message body converted for our store, with what was left out.
type body struct {
	HTML, Plain string
	// Dropped counts attachments inside the body that could not be kept
	// (files: attachments are not supported yet).
	Dropped int
	// Strangers counts mentions of users the export does not have; their
	// text is kept.
	Strangers int
}

// convertBody turns an ActionText body into ours: mention attachments become
// our mention links (the person found through the sgid), other attachments are
// dropped and counted, and the result goes through the same sanitizer as a
// message typed today. names maps user ids to names.
func convertBody(raw string, names map[int64]string) body {
	var b body
	var mentioned []richtext.Member
	if strings.Contains(raw, "<action-text-attachment") {
		raw, mentioned = b.replaceAttachments(raw, names)
	}
	// ActionText content is HTML even when a bot posted plain text or a
	// fragment that Trix did not wrap: it is read as HTML, as Campfire showed
	// it, never as literal text.
	trimmed := strings.TrimSpace(raw)
	if trimmed != "" && !strings.HasPrefix(trimmed, "<div") {
		raw = "<div>" + trimmed + "</div>"
	}
	// Only the people the attachments named may become mentions: a plain
	// "@Name" in old text was never a mention in Campfire and stays text.
	out := richtext.Prepare(raw, mentioned)
	b.HTML, b.Plain = out.HTML, out.Plain
	return b
}

// replaceAttachments rewrites every <action-text-attachment> element, passing
// everything else through byte for byte.
func (b *body) replaceAttachments(raw string, names map[int64]string) (string, []richtext.Member) {
	var out strings.Builder
	out.Grow(len(raw))
	var mentioned []richtext.Member
	z := xhtml.NewTokenizer(strings.NewReader(raw))
	depth := 0 // inside an attachment element being replaced
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		name, _ := z.TagName()
		isAttachment := string(name) == "action-text-attachment"
		switch {
		case isAttachment && tt == xhtml.StartTagToken:
			if depth == 0 {
				out.WriteString(b.attachment(attrs(z), names, &mentioned))
			}
			depth++
		case isAttachment && tt == xhtml.SelfClosingTagToken:
			if depth == 0 {
				out.WriteString(b.attachment(attrs(z), names, &mentioned))
			}
		case isAttachment && tt == xhtml.EndTagToken:
			if depth > 0 {
				depth--
			}
		case depth == 0:
			out.Write(z.Raw())
		}
	}
	return out.String(), mentioned
}

func attrs(z *xhtml.Tokenizer) map[string]string {
	m := map[string]string{}
	for {
		k, v, more := z.TagAttr()
		m[string(k)] = string(v)
		if !more {
			return m
		}
	}
}

// attachment is the HTML that stands for one ActionText attachment.
func (b *body) attachment(a map[string]string, names map[int64]string, mentioned *[]richtext.Member) string {
	if mentionTypes[a["content-type"]] {
		if id, ok := sgidUserID(a["sgid"]); ok {
			if name, ok := names[id]; ok {
				*mentioned = append(*mentioned, richtext.Member{ID: id, Name: name})
				ids := strconv.FormatInt(id, 10)
				return `<a href="/users/` + ids + `" data-mention="` + ids + `">@` + html.EscapeString(name) + `</a>`
			}
		}
		b.Strangers++
		// The attachment's own rendering holds the name; keep its words.
		text := strings.TrimSpace(richtext.PlainText(a["content"]))
		if text != "" && !strings.HasPrefix(text, "@") {
			text = "@" + text
		}
		return html.EscapeString(text)
	}
	// A link preview (Campfire's OpenGraph embed) keeps its link; a file
	// cannot come along yet.
	if strings.Contains(a["content-type"], "opengraph") {
		if href := firstNonEmpty(a["href"], a["url"]); href != "" {
			label := firstNonEmpty(a["caption"], a["filename"], href)
			return `<a href="` + html.EscapeString(href) + `">` + html.EscapeString(label) + `</a>`
		}
	}
	b.Dropped++
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
