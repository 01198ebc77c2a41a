package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

// botCall sends what a bot's HTTP client sends: no cookies, no Origin.
func botCall(t testing.TB, a *testApp, method, path, contentType, body string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	setHeaders(req, headers)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func botPost(t testing.TB, a *testApp, roomID int64, key, contentType, body string) *http.Response {
	t.Helper()
	return botCall(t, a, http.MethodPost, fmt.Sprintf("/rooms/%d/%s/messages", roomID, key), contentType, body)
}

func decodeBotJSON[T any](t testing.TB, res *http.Response) T {
	t.Helper()
	var v T
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v\n%s", res.Request.Method, res.Request.URL.Path, err, b)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	return v
}

func keysOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

var jsonTimeShape = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// checkMessageJSON holds a message to SPEC §4's shape.
func checkMessageJSON(t *testing.T, a *testApp, m map[string]any, roomID int64, roomName any, plain string) {
	t.Helper()
	if got := keysOf(m); got != "attachment,body,created_at,creator,id,room,updated_at,url" {
		t.Errorf("message keys %s", got)
	}
	if m["attachment"] != nil {
		t.Errorf("a message without a file has attachment %v, want null", m["attachment"])
	}
	id := int64(m["id"].(float64))
	if want := fmt.Sprintf("%s/rooms/%d/@%d", a.srv.URL, roomID, id); m["url"] != want {
		t.Errorf("url %v, want %s", m["url"], want)
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if s, _ := m[k].(string); !jsonTimeShape.MatchString(s) {
			t.Errorf("%s %q is not UTC with milliseconds", k, s)
		}
	}
	room := m["room"].(map[string]any)
	if keysOf(room) != "id,name" || room["id"] != float64(roomID) || room["name"] != roomName {
		t.Errorf("room %v", room)
	}
	creator := m["creator"].(map[string]any)
	if keysOf(creator) != "avatar_url,id,name,role" || !strings.HasPrefix(creator["avatar_url"].(string), a.srv.URL+"/users/") {
		t.Errorf("creator %v", creator)
	}
	body := m["body"].(map[string]any)
	if keysOf(body) != "html,plain_text" || body["plain_text"] != plain {
		t.Errorf("body %v, want plain %q", body, plain)
	}
}

func TestBotPostsMessagesInEveryShape(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(t, "Poster", "")
	closed, err := a.store.CreateRoom(context.Background(), model.RoomClosed, "Closed", admin.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	stream := admin.openStream(t, room, 0, a.hub.LastEventID())
	defer stream.close()

	var multi bytes.Buffer
	mw := multipart.NewWriter(&multi)
	_ = mw.WriteField("body", "From a multipart form")
	_ = mw.Close()

	key := bot.Key()
	wrongToken := fmt.Sprintf("%d-%s", bot.ID, strings.Repeat("x", 12))
	cases := []struct {
		name        string
		room        int64
		key         string
		contentType string
		body        string
		status      int
		plain       string // for 201
	}{
		{"plain text", room, key, "text/plain", "Hello!", 201, "Hello!"},
		{"curl -d: form without a body field", room, key, "application/x-www-form-urlencoded", "Hello from curl!", 201, "Hello from curl!"},
		{"form body field", room, key, "application/x-www-form-urlencoded", "body=Deploy+finished&other=1", 201, "Deploy finished"},
		{"JSON", room, key, "application/json", `{"body": "<div>Built <strong>ok</strong></div>"}`, 201, "Built ok"},
		{"no content type", room, key, "", "Bare body", 201, "Bare body"},
		{"multipart", room, key, mw.FormDataContentType(), multi.String(), 201, "From a multipart form"},
		{"blank", room, key, "text/plain", "  \n ", 422, ""},
		{"empty JSON body", room, key, "application/json", `{}`, 422, ""},
		{"markup without text", room, key, "text/plain", "<div><br></div>", 422, ""},
		{"too long", room, key, "text/plain", strings.Repeat("a", 10_001), 422, ""},
		{"invalid UTF-8", room, key, "text/plain", "bad \xff bytes", 422, ""},
		{"malformed JSON", room, key, "application/json", `{"body": `, 400, ""},
		{"wrong token", room, wrongToken, "text/plain", "Hello!", 401, ""},
		{"unknown bot", room, "999999-abcdefghijkl", "text/plain", "Hello!", 401, ""},
		{"a person's id", room, fmt.Sprintf("%d-abcdefghijkl", admin.user.ID), "text/plain", "Hello!", 401, ""},
		{"garbage key", room, "not-a-key", "text/plain", "Hello!", 401, ""},
		{"room the bot is not in", closed.ID, key, "text/plain", "Hello!", 404, ""},
		{"room that does not exist", 424242, key, "text/plain", "Hello!", 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := a.messageCount()
			res := botPost(t, a, tc.room, tc.key, tc.contentType, tc.body)
			if res.StatusCode != tc.status {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, b)
			}
			if res.Header.Get("Set-Cookie") != "" {
				t.Error("the bot API set a cookie")
			}
			m := decodeBotJSON[map[string]any](t, res)
			if tc.status != http.StatusCreated {
				if msg, _ := m["error"].(string); msg == "" || len(m) != 1 {
					t.Errorf("error JSON %v", m)
				}
				if a.messageCount() != before {
					t.Error("a refused post created a message")
				}
				return
			}
			checkMessageJSON(t, a, m, room, "All Talk", tc.plain)
			if want := fmt.Sprintf("/rooms/%d/@%d", room, int64(m["id"].(float64))); res.Header.Get("Location") != want {
				t.Errorf("Location %q, want %q", res.Header.Get("Location"), want)
			}
			if c := m["creator"].(map[string]any); c["role"] != "bot" || c["name"] != "Poster" {
				t.Errorf("creator %v", c)
			}
			// Posted through chat: it reaches the room live.
			ev := stream.next(t, "message")
			if !strings.Contains(ev.Data, fmt.Sprintf(`data-message-id="%d"`, int64(m["id"].(float64)))) {
				t.Errorf("live event is not this message: %s", ev.Data)
			}
		})
	}

	// A browser page on another site can't use a bot key.
	res := botCall(t, a, http.MethodPost, fmt.Sprintf("/rooms/%d/%s/messages", room, key), "text/plain", "x",
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site browser post: %d", res.StatusCode)
	}
}

