package views

import (
	"bytes"
	"context"
	"github.com/PuerkitoBio/goquery"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestCustomStylesStayInsideStyle checks, for any CSS, that an HTML parser
// sees one style element holding exactly the (escaped) CSS and nothing after
// it in the head.
func TestCustomStylesStayInsideStyle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		css := rapid.OneOf(
			rapid.String(),
			rapid.StringMatching(`[a-z{}:; ]*(</?[sS][tT][yY][lL][eE][ />]?|<script>|<!--|-->|\\)*[a-z{}:; ]*`),
		).Draw(t, "css")
		if strings.TrimSpace(css) == "" {
			return
		}
		var b bytes.Buffer
		if err := customStyles("n0nce", css).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(
			"<!DOCTYPE html><html><head>" + b.String() + "<meta name=end></head><body></body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		styles, scripts := doc.Find("style").Length(), doc.Find("script").Length()
		text := doc.Find("style").Text()
		if doc.Find("head > meta[name=end]").Length() != 1 {
			t.Fatalf("css %q ended the head early", css)
		}
		// The parser normalises line ends and NULs in text; nothing else changes.
		want := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "\uFFFD").Replace(StyleText(css))
		if styles != 1 || scripts != 0 || text != want {
			t.Fatalf("css %q: %d styles, %d scripts, text %q", css, styles, scripts, text)
		}
	})
}
