package handlers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/richtext"
)

func TestMentionsEndToEnd(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bea := a.member("Bea Brown")
	room := a.allTalk()
	want := fmt.Sprintf(`<a href="/users/%d" data-mention="%d">@Bea Brown</a>`, bea.user.ID, bea.user.ID)

	t.Run("plain text @Name, any case", func(t *testing.T) {
		m := admin.postOK(room, "Morning @bea brown, coffee?", "mention-plain")
		if !strings.Contains(m.HTML, want) {
			t.Fatalf("stored HTML %q lacks %q", m.HTML, want)
		}
	})
	t.Run("the composer's anchor", func(t *testing.T) {
		body := fmt.Sprintf(`<div>Ping <a href="/users/%d" data-mention="%d">@Bea</a> please</div>`, bea.user.ID, bea.user.ID)
		m := admin.postOK(room, body, "mention-anchor")
		if !strings.Contains(m.HTML, want) {
			t.Fatalf("stored HTML %q lacks %q", m.HTML, want)
		}
	})
	t.Run("Trix drops data-mention; href and @ still make a mention", func(t *testing.T) {
		body := fmt.Sprintf(`<div><a href="/users/%d">@Bea Brown</a>&nbsp;hi</div>`, bea.user.ID)
		m := admin.postOK(room, body, "mention-trix")
		if !strings.Contains(m.HTML, want) {
			t.Fatalf("stored HTML %q lacks %q", m.HTML, want)
		}
	})
	t.Run("an anchor for someone outside the room is plain text", func(t *testing.T) {
		m := admin.postOK(room, `<div><a href="/users/9999" data-mention="9999">@Ghost</a></div>`, "mention-ghost")
		if strings.Contains(m.HTML, "data-mention") || !strings.Contains(m.Plain, "@Ghost") {
			t.Fatalf("stored %q / %q", m.HTML, m.Plain)
		}
	})
	t.Run("mentions render as links to the profile", func(t *testing.T) {
		link := bea.roomMessage(room, "mention-plain").Find(".message__body a[data-mention]")
		if link.Length() != 1 || link.AttrOr("href", "") != fmt.Sprintf("/users/%d", bea.user.ID) || link.Text() != "@Bea Brown" {
			t.Fatalf("mention link: %d, href %q, text %q", link.Length(), link.AttrOr("href", ""), link.Text())
		}
	})
}

func TestPlaySoundRendersControlAndCaption(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	admin.postOK(room, "/play tada", "sound-tada")
	admin.postOK(room, "/play nosuchsound", "sound-unknown")
	admin.postOK(room, "please /play tada", "sound-inline")

	var caption string
	for _, s := range richtext.Sounds {
		if s.Name == "tada" {
			caption = s.Caption
		}
	}
	msg := admin.roomMessage(room, "sound-tada")
	sound := msg.Find(".message__body .sound")
	if sound.Length() != 1 {
		t.Fatal("no sound control")
	}
	if b := sound.Find("button.sound__play"); b.Length() != 1 || b.AttrOr("aria-label", "") != "Play tada" {
		t.Fatal("no labelled play button")
	}
	if src := sound.Find("audio").AttrOr("src", ""); !strings.Contains(src, "/static/sounds/tada.") || !strings.HasSuffix(src, ".mp3") {
		t.Fatalf("audio src %q", src)
	}
	if got := strings.TrimSpace(sound.Find(".sound__caption").Text()); caption == "" || got != caption {
		t.Fatalf("caption %q, want %q", got, caption)
	}
	// The clip itself is served.
	src := sound.Find("audio").AttrOr("src", "")
	res := admin.get(src)
	wantStatus(t, res, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "audio/") {
		t.Fatalf("clip served as %q", ct)
	}

	for _, cmid := range []string{"sound-unknown", "sound-inline"} {
		if admin.roomMessage(room, cmid).Find(".sound").Length() != 0 {
			t.Fatalf("%s rendered as a sound", cmid)
		}
	}
}

func TestEmojiOnlyMessagesAreLarge(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	admin.postOK(room, "🎉🔥", "emoji-only")
	admin.postOK(room, "<div>👍🏽❤️</div>", "emoji-html")
	admin.postOK(room, "🎉 party", "emoji-text")
	admin.postOK(room, "123", "digits")

	for cmid, large := range map[string]bool{"emoji-only": true, "emoji-html": true, "emoji-text": false, "digits": false} {
		if got := admin.roomMessage(room, cmid).HasClass("message--emoji"); got != large {
			t.Errorf("%s: message--emoji = %v, want %v", cmid, got, large)
		}
	}
}

func TestPostedHTMLIsSanitizedOnThePage(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	admin.postOK(room, `<div onclick="alert(1)" style="color:red">Hi <script>alert(2)</script>`+
		`<a href="javascript:alert(3)">x</a> <img src=x onerror=alert(4)> see https://example.com/a</div>`+
		`<pre>code &lt;b&gt;</pre>`, "xss")
	body := admin.roomMessage(room, "xss").Find(".message__body")
	html, _ := body.Html()
	for _, bad := range []string{"<script", "onclick", "onerror", "style=", "javascript:", "<img"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("rendered body holds %q:\n%s", bad, html)
		}
	}
	link := body.Find(`a[href="https://example.com/a"]`)
	if link.Length() != 1 || !strings.Contains(link.AttrOr("rel", ""), "noopener") ||
		!strings.Contains(link.AttrOr("rel", ""), "nofollow") || link.AttrOr("target", "") != "_blank" {
		t.Fatalf("bare URL not linked safely:\n%s", html)
	}
	if body.Find("pre").Text() != "code <b>" {
		t.Fatalf("code block lost: %s", html)
	}
}
