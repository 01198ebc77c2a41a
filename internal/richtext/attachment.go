package richtext

import "strings"

// WithFilename is the plain text a message with a file is stored, indexed
// and searched by (messages.body_plain, which the full-text index follows):
// what its body says, then the file's name on a line of its own. It is the
// one place that text is made, so that search finds a message by its
// attachment's name whatever maintains the index; a message with only a file
// is its name, as in Campfire.
func WithFilename(text, filename string) string {
	text = strings.TrimSpace(text)
	if filename == "" {
		return text
	}
	if text == "" {
		return filename
	}
	return text + "\n" + filename
}
