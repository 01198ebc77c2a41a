package richtext

import "testing"

func TestPrepareDetectsFormat(t *testing.T) {
	tests := []struct {
		name, in, html, plain string
	}{
		{"trix", `<div>Hello <strong>you</strong></div>`, `<div>Hello <strong>you</strong></div>`, "Hello you"},
		{"trix with surrounding space", "  <div>x</div>\n", `<div>x</div>`, "x"},
		{"plain", "Hello you", "Hello you", "Hello you"},
		{"plain with markup characters", "a < b && c > d", "a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"},
		{"plain heart", "<3 you", "&lt;3 you", "<3 you"},
		{"plain entity stays literal", "&amp; is an entity", "&amp;amp; is an entity", "&amp; is an entity"},
		{"plain newlines", "one\ntwo\r\nthree\n\nfour", "one<br>two<br>three<br><br>four", "one\ntwo\nthree\n\nfour"},
		{"plain trimmed", "\n\n  hi  \n\n", "hi", "hi"},
		{"markup nothing allowed is shown", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"},
		{"unknown tags are shown", "<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"},
		{"text first is plain", "see <div>", "see &lt;div&gt;", "see <div>"},
		{"markup only", `<div><br></div>`, `<div><br></div>`, ""},
		{"whitespace only", " \n\t ", "", ""},
		{"nbsp only", "<div>&nbsp;&nbsp;</div>", "<div>\u00a0\u00a0</div>", ""},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Prepare(tt.in, nil)
			if b.HTML != tt.html {
				t.Errorf("HTML\n got %q\nwant %q", b.HTML, tt.html)
			}
			if b.Plain != tt.plain {
				t.Errorf("Plain\n got %q\nwant %q", b.Plain, tt.plain)
			}
			checkSafe(t, b.HTML)
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<div>a<br>b</div>`, "a\nb"},
		{`<div>a</div><div>b</div>`, "a\nb"},
		{`<div>a</div><div><br></div><div>b</div>`, "a\n\nb"},
		{`<h1>Title</h1><ul><li>one</li><li>two</li></ul>`, "Title\none\ntwo"},
		{`<blockquote>q</blockquote>after`, "q\nafter"},
		{"<div>  lots   of\n\t space  </div>", "lots of space"},
		{"<div>a <br> b</div>", "a\nb"},
		{"<pre>keep   this\n  indent</pre>", "keep   this\n  indent"},
		{"<div>x&nbsp;&nbsp;y</div>", "x  y"},
		{`<div>a<strong>b</strong>c</div>`, "abc"},
		{`<div>&lt;tag&gt; &amp;</div>`, "<tag> &"},
		{`<div><br><br></div>`, ""},
		{`<script>var x</script>t`, "t"},
		{"\xff", "\uFFFD"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrepareLinks(t *testing.T) {
	const rel = ` rel="noopener nofollow" target="_blank"`
	tests := []struct{ in, want string }{
		{"see https://example.com", `see <a href="https://example.com"` + rel + `>https://example.com</a>`},
		{"http://example.com/a.", `<a href="http://example.com/a"` + rel + `>http://example.com/a</a>.`},
		{"https://example.com, and", `<a href="https://example.com"` + rel + `>https://example.com</a>, and`},
		{"(https://example.com/x)", `(<a href="https://example.com/x"` + rel + `>https://example.com/x</a>)`},
		{"https://en.wikipedia.org/wiki/Go_(language)", `<a href="https://en.wikipedia.org/wiki/Go_(language)"` + rel + `>https://en.wikipedia.org/wiki/Go_(language)</a>`},
		{"https://example.com/?q=1&r=2!", `<a href="https://example.com/?q=1&amp;r=2"` + rel + `>https://example.com/?q=1&amp;r=2</a>!`},
		{"HTTPS://EXAMPLE.COM", `<a href="https://EXAMPLE.COM"` + rel + `>HTTPS://EXAMPLE.COM</a>`},
		{"https://example.com/ünï", `<a href="https://example.com/%C3%BCn%C3%AF"` + rel + `>https://example.com/ünï</a>`},
		{"a https://x.example b https://y.example", `a <a href="https://x.example"` + rel + `>https://x.example</a> b <a href="https://y.example"` + rel + `>https://y.example</a>`},
		{"https:// nothing", "https:// nothing"},
		{"https://", "https://"},
		{"xhttps://example.com", "xhttps://example.com"},
		{"ftp://example.com", "ftp://example.com"},
		{"javascript://example.com/%0Aalert(1)", "javascript://example.com/%0Aalert(1)"},
		{`<div>go https://example.com</div>`, `<div>go <a href="https://example.com"` + rel + `>https://example.com</a></div>`},
		{`<div><a href="/x">https://example.com</a></div>`, `<div><a href="/x">https://example.com</a></div>`},
		{`<pre>curl https://example.com</pre>`, `<pre>curl https://example.com</pre>`},
		{`<div><strong>https://example.com</strong></div>`, `<div><strong><a href="https://example.com"` + rel + `>https://example.com</a></strong></div>`},
	}
	for _, tt := range tests {
		b := Prepare(tt.in, nil)
		if b.HTML != tt.want {
			t.Errorf("Prepare(%q).HTML\n got %q\nwant %q", tt.in, b.HTML, tt.want)
		}
		if again := Sanitize(b.HTML); again != b.HTML {
			t.Errorf("Sanitize changes Prepare's output %q -> %q", b.HTML, again)
		}
	}
}

// The policy and patterns are shared package state; run under -race.
func TestPrepareConcurrent(t *testing.T) {
	members := []Member{{ID: 1, Name: "Ann"}}
	want := Prepare(benchMessage, members)
	t.Run("group", func(t *testing.T) {
		for range 8 {
			t.Run("worker", func(t *testing.T) {
				t.Parallel()
				for range 50 {
					if got := Prepare(benchMessage, members); got.HTML != want.HTML {
						t.Errorf("got %q, want %q", got.HTML, want.HTML)
					}
				}
			})
		}
	})
}
