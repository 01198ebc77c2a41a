package richtext

import (
	"slices"
	"testing"
)

func TestPrepareMentions(t *testing.T) {
	members := []Member{{ID: 1, Name: "Ann"}, {ID: 2, Name: "Ann Lee"}, {ID: 3, Name: "Bob"}, {ID: 4, Name: "Zoë Ōkubo"}}
	anchor := func(id, name string) string {
		return `<a href="/users/` + id + `" data-mention="` + id + `">@` + name + `</a>`
	}
	tests := []struct {
		name, in, html, plain string
		ids                   []int64
	}{
		{"composer anchor", `<div>hi ` + anchor("3", "Bob") + `</div>`, `<div>hi ` + anchor("3", "Bob") + `</div>`, "hi @Bob", []int64{3}},
		{"composer anchor takes real name", `<div>` + anchor("3", "Bobby Tables") + `</div>`, `<div>` + anchor("3", "Bob") + `</div>`, "@Bob", []int64{3}},
		{"composer anchor with markup inside", `<div><a href="/users/3" data-mention="3"><strong>@Bob</strong></a></div>`, `<div>` + anchor("3", "Bob") + `</div>`, "@Bob", []int64{3}},
		{"anchor without data-mention", `<div><a href="/users/3">@Bob</a></div>`, `<div>` + anchor("3", "Bob") + `</div>`, "@Bob", []int64{3}},
		{"profile link is not a mention", `<div><a href="/users/3">Bob's profile</a></div>`, `<div><a href="/users/3">Bob's profile</a></div>`, "Bob's profile", nil},
		{"non-member anchor", `<div>` + anchor("9", "Mallory") + ` hi</div>`, `<div>@Mallory hi</div>`, "@Mallory hi", nil},
		{"non-member anchor without at", `<div><a href="/users/9" data-mention="9">Mallory</a></div>`, `<div>@Mallory</div>`, "@Mallory", nil},
		{"mismatched anchor is a link", `<div><a href="/users/1" data-mention="3">@Bob</a></div>`, `<div>` + anchor("1", "Ann") + `</div>`, "@Ann", []int64{1}},
		{"plain name", "hey @Bob", "hey " + anchor("3", "Bob"), "hey @Bob", []int64{3}},
		{"case insensitive", "hey @bOB", "hey " + anchor("3", "Bob"), "hey @Bob", []int64{3}},
		{"longest match", "@ann lee said", anchor("2", "Ann Lee") + " said", "@Ann Lee said", []int64{2}},
		{"shorter when longer does not fit", "@Ann Leeds", anchor("1", "Ann") + " Leeds", "@Ann Leeds", []int64{1}},
		{"word boundary", "@Annabel and @Bobby", "@Annabel and @Bobby", "@Annabel and @Bobby", nil},
		{"punctuation ends name", "@Bob, @Ann!", anchor("3", "Bob") + ", " + anchor("1", "Ann") + "!", "@Bob, @Ann!", []int64{3, 1}},
		{"possessive", "@Bob's turn", anchor("3", "Bob") + "'s turn", "@Bob's turn", []int64{3}},
		{"unicode name folded", "merci @ZOË ŌKUBO", "merci " + anchor("4", "Zoë Ōkubo"), "merci @Zoë Ōkubo", []int64{4}},
		{"email is not a mention", "mail bob@Bob.example", "mail bob@Bob.example", "mail bob@Bob.example", nil},
		{"distinct in order", "@Bob @Ann @bob " + "@Ann", anchor("3", "Bob") + " " + anchor("1", "Ann") + " " + anchor("3", "Bob") + " " + anchor("1", "Ann"), "@Bob @Ann @Bob @Ann", []int64{3, 1}},
		{"anchor then plain", `<div>` + anchor("2", "Ann Lee") + ` and @bob</div>`, `<div>` + anchor("2", "Ann Lee") + ` and ` + anchor("3", "Bob") + `</div>`, "@Ann Lee and @Bob", []int64{2, 3}},
		{"not in pre", `<pre>@Bob</pre>`, `<pre>@Bob</pre>`, "@Bob", nil},
		{"anchor in pre still settled", `<pre>` + anchor("9", "Mallory") + anchor("3", "B") + `</pre>`, `<pre>@Mallory` + anchor("3", "Bob") + `</pre>`, "@Mallory@Bob", []int64{3}},
		{"not in link", `<div><a href="https://x.example">@Bob</a></div>`, `<div><a href="https://x.example" rel="noopener nofollow" target="_blank">@Bob</a></div>`, "@Bob", nil},
		{"not in url", "https://x.example/@Bob", `<a href="https://x.example/@Bob" rel="noopener nofollow" target="_blank">https://x.example/@Bob</a>`, "https://x.example/@Bob", nil},
		{"unknown name", "@Carol", "@Carol", "@Carol", nil},
		{"lone at", "@ and @", "@ and @", "@ and @", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Prepare(tt.in, members)
			if b.HTML != tt.html {
				t.Errorf("HTML\n got %q\nwant %q", b.HTML, tt.html)
			}
			if b.Plain != tt.plain {
				t.Errorf("Plain got %q, want %q", b.Plain, tt.plain)
			}
			if !slices.Equal(b.MentionIDs, tt.ids) {
				t.Errorf("MentionIDs = %v, want %v", b.MentionIDs, tt.ids)
			}
			if again := Sanitize(b.HTML); again != b.HTML {
				t.Errorf("Sanitize changes Prepare's output %q -> %q", b.HTML, again)
			}
		})
	}
}

func TestPrepareMentionsIgnoreUnusableMembers(t *testing.T) {
	members := []Member{{ID: 0, Name: "Zero"}, {ID: 5, Name: "   "}, {ID: 6, Name: ""}, {ID: 7, Name: " Eve "}}
	b := Prepare("@Zero @ @Eve", members)
	want := `@Zero @ <a href="/users/7" data-mention="7">@Eve</a>`
	if b.HTML != want || !slices.Equal(b.MentionIDs, []int64{7}) {
		t.Errorf("got %q %v, want %q [7]", b.HTML, b.MentionIDs, want)
	}
}
