package richtext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// checkSafe parses out the way a browser would and fails t on anything that
// could run script or reach outside the message. It reads attributes from the
// parsed tree, so entity and case tricks are judged after decoding.
func checkSafe(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Errorf("output contains <script: %q", out)
	}
	nodes, err := html.ParseFragment(strings.NewReader(out), fragmentContext())
	if err != nil {
		t.Errorf("output does not parse: %v: %q", err, out)
		return
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if _, ok := elementRule(n); !ok {
				t.Errorf("element <%s> not on the allowlist in %q", n.Data, out)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"), key == "style", key == "id",
					strings.HasPrefix(key, "hx-"), strings.HasPrefix(key, "sse-"),
					strings.HasPrefix(key, "data-hx-"), strings.HasPrefix(key, "data-sse-"):
					t.Errorf("attribute %s=%q on <%s> in %q", a.Key, a.Val, n.Data, out)
				case key == "href" || key == "src":
					if dangerousURL(a.Val) {
						t.Errorf("dangerous %s=%q in %q", a.Key, a.Val, out)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

// dangerousURL mimics how browsers read a URL: leading/trailing control
// characters and spaces are ignored, tabs and newlines inside are removed,
// and the scheme is case-insensitive.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(v)
	for _, scheme := range []string{"javascript:", "data:", "vbscript:"} {
		if strings.HasPrefix(v, scheme) {
			return true
		}
	}
	return false
}

func checkUTF8(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8: %q", what, s)
	}
}