func TestBotListsMessagesWithPaging(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(t, "Reader", "")
	base := fmt.Sprintf("/rooms/%d/%s/messages", room, bot.Key())

	res := botCall(t, a, http.MethodGet, base, "", "")
	wantStatus(t, res, http.StatusOK)
	if got := decodeBotJSON[[]any](t, res); len(got) != 0 || res.Header.Get("X-Total-Count") != "0" || res.Header.Get("Link") != "" {
		t.Errorf("empty room: %v, count %q, link %q", got, res.Header.Get("X-Total-Count"), res.Header.Get("Link"))
	}
	for i := range 45 {
		wantStatus(t, botPost(t, a, room, bot.Key(), "text/plain", fmt.Sprint("message ", i)), http.StatusCreated)
	}

	res = botCall(t, a, http.MethodGet, base, "", "")
	wantStatus(t, res, http.StatusOK)
	page := decodeBotJSON[[]map[string]any](t, res)
	if len(page) != 40 || res.Header.Get("X-Total-Count") != "45" {
		t.Fatalf("%d messages, count %q", len(page), res.Header.Get("X-Total-Count"))
	}
	if page[0]["body"].(map[string]any)["plain_text"] != "message 5" || page[39]["body"].(map[string]any)["plain_text"] != "message 44" {
		t.Error("not the newest 40, oldest first")
	}
	checkMessageJSON(t, a, page[0], room, "All Talk", "message 5")
	first := int64(page[0]["id"].(float64))
	wantLink := fmt.Sprintf(`<%s%s?before=%d>; rel="next"`, a.srv.URL, base, first)
	if res.Header.Get("Link") != wantLink {
		t.Errorf("Link %q, want %q", res.Header.Get("Link"), wantLink)
	}

	res = botCall(t, a, http.MethodGet, fmt.Sprintf("%s?before=%d", base, first), "", "")
	wantStatus(t, res, http.StatusOK)
	older := decodeBotJSON[[]map[string]any](t, res)
	if len(older) != 5 || res.Header.Get("Link") != "" {
		t.Errorf("older page: %d messages, Link %q", len(older), res.Header.Get("Link"))
	}

	oldest := int64(older[0]["id"].(float64))
	res = botCall(t, a, http.MethodGet, fmt.Sprintf("%s?after=%d", base, oldest), "", "")
	wantStatus(t, res, http.StatusOK)
	newer := decodeBotJSON[[]map[string]any](t, res)
	last := int64(newer[len(newer)-1]["id"].(float64))
	if len(newer) != 40 || res.Header.Get("Link") != fmt.Sprintf(`<%s%s?after=%d>; rel="next"`, a.srv.URL, base, last) {
		t.Errorf("after page: %d messages, Link %q", len(newer), res.Header.Get("Link"))
	}

	for _, q := range []string{"?before=abc", "?after=-1", "?before=1&after=2"} {
		res := botCall(t, a, http.MethodGet, base+q, "", "")
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d", q, res.StatusCode)
		}
	}
}

