package handlers

import (
	"bytes"
	"encoding/json"
	"image"
	"net/http"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/static"
	"github.com/campfire-go/campfire/views"
)

// Every page asks for /favicon.ico; before there was a logo it got 404.
func TestFaviconIsOurIconUntilThereIsALogo(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	anon := a.anonymous()
	res := anon.get("/favicon.ico")
	if ct := res.Header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("favicon type %q", ct)
	}
	if b := decodeImage(t, res).Bounds(); b.Dx() != 32 || b.Dy() != 32 {
		t.Errorf("favicon %v, want 32×32", b)
	}
	for size, want := range map[string]int{"": 512, "512": 512, "192": 192, "32": 32} {
		path := "/account/logo"
		if size != "" {
			path += "?size=" + size
		}
		if b := decodeImage(t, anon.get(path)).Bounds(); b.Dx() != want {
			t.Errorf("%s: %v, want %d wide", path, b, want)
		}
	}
	for _, bad := range []string{"64", "abc", "-1", "99999999999999999999"} {
		wantStatus(t, anon.get("/account/logo?size="+bad), http.StatusNotFound)
	}
}

func TestLogoUploadMakesHeaderManifestAndFavicon(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	anon := a.anonymous()
	fields := map[string]string{"account[name]": "Acme"}

	wantStatus(t, bob.upload(http.MethodPut, "/account", fields, "account[logo]", "logo.png", testPNG(t, 900, 600)), http.StatusForbidden)
	doc := document(t, admin.get("/account/edit"))
	if doc.Find(`form[enctype="multipart/form-data"] input[type=file][name="account[logo]"]`).Length() != 1 {
		t.Fatal("the account page has no logo input in a multipart form")
	}
	wantStatus(t, admin.upload(http.MethodPut, "/account", fields, "account[logo]", "logo.png", testPNG(t, 900, 600)), http.StatusSeeOther)
	logo, err := a.store.AccountLogo(t.Context())
	if err != nil || len(logo.Keys()) != 3 {
		t.Fatalf("logo %+v, %v", logo, err)
	}
	for size, key := range map[int]string{512: logo.Key, 192: logo.Key192, 32: logo.Key32} {
		res := anon.get(views.LogoURL(size, logo.Key))
		if ct := res.Header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("logo %d: %s, want PNG", size, ct)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") || !strings.Contains(cc, "immutable") {
			t.Errorf("logo %d: Cache-Control %q", size, cc)
		}
		if b := decodeImage(t, res).Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("logo %d: %v", size, b)
		}
		if !a.blobOnDisk(key) {
			t.Errorf("logo %d not on disk", size)
		}
	}
	// The favicon is now the logo's 32-pixel square.
	fav := readBody(t, anon.get("/favicon.ico"))
	if own, _ := static.ReadFile("images/icon-32.png"); bytes.Equal([]byte(fav), own) {
		t.Error("the favicon is still our icon")
	}
	if img, _, err := image.Decode(strings.NewReader(fav)); err != nil || img.Bounds().Dx() != 32 {
		t.Errorf("favicon after upload: %v", err)
	}

	// Pages name it (favicon, header), and so does the manifest.
	doc = document(t, bob.get(views.RoomURL(a.allTalk())))
	if href, _ := doc.Find(`link[rel="icon"]`).Attr("href"); href != views.LogoURL(32, logo.Key) {
		t.Errorf("icon link %q", href)
	}
	if src, _ := doc.Find("#sidebar .sidebar__logo").Attr("src"); src != views.LogoURL(192, logo.Key) {
		t.Errorf("header logo %q", src)
	}
	var manifest struct {
		Name  string `json:"name"`
		Icons []struct{ Src, Sizes string }
	}
	if err := json.NewDecoder(anon.get("/webmanifest.json").Body).Decode(&manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Name != "Acme" || len(manifest.Icons) != 2 || manifest.Icons[0].Src != views.LogoURL(192, logo.Key) ||
		manifest.Icons[1].Src != views.LogoURL(512, logo.Key) {
		t.Errorf("manifest %+v", manifest)
	}

	// Bad files are refused and change nothing, the name included.
	for name, content := range map[string][]byte{"empty.png": nil, "a.txt": []byte("text"), "bomb.png": bombPNG(t, 60000, 60000)} {
		res := admin.upload(http.MethodPut, "/account", map[string]string{"account[name]": "Changed"}, "account[logo]", name, content)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if now, _ := a.store.AccountLogo(t.Context()); now != logo {
			t.Errorf("%s changed the logo", name)
		}
		if acc, _ := a.store.Account(t.Context()); acc.Name != "Acme" {
			t.Errorf("%s changed the name to %q", name, acc.Name)
		}
	}

	// Removing it goes back to our icon and frees the files.
	wantStatus(t, bob.postForm("/account/logo", map[string][]string{"_method": {"delete"}}), http.StatusForbidden)
	wantStatus(t, admin.postForm("/account/logo", map[string][]string{"_method": {"delete"}}), http.StatusSeeOther)
	if now, _ := a.store.AccountLogo(t.Context()); len(now.Keys()) != 0 {
		t.Errorf("logo %+v after removal", now)
	}
	for _, k := range logo.Keys() {
		if a.blobOnDisk(k) {
			t.Errorf("logo file %s still on disk", k)
		}
	}
	own, _ := static.ReadFile("images/icon-32.png")
	if fav := readBody(t, anon.get("/favicon.ico")); fav != string(own) {
		t.Error("the favicon is not our icon again")
	}
}
