package linkpreview

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseReadsOpenGraphFirst(t *testing.T) {
	page := `<html><head><title>Plain title</title>
<meta name="description" content="Plain description">
<meta property="og:title" content="  The   OG
 title ">
<meta property="og:description" content="OG description">
<meta property="og:image" content="/img/card.png">
</head><body>Hi</body></html>`
	p, ok := Parse(strings.NewReader(page), mustURL(t, "https://example.com/a/b"))
	if !ok {
		t.Fatal("no preview for a page with og:title")
	}
	want := Page{Title: "The OG title", Description: "OG description", ImageURL: "https://example.com/img/card.png"}
	if p != want {
		t.Errorf("Parse = %+v, want %+v", p, want)
	}
}

func TestParseFallsBackToTitleAndDescription(t *testing.T) {
	page := `<html><head><title>Plain &amp; simple</title>
<meta name="description" content="What it is about">
<meta property="og:title" content="   ">
</head></html>`
	p, ok := Parse(strings.NewReader(page), mustURL(t, "http://example.com/"))
	if !ok {
		t.Fatal("no preview for a page with a <title>")
	}
	want := Page{Title: "Plain & simple", Description: "What it is about"}
	if p != want {
		t.Errorf("Parse = %+v, want %+v", p, want)
	}
}

func TestParseWithoutTitleGivesNothing(t *testing.T) {
	for _, page := range []string{
		``,
		`<html><head><meta name="description" content="no title"></head></html>`,
		`<title>  </title><meta property="og:description" content="x">`,
		"\x00\xff\xfe binary",
	} {
		if p, ok := Parse(strings.NewReader(page), mustURL(t, "http://example.com/")); ok {
			t.Errorf("Parse(%q) = %+v, want no preview", page, p)
		}
	}
}

func TestParseKeepsOnlyHTTPImages(t *testing.T) {
	for img, want := range map[string]string{
		"javascript:alert(1)":               "",
		"data:image/png;base64,AAAA":        "",
		"ftp://example.com/a.png":           "",
		"//cdn.example.net/a.png":           "https://cdn.example.net/a.png",
		"https://user:pw@example.com/a.png": "",
		"a.png#frag":                        "https://example.com/dir/a.png",
		"http://[::1":                       "",
	} {
		page := `<title>T</title><meta property="og:image" content="` + img + `">`
		p, ok := Parse(strings.NewReader(page), mustURL(t, "https://example.com/dir/page"))
		if !ok || p.ImageURL != want {
			t.Errorf("og:image %q: got %q (ok %v), want %q", img, p.ImageURL, ok, want)
		}
	}
}

func TestParseCleansText(t *testing.T) {
	long := strings.Repeat("word ", 200)
	page := "<title>a\u202eb\x07c\u200dd</title><meta name=description content=\"" + long + "\">"
	p, ok := Parse(strings.NewReader(page), mustURL(t, "https://example.com/"))
	if !ok {
		t.Fatal("no preview")
	}
	if p.Title != "abc\u200dd" {
		t.Errorf("title %q: want the bidi override and bell gone, the joiner kept", p.Title)
	}
	if n := utf8.RuneCountInString(p.Description); n != maxDescription || !strings.HasSuffix(p.Description, "…") {
		t.Errorf("description of %d characters ending %q, want %d ending in …", n, p.Description[len(p.Description)-5:], maxDescription)
	}
}

func TestFirstURL(t *testing.T) {
	for html, want := range map[string]string{
		`<div>no links</div>`: "",
		`<div>see <a href="/users/3">Kevin</a> and <a href="https://example.com/x">this</a> <a href="http://b.example/">b</a></div>`: "https://example.com/x",
		`<div><a href="javascript:alert(1)">x</a><a href="mailto:a@b">m</a></div>`:                                                   "",
		`<div>http://not-a-link.example</div>`: "",
	} {
		if got := FirstURL(html); got != want {
			t.Errorf("FirstURL(%q) = %q, want %q", html, got, want)
		}
	}
}

// FuzzParse: any bytes a site sends give either no preview or a card of
// bounded, clean text whose image is an absolute http(s) address.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`<html><head><meta property="og:title" content="T"><meta property="og:image" content="/i.png"></head></html>`))
	f.Add([]byte(`<title>x</title><meta name=description content="d">`))
	f.Add([]byte("<title>\xff\xfe\u202e</title>"))
	f.Add([]byte(`<meta property="og:image" content="http://[::1]:namedport"><title>t</title>`))
	base, _ := url.Parse("https://example.com/a/b?c=d")
	f.Fuzz(func(t *testing.T, page []byte) {
		p, ok := Parse(strings.NewReader(string(page)), base)
		if !ok {
			if p != (Page{}) {
				t.Fatalf("no preview but a page %+v", p)
			}
			return
		}
		if p.Title == "" || utf8.RuneCountInString(p.Title) > maxTitle || utf8.RuneCountInString(p.Description) > maxDescription {
			t.Fatalf("bad lengths: %+v", p)
		}
		for _, s := range []string{p.Title, p.Description} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\n\r\t\u202e") || s != strings.TrimSpace(s) {
				t.Fatalf("unclean text %q", s)
			}
		}
		if p.ImageURL != "" {
			u, err := url.Parse(p.ImageURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(p.ImageURL) > maxURL {
				t.Fatalf("image %q", p.ImageURL)
			}
		}
	})
}
