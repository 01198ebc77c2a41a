package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/live"
)

// A bot posts a file the way curl -F attachment=@file sends it, with or
// without text; the message JSON describes the file with absolute URLs.
func TestBotPostsFiles(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(t, "Reporter", "")
	path := fmt.Sprintf("/rooms/%d/%s/messages", room, bot.Key())

	ct, form := multipartForm(t, map[string]string{"body": "nightly report"}, "attachment", "report.pdf", []byte("%PDF-1.5 figures"))
	res := botCall(t, a, http.MethodPost, path, ct, form)
	wantStatus(t, res, http.StatusCreated)
	m := decodeBotJSON[map[string]any](t, res)
	att, _ := m["attachment"].(map[string]any)
	if att == nil || att["filename"] != "report.pdf" || att["content_type"] != "application/pdf" || att["byte_size"] != 16.0 ||
		att["preview_url"] != nil || !strings.HasPrefix(att["url"].(string), a.srv.URL+"/attachments/") {
		t.Fatalf("attachment JSON %v", m["attachment"])
	}
	if m["body"].(map[string]any)["plain_text"] != "nightly report\nreport.pdf" {
		t.Errorf("plain_text %v", m["body"])
	}
	wantStatus(t, admin.get(strings.TrimPrefix(att["url"].(string), a.srv.URL)), http.StatusOK)

	// No body; an image gets its preview.
	ct, form = multipartForm(t, nil, "attachment", "chart.png", pngBytes(t, 1500, 300))
	res = botCall(t, a, http.MethodPost, path, ct, form, "Idempotency-Key", "chart-1")
	wantStatus(t, res, http.StatusCreated)
	m = decodeBotJSON[map[string]any](t, res)
	att = m["attachment"].(map[string]any)
	if p, _ := att["preview_url"].(string); p != att["url"].(string)+"?variant=preview" {
		t.Fatalf("preview_url %v", att["preview_url"])
	}
	// The retry is the same message.
	ct, form = multipartForm(t, nil, "attachment", "chart.png", pngBytes(t, 1500, 300))
	wantStatus(t, botCall(t, a, http.MethodPost, path, ct, form, "Idempotency-Key", "chart-1"), http.StatusOK)

	// Refusals are JSON.
	ct, form = multipartForm(t, nil, "attachment", "empty.txt", nil)
	res = botCall(t, a, http.MethodPost, path, ct, form)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if e := decodeBotJSON[map[string]string](t, res); e["error"] == "" {
		t.Error("no error message")
	}
	ct, form = multipartForm(t, map[string]string{"body": "  "}, "", "", nil)
	wantStatus(t, botCall(t, a, http.MethodPost, path, ct, form), http.StatusUnprocessableEntity)
}

func TestBotUploadTooLargeIsJSON(t *testing.T) {
	t.Parallel()
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(c *Config, _ *live.Options) { c.MaxUpload = 1 << 10 })
	admin := a.admin()
	bot := admin.createBot(t, "Big", "")
	ct, form := multipartForm(t, nil, "attachment", "big.bin", make([]byte, 2<<10))
	res := botCall(t, a, http.MethodPost, fmt.Sprintf("/rooms/%d/%s/messages", a.allTalk(), bot.Key()), ct, form)
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
	if e := decodeBotJSON[map[string]string](t, res); !strings.Contains(e["error"], "1 KB") {
		t.Errorf("error %q", e["error"])
	}
}

// A webhook tells the bot about the file; a bot answering with an image
// posts it as its reply.
func TestWebhooksCarryFilesBothWays(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	chart := pngBytes(t, 20, 10)
	fb := newFakeBot(t, func(p map[string]any, w http.ResponseWriter, _ <-chan struct{}) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(chart)
	})
	bot := admin.createBot(t, "Plotter", fb.srv.URL)

	wantStatus(t, admin.attach(room, "@Plotter plot this", "w1", "data.csv", []byte("x,y\n1,2\n")), http.StatusSeeOther)
	p := fb.next(t)
	att, _ := p["message"].(map[string]any)["attachment"].(map[string]any)
	if att == nil || att["filename"] != "data.csv" || att["byte_size"] != 8.0 || !strings.HasPrefix(att["url"].(string), "/attachments/") {
		b, _ := json.Marshal(p)
		t.Fatalf("payload %s", b)
	}

	reply := a.waitForMessage(t, room, "attachment.png")
	if reply.CreatorID != bot.ID || reply.Attachment == nil || reply.Attachment.PreviewWidth != 20 || reply.Attachment.ContentType != "image/png" {
		t.Fatalf("reply %+v", reply.Attachment)
	}
}
