package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

// createBot makes a bot through the admin form and returns it with its key.
func (c *client) createBot(t testing.TB, name, webhookURL string) model.Bot {
	t.Helper()
	res := c.postForm("/account/bots", url.Values{"user[name]": {name}, "user[webhook_url]": {webhookURL}})
	wantStatus(t, res, http.StatusSeeOther)
	bots, err := c.app.store.Bots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bots {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("bot %q not created", name)
	return model.Bot{}
}

var botKeyShape = regexp.MustCompile(`^[0-9]+-[A-Za-z0-9]{12}$`)

func TestAdminsCreateRenameRekeyAndDeleteBots(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()

	wantStatus(t, admin.get("/account/bots/new"), http.StatusOK)
	bot := admin.createBot(t, "Deploy Bot", "http://127.0.0.1:1/hook")
	if !botKeyShape.MatchString(bot.Key()) || !strings.HasPrefix(bot.Key(), fmt.Sprint(bot.ID, "-")) {
		t.Errorf("key %q", bot.Key())
	}
	if bot.Role != model.RoleBot || bot.WebhookURL != "http://127.0.0.1:1/hook" {
		t.Errorf("bot %+v", bot)
	}
	// A new bot joins every open room, and the index shows its curl line there.
	res := admin.get("/account/bots")
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	want := fmt.Sprintf("curl -d 'Hello!' %s/rooms/%d/%s/messages", a.srv.URL, room, bot.Key())
	if got := doc.Find("input.bot__curl").AttrOr("value", ""); got != want {
		t.Errorf("curl line %q, want %q", got, want)
	}
	wantFile := fmt.Sprintf(`curl -F "attachment=@/path/to/file" %s/rooms/%d/%s/messages`, a.srv.URL, room, bot.Key())
	if got := doc.Find("input.bot__curl").Eq(1).AttrOr("value", ""); got != wantFile {
		t.Errorf("file curl line %q, want %q", got, wantFile)
	}
	if doc.Find(`label[for^="curl_"]`).Length() != 2 {
		t.Error("the curl lines have no labels")
	}
	// And the line that listens to its rooms, with no public URL needed.
	wantListen := fmt.Sprintf("campfire listen %s/bots/%s/events --exec ./reply.sh --cursor bot.cursor", a.srv.URL, bot.Key())
	if got := doc.Find("input.bot__listen").AttrOr("value", ""); got != wantListen {
		t.Errorf("listen line %q, want %q", got, wantListen)
	}
	if doc.Find(`label[for^="listen_"]`).Length() != 1 {
		t.Error("the listen line has no label")
	}

	// Rename and drop the webhook.
	wantStatus(t, admin.get(fmt.Sprintf("/account/bots/%d/edit", bot.ID)), http.StatusOK)
	res = admin.postForm(fmt.Sprintf("/account/bots/%d", bot.ID), url.Values{
		"_method": {"put"}, "user[name]": {"Release Bot"}, "user[webhook_url]": {""},
	})
	wantStatus(t, res, http.StatusSeeOther)
	got, err := a.store.Bot(context.Background(), bot.ID)
	if err != nil || got.Name != "Release Bot" || got.WebhookURL != "" {
		t.Errorf("after update: %+v %v", got, err)
	}

	// A bad form comes back with its errors and changes nothing.
	res = admin.postForm(fmt.Sprintf("/account/bots/%d", bot.ID), url.Values{
		"_method": {"put"}, "user[name]": {"  "}, "user[webhook_url]": {"javascript:alert(1)"},
	})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if doc := document(t, res); doc.Find(".field-error").Length() != 2 {
		t.Error("errors not shown")
	}
	if got, _ := a.store.Bot(context.Background(), bot.ID); got.Name != "Release Bot" {
		t.Errorf("a refused update changed the bot: %q", got.Name)
	}
	wantStatus(t, admin.postForm("/account/bots", url.Values{"user[name]": {""}}), http.StatusUnprocessableEntity)

	// A new key: the old one stops working.
	old := bot.Key()
	wantStatus(t, botPost(t, a, room, old, "text/plain", "before"), http.StatusCreated)
	wantStatus(t, admin.send(http.MethodPut, fmt.Sprintf("/account/bots/%d/key", bot.ID), "", ""), http.StatusSeeOther)
	wantStatus(t, botPost(t, a, room, old, "text/plain", "after"), http.StatusUnauthorized)
	renewed, _ := a.store.Bot(context.Background(), bot.ID)
	wantStatus(t, botPost(t, a, room, renewed.Key(), "text/plain", "after"), http.StatusCreated)

	// Deleted: gone from the list, key dead, messages kept.
	wantStatus(t, admin.postForm(fmt.Sprintf("/account/bots/%d", bot.ID), url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	wantStatus(t, botPost(t, a, room, renewed.Key(), "text/plain", "ghost"), http.StatusUnauthorized)
	if bots, _ := a.store.Bots(context.Background()); len(bots) != 0 {
		t.Errorf("deleted bot still listed: %v", bots)
	}
	wantStatus(t, admin.get(fmt.Sprintf("/account/bots/%d/edit", bot.ID)), http.StatusNotFound)
	if n := a.messageCount(); n != 2 {
		t.Errorf("%d messages, want the bot's 2 kept", n)
	}
}

func TestOnlyAdminsManageBots(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bot := admin.createBot(t, "Helper", "")
	bob := a.member("Bob Builder")
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/account/bots"},
		{http.MethodGet, "/account/bots/new"},
		{http.MethodPost, "/account/bots"},
		{http.MethodGet, fmt.Sprintf("/account/bots/%d/edit", bot.ID)},
		{http.MethodPut, fmt.Sprintf("/account/bots/%d", bot.ID)},
		{http.MethodDelete, fmt.Sprintf("/account/bots/%d", bot.ID)},
		{http.MethodPut, fmt.Sprintf("/account/bots/%d/key", bot.ID)},
	} {
		res := bob.send(tc.method, tc.path, "application/x-www-form-urlencoded", "user%5Bname%5D=Mine")
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s by a member: %d", tc.method, tc.path, res.StatusCode)
		}
	}
	if got, _ := a.store.Bot(context.Background(), bot.ID); got.Name != "Helper" || got.Token != bot.Token {
		t.Error("a member changed a bot")
	}
}
