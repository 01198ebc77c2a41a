package handlers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/importer"
	"github.com/campfire-go/campfire/internal/importer/oncetest"
)

// importedApp serves a database made by importing a generated ONCE Campfire
// with 10,000 messages.
func importedApp(t *testing.T) (*testApp, *oncetest.Fixture) {
	t.Helper()
	dir := t.TempDir()
	f, err := oncetest.Build(filepath.Join(dir, "storage"), oncetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "campfire.db")
	store, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// The files go where the server finds them: files/ beside the database.
	storage, err := files.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Run(context.Background(), store, importer.Options{DB: f.DB, Files: f.StorageDir, Storage: storage}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	return newTestAppAt(t, path), f
}

// signInAs signs in with the password the person had in ONCE Campfire.
func (a *testApp) signInAs(t *testing.T, email string) (*client, *http.Response) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{app: a, ip: fmt.Sprintf("198.51.100.%d", a.ips.Add(1)%200+20),
		http: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	res := c.postForm("/session", url.Values{"email_address": {email}, "password": {oncetest.Password}})
	return c, res
}

func sidebarRooms(t *testing.T, c *client) []int64 {
	t.Helper()
	res := c.get(fmt.Sprintf("/rooms/%d", oncetest.OpenRoom))
	wantStatus(t, res, http.StatusOK)
	var ids []int64
	document(t, res).Find("#sidebar a.room-link[data-room-id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.ParseInt(s.AttrOr("data-room-id", ""), 10, 64)
		ids = append(ids, id)
	})
	slices.Sort(ids)
	return slices.Compact(ids)
}

