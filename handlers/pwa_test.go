package handlers

import (
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestManifestAndServiceWorkerMakeTheAppInstallable(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	anon := a.anonymous()

	res := anon.get("/webmanifest.json")
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/manifest+json" {
		t.Errorf("manifest Content-Type %q", ct)
	}
	var m struct {
		Name, ShortName, StartURL, Display, Scope, ThemeColor, BackgroundColor string
		Icons                                                                  []struct{ Src, Sizes, Type, Purpose string }
	}
	m2 := decodeAny(t, res, &m)
	for _, k := range []string{"name", "start_url", "display", "icons", "theme_color", "background_color"} {
		if _, ok := m2[k]; !ok {
			t.Errorf("manifest lacks %s", k)
		}
	}
	if m2["name"] != "Campfire" || m2["start_url"] != "/" || m2["display"] != "standalone" || m2["scope"] != "/" {
		t.Errorf("manifest %v", m2)
	}
	sizes := map[string]bool{}
	maskable := false
	for _, icon := range m.Icons {
		res := anon.get(icon.Src)
		wantStatus(t, res, http.StatusOK)
		if icon.Type == "image/png" {
			img, err := png.Decode(res.Body)
			if err != nil {
				t.Fatalf("%s: %v", icon.Src, err)
			}
			b := img.Bounds()
			if got := strconv.Itoa(b.Dx()) + "x" + strconv.Itoa(b.Dy()); got != icon.Sizes {
				t.Errorf("%s is %s, manifest says %s", icon.Src, got, icon.Sizes)
			}
			sizes[icon.Sizes] = true
			maskable = maskable || icon.Purpose == "maskable"
		}
	}
	if !sizes["192x192"] || !sizes["512x512"] || !maskable {
		t.Errorf("installability needs 192 and 512 PNG icons and a maskable one: %v %v", sizes, maskable)
	}

	res = anon.get("/service-worker.js")
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("Service-Worker-Allowed") != "/" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("service worker headers %v", res.Header)
	}
	js, _ := io.ReadAll(res.Body)
	for _, want := range []string{`addEventListener("push"`, "showNotification", `addEventListener("notificationclick"`, "openWindow"} {
		if !strings.Contains(string(js), want) {
			t.Errorf("service worker lacks %s", want)
		}
	}

	// Every page links the manifest.
	res = anon.get("/session/new")
	if document(t, res).Find(`link[rel="manifest"][href="/webmanifest.json"]`).Length() != 1 {
		t.Error("pages do not link the manifest")
	}
}

// decodeAny reads a JSON body into v and also returns it as a map.
func decodeAny(t testing.TB, res *http.Response, v any) map[string]any {
	t.Helper()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
	return m
}
