package handlers

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/live"
)

// TestConfiguredBaseURLIsNeverTheHostHeader: with CAMPFIRE_URL set, the
// absolute URLs in bot JSON, the bots page's curl lines and sign-in links
// start with it, whatever Host a client sends (issue 19, item 14: the Host
// header was echoed into them).
func TestConfiguredBaseURLIsNeverTheHostHeader(t *testing.T) {
	const base = "https://chat.example.com"
	a := newTestAppAt(t, filepath.Join(t.TempDir(), "campfire.db"), func(c *Config, _ *live.Options) { c.BaseURL = base })
	admin := a.admin()
	bot := admin.createBot(t, "Hostbot", "")
	room := a.allTalk()
	spoofed := func(c *client, method, path, body string) *http.Response {
		req, err := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "evil.example"
		// The jar files cookies under the Host asked for; send them by hand.
		for _, ck := range c.http.Jar.Cookies(req.URL) {
			req.AddCookie(ck)
		}
		if body != "" {
			req.Header.Set("Content-Type", "text/plain")
		}
		return c.do(req)
	}

	res := spoofed(a.anonymous(), http.MethodPost, fmt.Sprintf("/rooms/%d/%s/messages", room, bot.Key()), "hello")
	wantStatus(t, res, http.StatusCreated)
	m := decodeBotJSON[map[string]any](t, res)
	if u, _ := m["url"].(string); !strings.HasPrefix(u, base+"/rooms/") {
		t.Errorf("message url %q", u)
	}
	if c, _ := m["creator"].(map[string]any); c == nil || !strings.HasPrefix(fmt.Sprint(c["avatar_url"]), base+"/users/") {
		t.Errorf("creator %v", m["creator"])
	}

	page := readAll(t, spoofed(admin, http.MethodGet, "/account/bots", ""))
	if strings.Contains(page, "evil.example") || !strings.Contains(page, base+"/rooms/") {
		t.Error("the bots page's curl lines do not use the configured address")
	}
	profile := document(t, spoofed(admin, http.MethodGet, "/users/me/profile", ""))
	if link := profile.Find("#transfer_url").AttrOr("value", ""); !strings.HasPrefix(link, base+"/session/transfers/") {
		t.Errorf("sign-in link %q", link)
	}
}
