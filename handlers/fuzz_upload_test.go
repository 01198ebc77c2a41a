package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/campfire-go/campfire/internal/live"
)

// FuzzUploadMessage sends arbitrary multipart bodies to the message form:
// the answer is a redirect (a message stored, with its file when one came),
// or a clear refusal that stores nothing and leaves no file behind; never a
// 5xx.
func FuzzUploadMessage(f *testing.F) {
	a := newTestAppAt(f, f.TempDir()+"/campfire.db", func(c *Config, _ *live.Options) { c.MaxUpload = 4 << 10 })
	a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()
	part := func(name, filename, content string) string {
		cd := `form-data; name="` + name + `"`
		if filename != "" {
			cd += `; filename="` + filename + `"`
		}
		return "--zz\r\nContent-Disposition: " + cd + "\r\n\r\n" + content + "\r\n"
	}
	f.Add(part("message[body]", "", "hello")+part("message[attachment]", "a.txt", "some text")+"--zz--\r\n", "zz")
	f.Add(part("message[attachment]", "../../x.png", "\x89PNG\r\n\x1a\nbroken")+"--zz--\r\n", "zz")
	f.Add(part("message[attachment]", "", "")+part("message[body]", "", " ")+"--zz--\r\n", "zz")
	f.Add(part("message[attachment]", "a", "1")+part("message[attachment]", "b", "2")+"--zz--\r\n", "zz")
	f.Add(part("message[attachment]", "big", strings.Repeat("x", 5000))+"--zz--\r\n", "zz")
	f.Add("--zz\r\nContent-Disposition: form-data; name=\"message[attachment]\"; filename*=UTF-8''%00%2F\r\n\r\nx\r\n--zz--\r\n", "zz")
	f.Add("--zz\r\ngarbage", "zz")
	f.Add("", "")

	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, body, boundary string) {
		if strings.ContainsFunc(boundary, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Skip("no client sends such a header")
		}
		mu.Lock()
		defer mu.Unlock()
		before, beforeFiles := a.countMessages(t), len(a.blobFiles(t))
		status, res := bob.try(t, http.MethodPost, fmt.Sprintf("/rooms/%d/messages", room),
			"multipart/form-data; boundary="+boundary, body)
		if status >= 500 {
			t.Fatalf("status %d for %q:\n%s", status, body, res)
		}
		after := a.countMessages(t)
		switch status {
		case http.StatusSeeOther:
			if after > before+1 {
				t.Fatalf("%d messages stored by one post", after-before)
			}
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			if after != before {
				t.Fatalf("a refused upload (%d) stored %d messages", status, after-before)
			}
			if n := len(a.blobFiles(t)); n != beforeFiles {
				t.Fatalf("a refused upload (%d) left %d files", status, n-beforeFiles)
			}
		default:
			t.Fatalf("unexpected status %d for %q", status, body)
		}
	})
}
