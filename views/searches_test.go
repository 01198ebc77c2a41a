package views

import (
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

func TestHighlightHTMLEscapesAndBalancesMarks(t *testing.T) {
	s, e := model.HighlightStart, model.HighlightEnd
	cases := map[string]string{
		"plain <b>&</b>":                       "plain &lt;b&gt;&amp;&lt;/b&gt;",
		s + "run" + e + "s & " + s + "ran" + e: "<mark>run</mark>s &amp; <mark>ran</mark>",
		e + "stray end":                        "stray end",
		s + "unclosed <i>":                     "<mark>unclosed &lt;i&gt;</mark>",
		s + s + "twice" + e + e:                "<mark>twice</mark>",
	}
	for in, want := range cases {
		if got := HighlightHTML(in); got != want {
			t.Errorf("HighlightHTML(%q) = %q, want %q", in, got, want)
		}
	}
}
