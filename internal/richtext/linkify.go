package richtext

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// matchURL looks for an http or https URL at the start of s and returns the
// href to link to and how many bytes of s it covers, or size 0.
//
// The URL runs to the first space, control character, invalid byte or one
// of <>"`. Trailing sentence punctuation is not part of it, and neither is a
// closing bracket without a matching opening one, so "(see
// https://example.com/a)." links "https://example.com/a" while
// "https://en.wikipedia.org/wiki/Go_(language)" stays whole.
func matchURL(s string) (href string, size int) {
	var scheme int
	switch {
	case hasPrefixFold(s, "https://"):
		scheme = len("https://")
	case hasPrefixFold(s, "http://"):
		scheme = len("http://")
	default:
		return "", 0
	}

	end := scheme
	for end < len(s) {
		r, n := utf8.DecodeRuneInString(s[end:])
		if r == utf8.RuneError && n == 1 || unicode.IsSpace(r) || unicode.IsControl(r) ||
			strings.ContainsRune("<>\"`", r) {
			break
		}
		end += n
	}
	end = trimTrailing(s, scheme, end)
	if end == scheme {
		return "", 0
	}

	u, err := url.Parse(s[:end])
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return "", 0
	}
	// The stored href is the normalized form bluemonday would produce, so
	// the HTML Prepare stores is already a fixed point of Sanitize.
	href = u.String()
	if strings.ContainsAny(href, " \t\n") {
		return "", 0
	}
	return href, end
}

func trimTrailing(s string, from, end int) int {
	for end > from {
		r, n := utf8.DecodeLastRuneInString(s[from:end])
		switch r {
		case '.', ',', ':', ';', '!', '?', '\'', '"', '*', '…':
		case ')':
			if strings.Count(s[from:end], "(") >= strings.Count(s[from:end], ")") {
				return end
			}
		case ']':
			if strings.Count(s[from:end], "[") >= strings.Count(s[from:end], "]") {
				return end
			}
		default:
			return end
		}
		end -= n
	}
	return end
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
