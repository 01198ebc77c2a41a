package richtext

import (
	"strings"
	"testing"
)

func TestSanitizeXSS(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"script", `<div>hi<script>alert(1)</script></div>`, `<div>hi</div>`},
		{"script upper", `<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok`, `ok`},
		{"onerror", `<img src=x onerror=alert(1)>`, ``},
		{"onclick on allowed element", `<div onclick="alert(1)">x</div>`, `<div>x</div>`},
		{"onmouseover on link", `<a href="/x" onmouseover="alert(1)">x</a>`, `<a href="/x">x</a>`},
		{"style attribute", `<div style="background:url(javascript:alert(1))">x</div>`, `<div>x</div>`},
		{"style element", `<style>body{display:none}</style>x`, `x`},
		{"javascript href", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"javascript mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
		{"javascript entity", `<a href="&#106;avascript:alert(1)">x</a>`, `x`},
		{"javascript hex entity", `<a href="&#x6A;&#x61;vascript&#x3A;alert(1)">x</a>`, `x`},
		{"javascript colon entity", `<a href="javascript&colon;alert(1)">x</a>`, `x`},
		{"javascript tab", `<a href="jav&#x09;ascript:alert(1)">x</a>`, `x`},
		{"javascript newline", "<a href=\"java\nscript:alert(1)\">x</a>", `x`},
		{"javascript leading space", `<a href="  javascript:alert(1)">x</a>`, `x`},
		{"javascript leading control", "<a href=\"\x01javascript:alert(1)\">x</a>", `x`},
		{"data url", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, `x`},
		{"vbscript", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{"img javascript", `<img src="javascript:alert(1)">`, ``},
		{"img data", `<img src="data:image/png;base64,AAAA">`, ``},
		{"img external", `<img src="https://tracker.example/p.gif">`, ``},
		{"img protocol relative", `<img src="//tracker.example/p.gif">`, ``},
		{"svg", `<svg onload=alert(1)><circle r=1 /></svg>ok`, `ok`},
		{"svg script", `<svg><script>alert(1)</script></svg>ok`, `ok`},
		{"iframe", `<iframe src="javascript:alert(1)">inner</iframe>ok`, `ok`},
		{"object", `<object data="x.swf">inner</object>ok`, `ok`},
		{"hx-partial", `<hx-partial hx-target="#messages" hx-swap="innerHTML"><div>pwn</div></hx-partial>`, `<div>pwn</div>`},
		{"hx attributes", `<div hx-get="/session" hx-trigger="load" hx-swap="outerHTML">x</div>`, `<div>x</div>`},
		{"data-hx attributes", `<div data-hx-post="/x" data-hx-trigger="load">x</div>`, `<div>x</div>`},
		{"sse attributes", `<div sse-connect="/events" sse-swap="message">x</div>`, `<div>x</div>`},
		{"id attribute", `<div id="messages">x</div>`, `<div>x</div>`},
		{"app class", `<div class="message__body unread">x</div>`, `<div>x</div>`},
		{"form", `<form action="/logout" method="post"><input name="a" value="b"><button>Go</button></form>`, `Go`},
		{"template", `<template><div>x</div></template>`, `<div>x</div>`},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example">x`, `x`},
		{"base", `<base href="https://evil.example/">x`, `x`},
		{"comment", `<!-- <script>alert(1)</script> -->x`, `x`},
		{"noscript mxss", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `"&gt;`},
		{"unbalanced closers", `</div></div></div><div>x</div>`, `<div>x</div>`},
		{"unclosed", `<div><strong>x`, `<div><strong>x</strong></div>`},
		{"mention with handler", `<a href="/users/1" data-mention="1" onclick="x()">@Ann</a>`, `<a href="/users/1" data-mention="1">@Ann</a>`},
		{"mention id mismatch", `<a href="/users/2" data-mention="1">@Ann</a>`, `<a href="/users/2">@Ann</a>`},
		{"mention not digits", `<a href="/users/x" data-mention="x">@Ann</a>`, `<a href="/users/x">@Ann</a>`},
		{"mention leading zero", `<a href="/users/01" data-mention="01">@Ann</a>`, `<a href="/users/01">@Ann</a>`},
		{"mention without href", `<a data-mention="1">@Ann</a>`, `@Ann`},
		{"link target override", `<a href="https://example.com" target="_self" rel="opener">x</a>`,
			`<a href="https://example.com" rel="noopener nofollow" target="_blank">x</a>`},
		{"relative link", `<a href="/rooms/1/@5">x</a>`, `<a href="/rooms/1/@5">x</a>`},
		{"backslash path", `<a href="/\evil.example">x</a>`, `<a href="/%5Cevil.example">x</a>`},
		{"protocol relative link", `<a href="//evil.example/x">x</a>`,
			`<a href="//evil.example/x" rel="noopener nofollow" target="_blank">x</a>`},
		{"nested links", `<a href="/a">x<a href="/b">y</a></a>`, `<a href="/a">x</a><a href="/b">y</a>`},
		{"pre language", `<pre language="go" onclick="x">a &lt; b</pre>`, `<pre language="go">a &lt; b</pre>`},
		{"pre bad language", `<pre language="&quot;><script>">x</pre>`, `<pre>x</pre>`},
		{"cyrillic script", `<scrİpt>alert(1)</scrİpt>ok`, `alert(1)ok`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkSafe(t, got)
			if again := Sanitize(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
		})
	}
}

