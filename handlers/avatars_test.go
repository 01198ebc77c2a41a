package handlers

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/views"
)

func TestAvatarUploadIsCroppedSquareAndShownWithItsVersion(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()

	res := bob.upload(http.MethodPut, "/users/me/profile", map[string]string{"user[bio]": "Builds"}, "user[avatar]", "me.png", testPNG(t, 1200, 800))
	wantStatus(t, res, http.StatusSeeOther)
	key := a.avatarKey(bob.user.ID)
	if key == "" {
		t.Fatal("no avatar stored")
	}
	if !a.blobOnDisk(key) {
		t.Error("the avatar's file is not in the storage folder")
	}

	// A centre square of at most 512 px: the middle of a half-red,
	// half-blue picture is red on the left and blue on the right.
	versioned := views.AvatarURL(bob.user.ID, key)
	res = admin.get(versioned, "Sec-Fetch-Dest", "image")
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned avatar Cache-Control %q, want immutable", cc)
	}
	img := decodeImage(t, res)
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("avatar %v, want 512×512", b)
	}
	if r, _, bl, _ := img.At(10, 256).RGBA(); r < bl {
		t.Error("left edge of the crop is not red: not the centre square")
	}
	if r, _, bl, _ := img.At(500, 256).RGBA(); bl < r {
		t.Error("right edge of the crop is not blue: not the centre square")
	}
	// The address without a version still serves the current avatar, briefly cached.
	res = admin.get(avatarPath(bob.user.ID))
	if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Errorf("unversioned avatar Cache-Control %q", cc)
	}
	decodeImage(t, res)

	// A small picture is not blown up.
	res = admin.upload(http.MethodPut, "/users/me/profile", nil, "user[avatar]", "a.png", testPNG(t, 40, 60))
	wantStatus(t, res, http.StatusSeeOther)
	if b := decodeImage(t, admin.get(avatarPath(admin.user.ID))).Bounds(); b.Dx() != 40 || b.Dy() != 40 {
		t.Errorf("small avatar %v, want 40×40", b)
	}

	// Everywhere the name is: the message, live and on the page, and the
	// autocomplete's JSON.
	stream := admin.openStream(t, room, 0, 0)
	bob.postOK(room, "Hello", "av1")
	live := fragment(t, stream.next(t, "message").Data)
	if src, _ := live.Find("#message_av1 .message__avatar").Attr("src"); src != versioned {
		t.Errorf("live message avatar src %q, want %q", src, versioned)
	}
	if src, _ := admin.roomMessage(room, "av1").Find(".message__avatar").Attr("src"); src != versioned {
		t.Errorf("message avatar src %q, want %q", src, versioned)
	}
	res = admin.get(fmt.Sprintf("/autocompletable/users?room_id=%d&query=bob", room))
	body := readBody(t, res)
	if !strings.Contains(body, versioned) {
		t.Errorf("autocomplete %s lacks %s", body, versioned)
	}
	// The profile kept the other field sent with the avatar.
	if u, _ := a.store.User(t.Context(), bob.user.ID); u.Bio != "Builds" {
		t.Errorf("bio %q", u.Bio)
	}
}

func TestAvatarInDirectRoomsPresenceAndPeopleLists(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	wantStatus(t, bob.upload(http.MethodPut, "/users/me/profile", nil, "user[avatar]", "b.png", testPNG(t, 64, 64)), http.StatusSeeOther)
	versioned := views.AvatarURL(bob.user.ID, a.avatarKey(bob.user.ID))

	res := admin.postForm("/rooms/directs", map[string][]string{"user_ids[]": {fmt.Sprint(bob.user.ID)}})
	wantStatus(t, res, http.StatusSeeOther)
	doc := document(t, admin.get("/rooms/"+strings.TrimPrefix(res.Header.Get("Location"), "/rooms/")))
	src, ok := doc.Find("#sidebar .room-link--direct .room-link__avatar").Attr("src")
	if !ok || src != versioned {
		t.Errorf("direct room line avatar %q, want %q", src, versioned)
	}
	// Who is here: Bob has the room open.
	room := a.allTalk()
	bob.openStream(t, room, 0, 0)
	doc = document(t, admin.get(views.RoomURL(room)))
	if src, _ := doc.Find(fmt.Sprintf(`#presence .presence__person[data-user-id="%d"] img`, bob.user.ID)).Attr("src"); src != versioned {
		t.Errorf("presence avatar %q, want %q", src, versioned)
	}
	// The people one may start a direct room with.
	doc = document(t, admin.get("/rooms/directs/new"))
	if doc.Find(fmt.Sprintf(`label[for="user_%d"] img[src="%s"]`, bob.user.ID, versioned)).Length() != 1 {
		t.Error("the people list shows no avatar for Bob")
	}
}

