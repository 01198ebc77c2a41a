package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/campfire-go/campfire/internal/files"
)

// uploadAfter is how many acknowledged uploads the server takes before it
// is killed.
const uploadAfter = 40

// upload posts a message with a file, as the composer's plain form does.
func (b *browser) upload(roomPath, cmid, filename string, content []byte) (*http.Response, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("message[client_message_id]", cmid)
	fw, _ := mw.CreateFormFile("message[attachment]", filename)
	fw.Write(content)
	mw.Close()
	res, err := b.request(http.MethodPost, roomPath+"/messages", mw.FormDataContentType(), body.String())
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	return res, nil
}

// uploadContent is a file of its own: random bytes, or every fifth a
// picture (which is decoded and previewed before the commit).
func uploadContent(t *testing.T, n int) (string, []byte) {
	if n%5 == 4 {
		img := image.NewNRGBA(image.Rect(0, 0, 1400, 300))
		rand.Read(img.Pix)
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Error(err)
		}
		return "picture.png", b.Bytes()
	}
	b := make([]byte, 64<<10+n*997)
	rand.Read(b)
	return "data.bin", b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestSIGKILLWhileUploadingLosesNoAcknowledgedFile kills the server while
// four people upload files at once, and checks the folder and the database
// as the crash left them and after a restart: every upload answered 303 is
// one message whose file is on disk with its content; no row points at a
// missing file; after the restart no file is left that no row records, and
// no half-written upload; uploads cut off are resent and stored once.
func TestSIGKILLWhileUploadingLosesNoAcknowledgedFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "campfire.db")
	storage := filepath.Join(dir, "files")
	srv := startServer(t, dbPath, "CAMPFIRE_POST_LIMIT=100000/1s")
	admin, room := srv.firstRun()
	const uploaders = 4
	addMembers(t, dbPath, uploaders-1)
	clients := []*browser{admin}
	for i := 1; i < uploaders; i++ {
		clients = append(clients, srv.signInAs(fmt.Sprintf("198.51.100.%d", i+1), memberEmail(i)))
	}

	var (
		acked   sync.Map // cmid → sha256 of the content
		nAcked  atomic.Int64
		mu      sync.Mutex
		unknown = map[string][]byte{}
		once    sync.Once
		wg      sync.WaitGroup
	)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				cmid := fmt.Sprintf("u%d-%03d", i, n)
				name, content := uploadContent(t, n)
				res, err := c.upload(room, cmid, name, content)
				if err != nil {
					mu.Lock()
					unknown[cmid] = content
					mu.Unlock()
					return
				}
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("%s: status %d", cmid, res.StatusCode)
					return
				}
				acked.Store(cmid, sha(content))
				if nAcked.Add(1) >= uploadAfter {
					once.Do(srv.kill)
				}
			}
		}()
	}
	wg.Wait()
	if nAcked.Load() < uploadAfter {
		t.Fatalf("uploads stopped before the kill (acknowledged %d)", nAcked.Load())
	}
	t.Logf("acknowledged %d uploads before SIGKILL; %d were in flight", nAcked.Load(), len(unknown))

	check := func(when string, wantNoOrphans bool) {
		t.Helper()
		d := openDB(t, dbPath)
		rows, err := d.Query(`SELECT m.client_message_id, a.blob_key, coalesce(a.preview_key, '')
			FROM messages m JOIN attachments a ON a.message_id = m.id`)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string]string{}
		for rows.Next() {
			var cmid, key, preview string
			if err := rows.Scan(&cmid, &key, &preview); err != nil {
				t.Fatal(err)
			}
			if _, dup := stored[cmid]; dup {
				t.Errorf("%s: %s is stored twice", when, cmid)
			}
			stored[cmid] = key
			// No row points at a missing file, nor at one cut short.
			for _, k := range []string{key, preview} {
				if k == "" {
					continue
				}
				b, err := os.ReadFile(filepath.Join(storage, files.RelPath(k)))
				if err != nil || sha(b) != k {
					t.Errorf("%s: %s's file %s: %v (content hash %s)", when, cmid, k, err, sha(b))
				}
			}
		}
		rows.Close()
		acked.Range(func(k, v any) bool {
			if stored[k.(string)] != v.(string) {
				t.Errorf("%s: acknowledged %s stored with file %q, want %s", when, k, stored[k.(string)], v)
			}
			return true
		})
		if !wantNoOrphans {
			return
		}
		known := map[string]bool{}
		brows, err := d.Query(`SELECT key FROM blobs`)
		if err != nil {
			t.Fatal(err)
		}
		for brows.Next() {
			var k string
			brows.Scan(&k)
			known[k] = true
		}
		brows.Close()
		filepath.WalkDir(storage, func(path string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && !known[e.Name()] {
				t.Errorf("%s: %s is on disk with no row", when, path)
			}
			return err
		})
	}
	check("after the crash", false)

	srv2 := startServer(t, dbPath, "CAMPFIRE_POST_LIMIT=100000/1s")
	check("after the restart", true)
	for _, c := range clients {
		c.retarget(srv2)
	}
	for cmid, content := range unknown {
		res, err := clients[0].upload(room, cmid, "resent.bin", content)
		if err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("resend %s: %v %v", cmid, res, err)
		}
	}
	d := openDB(t, dbPath)
	for cmid := range unknown {
		var n int
		d.QueryRow(`SELECT count(*) FROM messages WHERE client_message_id = ?`, cmid).Scan(&n)
		if n != 1 {
			t.Errorf("resent %s is stored %d times", cmid, n)
		}
	}
	srv2.stop()
}