func TestImportedCampfireWorks(t *testing.T) {
	a, f := importedApp(t)

	ada, res := a.signInAs(t, "ada@example.com")
	wantStatus(t, res, http.StatusSeeOther)
	ben, res := a.signInAs(t, "ben@example.com")
	wantStatus(t, res, http.StatusSeeOther)
	cat, res := a.signInAs(t, "cat@example.com")
	wantStatus(t, res, http.StatusSeeOther)
	_, res = a.signInAs(t, "dan-deactivated-6f0c7c55-2a4e-4e3e-9a53-0b7f7d1f0c11@example.com")
	if res.StatusCode == http.StatusSeeOther {
		t.Error("a deactivated person signed in after the import")
	}

	t.Run("rooms each person sees", func(t *testing.T) {
		// Ben had not read All Talk in ONCE Campfire.
		page := document(t, ben.get(fmt.Sprintf("/rooms/%d", oncetest.ClosedRoom)))
		if page.Find(fmt.Sprintf("#sidebar a.room-link.unread[data-room-id='%d']", oncetest.OpenRoom)).Length() != 1 {
			t.Error("All Talk is not unread for Ben")
		}
		for _, c := range []struct {
			who  *client
			name string
			want []int64
		}{
			{ada, "Ada", []int64{oncetest.OpenRoom, oncetest.ClosedRoom}},
			{ben, "Ben", []int64{oncetest.OpenRoom, oncetest.ClosedRoom, oncetest.DirectRoom}},
			{cat, "Cat", []int64{oncetest.OpenRoom, oncetest.DirectRoom, oncetest.BotDirectRoom}},
		} {
			if got := sidebarRooms(t, c.who); !slices.Equal(got, c.want) {
				t.Errorf("%s sees rooms %v, want %v", c.name, got, c.want)
			}
		}
		res := cat.get(fmt.Sprintf("/rooms/%d", oncetest.ClosedRoom))
		if res.StatusCode == http.StatusOK {
			t.Error("Cat opened the closed room she is not in")
		}
	})

	t.Run("message counts per room", func(t *testing.T) {
		key := fmt.Sprintf("%d-%s", oncetest.Bot, oncetest.BotToken)
		for _, room := range []int64{oncetest.OpenRoom, oncetest.BotDirectRoom} {
			res := botCall(t, a, http.MethodGet, fmt.Sprintf("/rooms/%d/%s/messages", room, key), "", "")
			wantStatus(t, res, http.StatusOK)
			if got := res.Header.Get("X-Total-Count"); got != strconv.Itoa(f.MessagesPerRoom[room]) {
				t.Errorf("room %d: X-Total-Count %s, want %d", room, got, f.MessagesPerRoom[room])
			}
		}
		for room, n := range f.MessagesPerRoom {
			if got, err := a.store.RoomMessageCount(context.Background(), room); err != nil || got != int64(n) {
				t.Errorf("room %d holds %d messages (%v), want %d", room, got, err, n)
			}
		}
	})

	t.Run("a mention, a sound and boosts as Campfire showed them", func(t *testing.T) {
		page := document(t, ada.get(fmt.Sprintf("/rooms/%d/@%d", oncetest.OpenRoom, f.MentionMessage)))
		msg := page.Find(fmt.Sprintf("#messages article[data-message-id='%d']", f.MentionMessage))
		if msg.Length() != 1 {
			t.Fatalf("the permalink to message %d does not show it", f.MentionMessage)
		}
		m := msg.Find(".message__body a[data-mention]")
		if m.AttrOr("data-mention", "") != strconv.Itoa(oncetest.Member) || m.AttrOr("href", "") != fmt.Sprintf("/users/%d", oncetest.Member) ||
			strings.TrimSpace(m.Text()) != "@Ben Member" {
			t.Errorf("the mention renders as %q", goquery.NewDocumentFromNode(m.Nodes[0]).Text())
		}
		if strings.Contains(msg.Text(), "action-text-attachment") || strings.Contains(msg.Text(), "sgid") {
			t.Error("ActionText markup leaked into the page")
		}
		if n := msg.Find(".message__boosts .boost").Length(); n != 2 {
			t.Errorf("%d boosts shown, want 2", n)
		}
		if !strings.Contains(msg.Find(".message__boosts").Text(), "🎉") {
			t.Error("Ada's 🎉 boost is missing")
		}
		page = document(t, ada.get(fmt.Sprintf("/rooms/%d/@%d", oncetest.OpenRoom, f.SoundMessage)))
		sound := page.Find(fmt.Sprintf("#messages article[data-message-id='%d'] .sound button.sound__play", f.SoundMessage))
		if sound.AttrOr("aria-label", "") != "Play tada" {
			t.Error("/play tada is not a sound after the import")
		}
	})

	t.Run("search finds an old message only for its room's members", func(t *testing.T) {
		if got := ada.search(t, oncetest.UniqueWord); !slices.Equal(got, []string{strconv.FormatInt(f.UniqueMessage, 10)}) {
			t.Errorf("Ada's search for %q found %v, want message %d", oncetest.UniqueWord, got, f.UniqueMessage)
		}
		if got := cat.search(t, oncetest.UniqueWord); len(got) != 0 {
			t.Errorf("Cat found %v in a room she is not in", got)
		}
	})

	t.Run("files download with the same bytes, for the room's members", func(t *testing.T) {
		page := document(t, ada.get(fmt.Sprintf("/rooms/%d/@%d", oncetest.OpenRoom, f.PDFMessage)))
		link := page.Find(fmt.Sprintf("#messages article[data-message-id='%d'] a.message__attachment[href]", f.PDFMessage))
		href := link.AttrOr("href", "")
		if href == "" {
			t.Fatal("the imported PDF has no download link")
		}
		res := ben.get(href)
		wantStatus(t, res, http.StatusOK)
		if got, _ := io.ReadAll(res.Body); !bytes.Equal(got, f.PDFBytes) || res.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("the PDF downloads as %d bytes of %s", len(got), res.Header.Get("Content-Type"))
		}
		page = document(t, ada.get(fmt.Sprintf("/rooms/%d/@%d", oncetest.OpenRoom, f.FileMessage)))
		img := page.Find(fmt.Sprintf("#messages article[data-message-id='%d'] .message__attachment img", f.FileMessage))
		if img.AttrOr("width", "") != "1200" || !strings.HasSuffix(img.AttrOr("src", ""), "?variant=preview") {
			t.Errorf("the imported picture shows as %v", img.Nodes)
		}
		if res := ben.get(strings.TrimSuffix(img.AttrOr("src", ""), "?variant=preview")); res.StatusCode != http.StatusOK {
			t.Errorf("the picture: %d", res.StatusCode)
		} else if got, _ := io.ReadAll(res.Body); !bytes.Equal(got, f.PictureBytes) {
			t.Error("the picture downloads with other bytes")
		}
	})

	t.Run("avatars and the logo come along", func(t *testing.T) {
		res := ada.get(fmt.Sprintf("/users/%d/avatar", oncetest.Member))
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct == "image/svg+xml" {
			t.Error("Ben's avatar is drawn initials, not his picture")
		}
		res = ada.get("/favicon.ico")
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("the favicon is %s, want the imported logo (image/png)", ct)
		}
	})

	t.Run("the bot posts with its old URL", func(t *testing.T) {
		key := fmt.Sprintf("%d-%s", oncetest.Bot, oncetest.BotToken)
		var last int64
		if err := a.store.Writer().QueryRow(`SELECT max(id) FROM messages`).Scan(&last); err != nil {
			t.Fatal(err)
		}
		res := botPost(t, a, oncetest.OpenRoom, key, "text/plain", "Still here after the move")
		wantStatus(t, res, http.StatusCreated)
		m := decodeBotJSON[map[string]any](t, res)
		id := int64(m["id"].(float64))
		if id != last+1 {
			t.Errorf("the new message got id %d, not after the imported ones", id)
		}
		if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/rooms/%d/@%d", oncetest.OpenRoom, id) {
			t.Errorf("Location %q", loc)
		}
		res = botPost(t, a, oncetest.OpenRoom, fmt.Sprintf("%d-%s", oncetest.Bot, "WrongToken12"), "text/plain", "no")
		wantStatus(t, res, http.StatusUnauthorized)
		body, _ := io.ReadAll(ben.get(fmt.Sprintf("/rooms/%d/@%d", oncetest.OpenRoom, id)).Body)
		if !strings.Contains(string(body), "Still here after the move") {
			t.Error("the bot's new message is not in the room")
		}
		// The search index, rebuilt by the import, still follows new messages.
		if got := ada.search(t, "still here after the move"); !slices.Equal(got, []string{strconv.FormatInt(id, 10)}) {
			t.Errorf("searching for the bot's new message found %v, want %d", got, id)
		}
	})
}
