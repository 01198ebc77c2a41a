//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
	"github.com/chromedp/chromedp"
)

// writePNG writes a w × h picture, half orange and half teal, to a file for
// a file input.
func writePNG(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{230, 120, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 150, 140, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "avatar.png")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// imageShown is a JavaScript condition: an image matching sel has loaded
// from an address containing want, and is not broken.
func imageShown(sel, want string) string {
	return fmt.Sprintf(`(() => {
		const img = document.querySelector(%s);
		return !!img && img.getAttribute("src").includes(%s) && img.complete && img.naturalWidth > 0;
	})()`, jsString(sel), jsString(want))
}

// Journey: Bo uploads an avatar on his profile; Ada sees it beside their
// direct room in her sidebar and on Bo's messages, the one he posts next
// arriving live.
func TestJourneyAvatarUpload(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	if _, err := a.Store().CreateRoom(context.Background(), model.RoomDirect, "", ada.user.ID, []int64{bo.user.ID}); err != nil {
		t.Fatal(err)
	}

	bo.visit("/users/me/profile")
	bo.do(chromedp.SetUploadFiles(chromedp.ID("user_avatar"), []string{writePNG(t, 300, 200)}))
	if status := bo.submit(`form[action^="/users/me/profile"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("saving the profile answered %d", status)
	}
	u, err := a.Store().User(context.Background(), bo.user.ID)
	if err != nil || u.AvatarKey == "" {
		t.Fatalf("no avatar stored: %+v %v", u, err)
	}
	version := "?v=" + u.AvatarKey[:16]
	bo.waitUntil("the new avatar on the profile", imageShown(".panel .avatar--large", version))
	bo.wantAccessible("profile with an avatar")

	ada.openRoom(room)
	ada.waitUntil("Bo's avatar beside the direct room", imageShown("#sidebar .room-link--direct .room-link__avatar", version))
	bo.openRoom(room)
	bo.typeMessage("New face, same Bo\n")
	ada.waitForMessage("New face, same Bo")
	ada.waitUntil("Bo's avatar on his message", imageShown(
		fmt.Sprintf(`.message[data-user-id="%d"] .message__avatar`, bo.user.ID), version))
	// Its pixels are Bo's picture, not initials: the centre square's left is orange.
	if px := eval[[]int](ada, fmt.Sprintf(`(() => {
		const img = document.querySelector('.message[data-user-id="%d"] .message__avatar');
		const c = document.createElement("canvas"); c.width = img.naturalWidth; c.height = img.naturalHeight;
		const g = c.getContext("2d"); g.drawImage(img, 0, 0);
		return Array.from(g.getImageData(5, c.height / 2, 1, 1).data.slice(0, 3));
	})()`, bo.user.ID)); len(px) != 3 || px[0] < 180 || px[2] > 80 {
		t.Errorf("avatar pixel %v, want orange", px)
	}
}

// Journey: a link posted in a room gets its preview card a moment later,
// in the poster's tab and the other person's, without a reload; the card's
// image comes from our own server.
func TestJourneyLinkPreview(t *testing.T) {
	card := writePNG(t, 600, 300)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/trail":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>x</title><meta property="og:title" content="The ridge trail">`+
				`<meta property="og:description" content="Nine miles, one good view"><meta property="og:image" content="/card.png"></head></html>`)
		case "/card.png":
			w.Header().Set("Content-Type", "image/png")
			http.ServeFile(w, r, card)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()

	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)
	bo.markPage()

	ada.typeMessage("Saturday? " + site.URL + "/trail\n")
	for _, p := range []*person{ada, bo} {
		p.waitUntil("the link preview", `(() => {
			const t = document.querySelector(".message .message__preview .link-preview__title");
			return !!t && t.textContent.trim() === "The ridge trail";
		})()`)
		p.waitUntil("the preview's image, from our origin", imageShown(".message__preview img.link-preview__image", "/preview_image?v="))
	}
	bo.wantSamePage()
	bo.wantAccessible("room with a link preview")
	if src := eval[string](bo, `document.querySelector(".message__preview img").src`); src[:len(a.URL)] != a.URL {
		t.Errorf("preview image %s is not on our origin", src)
	}
	// Only the poster is offered to remove it; doing so takes it away live.
	if eval[bool](bo, `getComputedStyle(document.querySelector(".message__preview .link-preview__remove")).display !== "none"`) {
		t.Error("Bo is offered to remove Ada's preview")
	}
	ada.do(chromedp.Click(chromedp.CSS(".message__preview .link-preview__remove button"), chromedp.NodeVisible))
	bo.waitUntil("the preview to go", `!document.querySelector(".message__preview")`)
	bo.waitForMessage("Saturday? " + site.URL + "/trail")
}
