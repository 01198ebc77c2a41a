package richtext

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// normalizePlain is the whitespace rule Plain follows for plain-text input,
// written independently of the implementation: newlines are CRLF/CR/LF, NUL
// is dropped, and on each line runs of HTML whitespace (space, tab, form
// feed) are one space with none at either end, as a browser shows them; a
// no-break space reads as a space; the whole is trimmed.
func normalizePlain(s string) string {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "").Replace(s)
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '\f' })
		lines[i] = strings.ReplaceAll(strings.Join(fields, " "), "\u00a0", " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func TestPreparePlainTextProperty(t *testing.T) {
	pieces := rapid.SampledFrom([]string{" ", "  ", "\t", "\n", "\r\n", "\r", "\f", "\u00a0", "\u3000", "\x00",
		"&", "&amp;", ">", "@", "@Ann", "https://example.com/x.", "word", "ünïcødé", "😄", "👍🏽", "(", ")", "\"", "'"})
	text := rapid.OneOf(
		rapid.String(),
		rapid.Custom(func(t *rapid.T) string {
			return strings.Join(rapid.SliceOf(pieces).Draw(t, "pieces"), "")
		}),
	)
	rapid.Check(t, func(t *rapid.T) {
		in := strings.ReplaceAll(text.Draw(t, "in"), "<", "")
		b := Prepare(in, nil)
		if want := normalizePlain(in); b.Plain != want {
			t.Fatalf("Prepare(%q).Plain = %q, want %q (html %q)", in, b.Plain, want, b.HTML)
		}
	})
}
