package richtext

import (
	"slices"
	"strings"
	"testing"
)

// Seeds shared by both fuzz targets; more live in testdata/fuzz.
var fuzzSeeds = []string{
	`<div>Hello <strong>world</strong><br>https://example.com/a_(b).</div>`,
	`<div><a href="/users/1" data-mention="1">@Ann</a> @bob lee</div>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a><img src=x onerror=alert(1)>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`,
	`<hx-partial hx-target="#messages"><div hx-get="/x" id="messages">x</div></hx-partial>`,
	"<pre>\n\ncode</pre>",
	"plain text\nwith <3 & @Ann",
	"<a href=/a><div><a href=/b>x</a></div></a>",
	"\xff<div>\x00</div>",
}

func FuzzSanitize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		checkSafe(t, out)
		checkUTF8(t, "Sanitize", out)
		if again := Sanitize(out); again != out {
			t.Errorf("not idempotent:\n in   %q\n once %q\n twice %q", in, out, again)
		}
	})
}

func FuzzPrepare(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	members := []Member{{ID: 1, Name: "Ann"}, {ID: 2, Name: "Bob Lee"}, {ID: 3, Name: "Bob"}}
	f.Fuzz(func(t *testing.T, in string) {
		b := Prepare(in, members)
		checkSafe(t, b.HTML)
		checkUTF8(t, "HTML", b.HTML)
		checkUTF8(t, "Plain", b.Plain)
		if again := Sanitize(b.HTML); again != b.HTML {
			t.Errorf("stored HTML is not a fixed point of Sanitize:\n in   %q\n html %q\n san  %q", in, b.HTML, again)
		}
		if p := PlainText(b.HTML); p != b.Plain {
			t.Errorf("Plain %q != PlainText(HTML) %q for %q", b.Plain, p, in)
		}
		if b.Plain != strings.TrimSpace(b.Plain) {
			t.Errorf("Plain not trimmed: %q", b.Plain)
		}
		for i, id := range b.MentionIDs {
			if slices.Index(b.MentionIDs, id) != i {
				t.Errorf("duplicate mention %d in %v", id, b.MentionIDs)
			}
			if !slices.ContainsFunc(members, func(m Member) bool { return m.ID == id }) {
				t.Errorf("mention %d is not a member", id)
			}
		}
		IsEmojiOnly(b.Plain)
		SoundFor(b.Plain)
	})
}
