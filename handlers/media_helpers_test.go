package handlers

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/campfire-go/campfire/internal/files"
)

// testPNG is a w × h PNG: the left half red, the right half blue, so a
// centre crop can be told from a squash.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{200, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a PNG header claiming width × height pixels with no data: a
// decompression bomb's calling card.
func bombPNG(t testing.TB, width, height int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	// IHDR starts at byte 16: width, height, big-endian. The CRC no longer
	// matches, which DecodeConfig does not check; the size is refused first.
	put := func(at int, v int) {
		out[at], out[at+1], out[at+2], out[at+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, width)
	put(20, height)
	return out
}

// upload sends a multipart form with one file.
func (c *client) upload(method, path string, fields map[string]string, fileField, filename string, content []byte, headers ...string) *http.Response {
	c.app.t.Helper()
	ct, body := multipartForm(c.app.t, fields, fileField, filename, content)
	return c.send(method, path, ct, body, headers...)
}

// decodeImage reads an image answer and checks its size.
func decodeImage(t testing.TB, res *http.Response) image.Image {
	t.Helper()
	wantStatus(t, res, http.StatusOK)
	b, _ := io.ReadAll(res.Body)
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not an image (%s): %v", res.Request.URL, res.Header.Get("Content-Type"), err)
	}
	return img
}

// blobOnDisk reports whether the file storage holds key.
func (a *testApp) blobOnDisk(key string) bool {
	_, err := os.Stat(filepath.Join(filepath.Dir(a.dbPath), "files", files.RelPath(key)))
	return err == nil
}

func (a *testApp) avatarKey(userID int64) string {
	a.t.Helper()
	k, err := a.store.AvatarKey(context.Background(), userID)
	if err != nil {
		a.t.Fatal(err)
	}
	return k
}

func avatarPath(userID int64) string { return fmt.Sprintf("/users/%d/avatar", userID) }

func readBody(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