// Trix's serializations must come through exactly.
func TestSanitizeKeepsTrix(t *testing.T) {
	samples := []string{
		`<div>Hello <strong>bold</strong> <em>italic</em> <del>struck</del></div>`,
		`<div>line one<br>line two<br><br>after a blank line</div>`,
		`<h1>Title</h1><div>body</div>`,
		`<blockquote>quoted <strong>text</strong></blockquote>`,
		`<pre>func main() {
	fmt.Println("&lt;hi&gt;")
}</pre>`,
		`<pre language="ruby">puts 1</pre>`,
		`<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><ol><li>first</li></ol>`,
		`<div><a href="https://example.com/path?q=1&amp;r=2" rel="noopener nofollow" target="_blank">a link</a></div>`,
		`<div><a href="/rooms/3">room</a></div>`,
		`<div>Hey <a href="/users/12" data-mention="12">@Ann Lee</a>!</div>`,
		`<div>a&nbsp; b</div>`,
		`<figure class="attachment attachment--preview attachment--png" data-trix-content-type="image/png"><img src="/attachments/12/cat.png?variant=preview" width="300" height="200"><figcaption class="attachment__caption"><span class="attachment__name">cat.png</span> <span class="attachment__size">12.5 KB</span></figcaption></figure>`,
		`<div class="attachment-gallery attachment-gallery--2"><figure class="attachment attachment--preview"><img src="/attachments/1/1.png"></figure></div>`,
	}
	for _, s := range samples {
		want := strings.ReplaceAll(s, "&nbsp;", "\u00a0")
		if got := Sanitize(s); got != want {
			t.Errorf("Sanitize(%q)\n got %q\nwant %q", s, got, want)
		}
	}
}

func TestSanitizeTrixAttachmentJSONDropped(t *testing.T) {
	in := `<figure class="attachment attachment--content" data-trix-attachment="{&quot;content&quot;:&quot;&lt;img src=x onerror=alert(1)&gt;&quot;}" data-trix-attributes="{}" data-trix-content-type="text/html">x</figure>`
	want := `<figure class="attachment attachment--content" data-trix-content-type="text/html">x</figure>`
	if got := Sanitize(in); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestSanitizeGarbage(t *testing.T) {
	for _, in := range []string{
		"", "<", ">", "&", "<<<>>>", "\xff\xfe<div>\xc0</div>", "<div\x00>x\x00</div>",
		strings.Repeat("<div>", 600) + "deep" + strings.Repeat("</div>", 600),
		strings.Repeat("<a href=/x>", 300) + "links",
		"<pre>\n\nx</pre>",
	} {
		out := Sanitize(in)
		checkSafe(t, out)
		checkUTF8(t, "Sanitize", out)
		if again := Sanitize(out); again != out {
			t.Errorf("not idempotent for %q: %q -> %q", in, out, again)
		}
	}
}

func TestIsExternal(t *testing.T) {
	tests := map[string]bool{
		"https://x.example": true, "http://x": true, "mailto:a@b.c": true, "//x.example": true,
		"/users/1": false, "rooms/1": false, "./a:b": false, "#top": false, "?q=1": false, "": false,
	}
	for href, want := range tests {
		if got := isExternal(href); got != want {
			t.Errorf("isExternal(%q) = %v, want %v", href, got, want)
		}
	}
}

// TestImagesOnlyFromAttachments: an image's source must be one of our
// attachments or its preview. Any other path of ours would have every
// reader's browser request it as them: <img src="/events?room_id=2"> marked
// another room read for every viewer (issue 19, item 8).
func TestImagesOnlyFromAttachments(t *testing.T) {
	for _, src := range []string{
		"/attachments/1/cat.png", "/attachments/12/My%20Cat.jpeg", "/attachments/12/cat.png?variant=preview",
	} {
		in := `<div><img src="` + src + `"></div>`
		if got := Sanitize(in); got != in {
			t.Errorf("attachment image %q: got %q", src, got)
		}
	}
	for _, src := range []string{
		"/events?room_id=2", "/rooms/2", "/rooms/2/messages", "/session", "/users/me/sidebar",
		"/account/join_code", "/searches?q=x", "/users/1/avatar", "/blobs/1.png",
		"/attachments/0/x.png", "/attachments/1", "/attachments/1/", "/attachments/1/a/b.png",
		"/attachments/1/x.png?variant=original", "/attachments/1/x.png?variant=preview&x=1",
		"/attachments/1/x.png#frag", "/attachments/x/y.png", "//evil.example/attachments/1/x.png",
		"https://evil.example/attachments/1/x.png",
	} {
		out := Sanitize(`<div><img src="` + src + `"></div>`)
		if strings.Contains(out, "<img") {
			t.Errorf("image from %q kept: %q", src, out)
		}
	}
}