func TestAvatarRefusesBadFilesAndChangesNothing(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	huge := bytes.Repeat([]byte{0}, maxImageUpload+1)
	copy(huge, testPNG(t, 10, 10))
	for _, tc := range []struct {
		name    string
		content []byte
		status  int
	}{
		{"empty.png", nil, http.StatusUnprocessableEntity},
		{"notes.txt", []byte("just some text, not an image"), http.StatusUnprocessableEntity},
		{"fake.png", []byte("\x89PNG\r\n\x1a\nthen garbage"), http.StatusUnprocessableEntity},
		{"bomb.png", bombPNG(t, 60000, 60000), http.StatusUnprocessableEntity},
		{"huge.png", huge, http.StatusRequestEntityTooLarge},
	} {
		res := bob.upload(http.MethodPut, "/users/me/profile", map[string]string{"user[name]": "Renamed"}, "user[avatar]", tc.name, tc.content)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
		}
		u, _ := a.store.User(t.Context(), bob.user.ID)
		if u.AvatarKey != "" || u.Name != "Bob Builder" {
			t.Errorf("%s: user changed to %+v", tc.name, u)
		}
	}
	// The refused form says why, at the field.
	res := bob.upload(http.MethodPut, "/users/me/profile", nil, "user[avatar]", "notes.txt", []byte("text"))
	if msg := document(t, res).Find("#user_avatar_error").Text(); !strings.Contains(msg, "not an image") {
		t.Errorf("error %q", msg)
	}
	// A form with the file input left empty changes the rest and no avatar.
	res = bob.upload(http.MethodPut, "/users/me/profile", map[string]string{"user[name]": "Bob B"}, "user[avatar]", "", nil)
	wantStatus(t, res, http.StatusSeeOther)
	if u, _ := a.store.User(t.Context(), bob.user.ID); u.Name != "Bob B" || u.AvatarKey != "" {
		t.Errorf("after an empty file input: %+v", u)
	}
}

func TestAvatarRemoveGoesBackToInitialsAndFreesTheFile(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	wantStatus(t, bob.upload(http.MethodPut, "/users/me/profile", nil, "user[avatar]", "b.png", testPNG(t, 64, 64)), http.StatusSeeOther)
	key := a.avatarKey(bob.user.ID)
	// A second upload replaces the first, whose file goes.
	wantStatus(t, bob.upload(http.MethodPut, "/users/me/profile", nil, "user[avatar]", "b.png", testPNG(t, 32, 32)), http.StatusSeeOther)
	second := a.avatarKey(bob.user.ID)
	if second == key || a.blobOnDisk(key) || !a.blobOnDisk(second) {
		t.Fatalf("replaced avatar: old %s on disk %v, new %s on disk %v", key, a.blobOnDisk(key), second, a.blobOnDisk(second))
	}
	doc := document(t, bob.get("/users/me/profile"))
	if doc.Find(`form[action="/users/me/avatar"] button`).Length() != 1 {
		t.Error("the profile offers no way to remove the avatar")
	}
	wantStatus(t, bob.postForm("/users/me/avatar", map[string][]string{"_method": {"delete"}}), http.StatusSeeOther)
	if k := a.avatarKey(bob.user.ID); k != "" {
		t.Errorf("avatar %q after removal", k)
	}
	if a.blobOnDisk(second) {
		t.Error("the removed avatar's file is still on disk")
	}
	res := admin.get(avatarPath(bob.user.ID))
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("after removal: %s, want the initials SVG", ct)
	}
}

