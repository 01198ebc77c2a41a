package files

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes is the longest name kept: most filesystems' limit, and more
// than any name a person reads.
const maxNameBytes = 255

// CleanName makes a client's file name fit to show and to offer as a
// download name. It keeps only the last element of any path (either slash),
// drops control, format and bidirectional-override characters, replaces
// invalid UTF-8, trims spaces and leading dots, and shortens it to 255 bytes
// keeping its extension. What is left is never used as a path: blobs are
// stored by content hash. An empty result is "file".
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimRight(strings.TrimLeft(name, ". "), " ")
	if len(name) > maxNameBytes {
		ext := path.Ext(name)
		if len(ext) > 16 || !utf8.ValidString(ext) {
			ext = ""
		}
		stem := name[:maxNameBytes-len(ext)]
		for !utf8.ValidString(stem) { // do not cut a character in half
			stem = stem[:len(stem)-1]
		}
		name = strings.TrimLeft(strings.TrimRight(stem, " ")+ext, ". ")
	}
	if name == "" {
		return "file"
	}
	return name
}