func TestBotChangesOnlyItsOwnMessagesAndBoosts(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	ctx := context.Background()
	bot := admin.createBot(t, "Editor", "")
	base := fmt.Sprintf("/rooms/%d/%s/messages", room, bot.Key())

	res := botPost(t, a, room, bot.Key(), "text/plain", "first draft")
	own := int64(decodeBotJSON[map[string]any](t, res)["id"].(float64))
	wantStatus(t, admin.post(room, "a person's words", "p1"), http.StatusSeeOther)
	theirs, _ := parseID(a.messageIDByBody("a person's words"))
	other, _ := a.store.CreateRoom(ctx, model.RoomOpen, "Elsewhere", admin.user.ID, nil)
	wantStatus(t, admin.post(other.ID, "elsewhere", "e1"), http.StatusSeeOther)
	elsewhere, _ := parseID(a.messageIDByBody("elsewhere"))
	humanBoost, _, err := a.store.CreateBoost(ctx, theirs, admin.user.ID, "🎉")
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, method, path, contentType, body string
		status                                int
	}{
		{"edit own (PUT)", http.MethodPut, fmt.Sprint(base, "/", own), "text/plain", "second draft", 200},
		{"edit own (PATCH, JSON)", http.MethodPatch, fmt.Sprint(base, "/", own), "application/json", `{"body":"third draft"}`, 200},
		{"edit own blank", http.MethodPut, fmt.Sprint(base, "/", own), "text/plain", " ", 422},
		{"edit someone else's", http.MethodPut, fmt.Sprint(base, "/", theirs), "text/plain", "hijack", 403},
		{"edit a message of another room", http.MethodPut, fmt.Sprint(base, "/", elsewhere), "text/plain", "x", 404},
		{"edit unknown", http.MethodPut, fmt.Sprint(base, "/", 999999), "text/plain", "x", 404},
		{"delete someone else's", http.MethodDelete, fmt.Sprint(base, "/", theirs), "", "", 403},
		{"boost", http.MethodPost, fmt.Sprint(base, "/", theirs, "/boosts"), "text/plain", "👀", 201},
		{"boost blank", http.MethodPost, fmt.Sprint(base, "/", theirs, "/boosts"), "text/plain", "  ", 422},
		{"boost too long", http.MethodPost, fmt.Sprint(base, "/", theirs, "/boosts"), "text/plain", strings.Repeat("x", 17), 422},
		{"boost in another room", http.MethodPost, fmt.Sprint(base, "/", elsewhere, "/boosts"), "text/plain", "👀", 404},
		{"remove a person's boost", http.MethodDelete, fmt.Sprint(base, "/", theirs, "/boosts/", humanBoost.ID), "", "", 403},
		{"remove unknown boost", http.MethodDelete, fmt.Sprint(base, "/", theirs, "/boosts/999999"), "", "", 404},
		{"delete own", http.MethodDelete, fmt.Sprint(base, "/", own), "", "", 204},
		{"delete own again", http.MethodDelete, fmt.Sprint(base, "/", own), "", "", 404},
		{"wrong key", http.MethodDelete, fmt.Sprintf("/rooms/%d/%d-aaaaaaaaaaaa/messages/%d", room, bot.ID, theirs), "", "", 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := botCall(t, a, tc.method, tc.path, tc.contentType, tc.body)
			if res.StatusCode != tc.status {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, b)
			}
			switch tc.status {
			case http.StatusOK:
				m := decodeBotJSON[map[string]any](t, res)
				want := tc.body
				if tc.contentType == "application/json" {
					want = "third draft"
				}
				checkMessageJSON(t, a, m, room, "All Talk", want)
			case http.StatusCreated:
				b := decodeBotJSON[map[string]any](t, res)
				if keysOf(b) != "booster,content,created_at,id,message" || b["content"] != "👀" {
					t.Errorf("boost JSON %v", b)
				}
				if s, _ := b["created_at"].(string); !jsonTimeShape.MatchString(s) {
					t.Errorf("created_at %q", s)
				}
				msg := b["message"].(map[string]any)
				if msg["id"] != float64(theirs) || msg["url"] != fmt.Sprintf("%s/rooms/%d/@%d", a.srv.URL, room, theirs) {
					t.Errorf("boost message %v", msg)
				}
				if booster := b["booster"].(map[string]any); booster["role"] != "bot" || keysOf(booster) != "avatar_url,id,name,role" {
					t.Errorf("booster %v", booster)
				}
				// The bot removes its own boost.
				path := fmt.Sprint(base, "/", theirs, "/boosts/", int64(b["id"].(float64)))
				wantStatus(t, botCall(t, a, http.MethodDelete, path, "", ""), http.StatusNoContent)
				wantStatus(t, botCall(t, a, http.MethodDelete, path, "", ""), http.StatusNotFound)
			case http.StatusNoContent:
			default:
				if m := decodeBotJSON[map[string]any](t, res); m["error"] == nil {
					t.Errorf("no error in %v", m)
				}
			}
		})
	}
	if m, err := a.store.Message(ctx, theirs); err != nil || m.Plain != "a person's words" || len(m.Boosts) != 1 {
		t.Errorf("the person's message changed: %+v %v", m, err)
	}
}