func TestBotAvatarIsSetByAdministratorsOnItsEditPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	bot := admin.createBot(t, "Deploy Bot", "")
	path := fmt.Sprintf("/account/bots/%d", bot.ID)
	fields := map[string]string{"user[name]": "Deploy Bot", "user[webhook_url]": ""}

	res := bob.upload(http.MethodPut, path, fields, "user[avatar]", "bot.png", testPNG(t, 64, 64))
	wantStatus(t, res, http.StatusForbidden)
	if a.avatarKey(bot.ID) != "" {
		t.Fatal("a member set a bot's avatar")
	}
	doc := document(t, admin.get(path+"/edit"))
	if doc.Find(`form[enctype="multipart/form-data"] input[type=file][name="user[avatar]"]`).Length() != 1 {
		t.Error("the bot's edit page has no avatar input in a multipart form")
	}
	wantStatus(t, admin.upload(http.MethodPut, path, fields, "user[avatar]", "bot.png", testPNG(t, 64, 64)), http.StatusSeeOther)
	key := a.avatarKey(bot.ID)
	if key == "" {
		t.Fatal("no bot avatar")
	}
	if b := decodeImage(t, bob.get(avatarPath(bot.ID))).Bounds(); b.Dx() != 64 {
		t.Errorf("bot avatar %v", b)
	}
	res = admin.upload(http.MethodPut, path, fields, "user[avatar]", "bot.txt", []byte("nope"))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if a.avatarKey(bot.ID) != key {
		t.Error("a refused upload changed the bot's avatar")
	}
	wantStatus(t, bob.postForm(path+"/avatar", map[string][]string{"_method": {"delete"}}), http.StatusForbidden)
	wantStatus(t, admin.postForm(path+"/avatar", map[string][]string{"_method": {"delete"}}), http.StatusSeeOther)
	if a.avatarKey(bot.ID) != "" {
		t.Error("bot avatar not removed")
	}
}

// The stored avatar is an image this server made, never the upload's own
// bytes: a PNG carrying extra chunks comes back re-encoded.
func TestAvatarIsReencoded(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	src := testPNG(t, 30, 30)
	wantStatus(t, bob.upload(http.MethodPut, "/users/me/profile", nil, "user[avatar]", "b.png", src), http.StatusSeeOther)
	res := bob.get(avatarPath(bob.user.ID))
	b := readBody(t, res)
	if b == string(src) {
		t.Error("the upload was stored as sent")
	}
	if _, err := png.Decode(strings.NewReader(b)); err != nil && res.Header.Get("Content-Type") == "image/png" {
		t.Error(err)
	}
}

// An avatar far over the limit is refused by its length, or, sent without
// one, as soon as the limit is passed: 413, nothing stored.
func TestAvatarOversizeIsRefusedBeforeItIsReadWhole(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	big := bytes.Repeat([]byte{0}, 3*maxImageUpload)
	copy(big, testPNG(t, 10, 10))
	ct, body := multipartForm(t, nil, "user[avatar]", "big.png", big)

	res := bob.send(http.MethodPut, "/users/me/profile", ct, body)
	wantStatus(t, res, http.StatusRequestEntityTooLarge)

	// Chunked, with no length to judge by: 64 MiB offered, and the server
	// stops reading a little past the limit (what it read, plus what the
	// sockets' buffers took, stays far below what was offered).
	openCT, small := multipartForm(t, nil, "user[avatar]", "big.png", testPNG(t, 10, 10))
	head := small[:strings.LastIndex(small, "\r\n--")] // the file part, open-ended
	sent := &countingReader{r: io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, 64<<20))}
	req, _ := http.NewRequest(http.MethodPut, a.srv.URL+"/users/me/profile", sent)
	req.ContentLength = -1
	req.Header.Set("Content-Type", openCT)
	req.Header.Set("X-Forwarded-For", bob.ip)
	res, err := bob.http.Do(req)
	if err == nil {
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		res.Body.Close()
	}
	if n := sent.n.Load(); n > 32<<20 {
		t.Errorf("the server read %d MiB of a 64 MiB avatar", n>>20)
	}
	if a.avatarKey(bob.user.ID) != "" {
		t.Error("an oversize avatar was stored")
	}
}

// A stored image lost from the storage folder (a partial restore) falls back
// to the initials, never an error.
func TestAvatarMissingFileFallsBackToInitials(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	wantStatus(t, admin.upload(http.MethodPut, "/users/me/profile", nil, "user[avatar]", "a.png", testPNG(t, 20, 20)), http.StatusSeeOther)
	key := a.avatarKey(admin.user.ID)
	if err := os.Remove(filepath.Join(filepath.Dir(a.dbPath), "files", files.RelPath(key))); err != nil {
		t.Fatal(err)
	}
	res := admin.get(avatarPath(admin.user.ID))
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("missing avatar file served as %q, want the initials", ct)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// countingReader counts what the client's transport read of a body; the
// transport may still be reading when the answer arrives, hence atomic.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
