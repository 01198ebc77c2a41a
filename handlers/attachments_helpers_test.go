package handlers

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/files"
)

// multipartForm builds a multipart body of fields and, when filename is set,
// one file in fileField.
func multipartForm(t testing.TB, fields map[string]string, fileField, filename string, content []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	return mw.FormDataContentType(), b.String()
}

// attach posts a message with a file as the composer's plain form does.
func (c *client) attach(roomID int64, body, cmid, filename string, content []byte, headers ...string) *http.Response {
	c.app.t.Helper()
	ct, form := multipartForm(c.app.t, map[string]string{"message[body]": body, "message[client_message_id]": cmid},
		"message[attachment]", filename, content)
	return c.send(http.MethodPost, fmt.Sprintf("/rooms/%d/messages", roomID), ct, form, headers...)
}

func testImage(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	return img
}

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a small valid PNG whose header claims 60,000 × 60,000 pixels.
func pngBomb(t testing.TB) []byte {
	b := pngBytes(t, 1, 1)
	binary.BigEndian.PutUint32(b[16:], 60000)
	binary.BigEndian.PutUint32(b[20:], 60000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// blobFiles lists the keys of the files in the app's storage folder.
func (a *testApp) blobFiles(t testing.TB) []string {
	t.Helper()
	var keys []string
	err := filepath.WalkDir(a.files.Dir(), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && files.ValidKey(d.Name()) {
			keys = append(keys, d.Name())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func (a *testApp) hasFile(key string) bool {
	_, err := os.Stat(filepath.Join(a.files.Dir(), files.RelPath(key)))
	return err == nil
}

func hasPrefixAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
