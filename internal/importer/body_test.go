package importer

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/importer/oncetest"
)

func TestSGIDUserID(t *testing.T) {
	rails6 := base64.StdEncoding.EncodeToString([]byte(
		`{"_rails":{"message":"`+base64.StdEncoding.EncodeToString([]byte(`"gid://campfire/User/12"`))+`","exp":null,"pur":"attachable"}}`)) + "--abcdef"
	for _, c := range []struct {
		sgid string
		want int64
	}{
		{oncetest.SGID(3), 3},
		{oncetest.LegacySGID(41), 41},
		{rails6, 12},
		{url.QueryEscape(oncetest.SGID(8)), 8},
		{strings.TrimRight(strings.Split(oncetest.SGID(5), "--")[0], "=") + "--sig", 5},
		{base64.StdEncoding.EncodeToString([]byte(`{"_rails":{"data":"gid://campfire/Room/3"}}`)) + "--x", 0},
		{"not base64 at all!--x", 0},
		{"", 0},
	} {
		got, ok := sgidUserID(c.sgid)
		if got != c.want || ok != (c.want != 0) {
			t.Errorf("sgidUserID(%.30q…) = %d, %v; want %d", c.sgid, got, ok, c.want)
		}
	}
}

func TestConvertBody(t *testing.T) {
	names := map[int64]string{2: "Ben <Member>", 3: "Cat"}
	mention := func(sgid, ctype string) string {
		return `<action-text-attachment sgid="` + sgid + `" content-type="` + ctype + `" content="&lt;span&gt;Someone Old&lt;/span&gt;"></action-text-attachment>`
	}
	for _, c := range []struct {
		name, raw, html, plain string
		dropped, strangers     int
	}{
		{"campfire mention", `<div>Hi ` + mention(oncetest.SGID(2), "application/vnd.campfire.mention") + `!</div>`,
			`<div>Hi <a href="/users/2" data-mention="2">@Ben &lt;Member&gt;</a>!</div>`, "Hi @Ben <Member>!", 0, 0},
		{"actiontext mention", `<div>` + mention(oncetest.SGID(3), "application/vnd.actiontext.mention") + `</div>`,
			`<div><a href="/users/3" data-mention="3">@Cat</a></div>`, "@Cat", 0, 0},
		{"mention of someone not exported", `<div>Hi ` + mention(oncetest.SGID(99), "application/vnd.campfire.mention") + `</div>`,
			`<div>Hi @Someone Old</div>`, "Hi @Someone Old", 0, 1},
		{"plain @name stays text", `<div>@Cat said so</div>`, `<div>@Cat said so</div>`, "@Cat said so", 0, 0},
		{"inline file", `<div>look<action-text-attachment sgid="x" content-type="image/png" filename="a.png"><figure>a</figure></action-text-attachment></div>`,
			`<div>look</div>`, "look", 1, 0},
		{"link preview", `<div><action-text-attachment content-type="application/vnd.actiontext.opengraph-embed" href="https://example.com/x" caption="A page"></action-text-attachment></div>`,
			`<div><a href="https://example.com/x" rel="noopener nofollow" target="_blank">A page</a></div>`, "A page", 0, 0},
		{"bot plain text is HTML", `Tom &amp; Jerry`, `<div>Tom &amp; Jerry</div>`, "Tom & Jerry", 0, 0},
		{"script only", `<script>alert(1)</script>`, `<div></div>`, "", 0, 0},
		{"sound", `<div>/play tada</div>`, `<div>/play tada</div>`, "/play tada", 0, 0},
	} {
		b := convertBody(c.raw, names)
		if b.HTML != c.html || b.Plain != c.plain || b.Dropped != c.dropped || b.Strangers != c.strangers {
			t.Errorf("%s:\n got  %q %q dropped %d strangers %d\n want %q %q dropped %d strangers %d",
				c.name, b.HTML, b.Plain, b.Dropped, b.Strangers, c.html, c.plain, c.dropped, c.strangers)
		}
	}
}
