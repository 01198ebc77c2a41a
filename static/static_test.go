package static

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/go-chi/chi/v5"
)

// The vendored files are the only assets this package can rely on existing;
// everything else under static/ is added by other parts of the project.
const (
	htmxName = "vendor/htmx-2.0.11.min.js"
	sseName  = "vendor/htmx-ext-sse-2.2.4.min.js"
	trixJS   = "vendor/trix-2.1.19.umd.min.js"
	trixCSS  = "vendor/trix-2.1.19.css"
	sumsName = "vendor/SHA256SUMS"
)

func diskBytes(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestPathHashesContent(t *testing.T) {
	sum := sha256.Sum256(diskBytes(t, htmxName))
	want := "/static/vendor/htmx-2.0.11.min." + hex.EncodeToString(sum[:])[:hashLen] + ".js"
	if got := Path(htmxName); got != want {
		t.Fatalf("Path(%q) = %q, want %q", htmxName, got, want)
	}
	if got := Path("/" + htmxName); got != want {
		t.Errorf("leading slash: Path = %q, want %q", got, want)
	}
}

func TestPathUnknownIsPlain(t *testing.T) {
	for _, name := range []string{"css/does-not-exist.css", "static.go", "static_test.go"} {
		if got, want := Path(name), "/static/"+name; got != want {
			t.Errorf("Path(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestHashedURLIsImmutable(t *testing.T) {
	for _, name := range []string{htmxName, sseName, trixJS, trixCSS} {
		rec := get(t, Handler(), http.MethodGet, Path(name), nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", name, rec.Code)
		}
		if !bytes.Equal(rec.Body.Bytes(), diskBytes(t, name)) {
			t.Errorf("%s: body differs from the file", name)
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control = %q", name, got)
		}
		if got, want := rec.Header().Get("Content-Length"), fmt.Sprint(len(diskBytes(t, name))); got != want {
			t.Errorf("%s: Content-Length = %q, want %q", name, got, want)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: missing nosniff", name)
		}
	}
}

func TestContentTypes(t *testing.T) {
	served := map[string]string{
		htmxName: "text/javascript; charset=utf-8",
		trixCSS:  "text/css; charset=utf-8",
		sumsName: "text/plain; charset=utf-8",
	}
	for name, want := range served {
		if got := get(t, Handler(), http.MethodGet, Path(name), nil).Header().Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type = %q, want %q", name, got, want)
		}
	}
	byExt := map[string]string{
		"sounds/ding.mp3":               "audio/mpeg",
		"images/logo.svg":               "image/svg+xml",
		"images/icon.PNG":               "image/png",
		"images/manifest.webmanifest":   "application/manifest+json",
		"js/app.mjs":                    "text/javascript; charset=utf-8",
		"images/favicon.ico":            "image/x-icon",
		"sounds/ding.ogg":               "audio/ogg",
		"vendor/composer.js.map":        "application/json",
		"vendor/no-extension-but-bytes": "application/octet-stream",
	}
	for name, want := range byExt {
		if got := contentType(name, []byte{0, 1, 2, 3}); got != want {
			t.Errorf("contentType(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestConditionalGet(t *testing.T) {
	url := Path(htmxName)
	first := get(t, Handler(), http.MethodGet, url, nil)
	etag := first.Header().Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{10}"$`).MatchString(etag) || !strings.Contains(url, strings.Trim(etag, `"`)) {
		t.Fatalf("ETag %q is not the hash in %q", etag, url)
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag} {
		rec := get(t, Handler(), http.MethodGet, url, map[string]string{"If-None-Match": inm})
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: status %d, %d body bytes; want 304 and none", inm, rec.Code, rec.Body.Len())
		}
	}
	if rec := get(t, Handler(), http.MethodGet, url, map[string]string{"If-None-Match": `"0000000000"`}); rec.Code != http.StatusOK {
		t.Errorf("stale If-None-Match: status %d, want 200", rec.Code)
	}
}

func TestHead(t *testing.T) {
	rec := get(t, Handler(), http.MethodHead, Path(trixCSS), nil)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("HEAD: status %d with %d body bytes", rec.Code, rec.Body.Len())
	}
	if got, want := rec.Header().Get("Content-Length"), fmt.Sprint(len(diskBytes(t, trixCSS))); got != want {
		t.Errorf("HEAD Content-Length = %q, want %q", got, want)
	}
}

func TestRange(t *testing.T) {
	// Safari won't play <audio> from a server that ignores Range.
	rec := get(t, Handler(), http.MethodGet, Path(htmxName), map[string]string{"Range": "bytes=0-9"})
	if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), diskBytes(t, htmxName)[:10]) {
		t.Errorf("Range: status %d, body %q", rec.Code, rec.Body.String())
	}
}

func TestUnhashedAndStaleURLsGetCurrentBytesUncached(t *testing.T) {
	stale := hashedName(htmxName, "0123456789")
	for _, url := range []string{"/static/" + htmxName, "/static/" + stale} {
		rec := get(t, Handler(), http.MethodGet, url, nil)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), diskBytes(t, htmxName)) {
			t.Fatalf("%s: status %d or wrong body", url, rec.Code)
		}
		if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: Cache-Control = %q, want no-cache", url, got)
		}
		if rec.Header().Get("ETag") == "" {
			t.Errorf("%s: no ETag, so revalidation would refetch", url)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	rec := get(t, Handler(), http.MethodPost, Path(htmxName), nil)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

// notFound are request targets that must never yield a file: unknown names,
// directories, this package's sources, and escapes from static/ in the forms
// a client can put on the wire.
var notFound = []string{
	"/static/css/does-not-exist.css",
	"/static/vendor/htmx-9.9.9.min.js",
	"/static/",
	"/static",
	"/static/vendor",
	"/static/vendor/",
	"/static/static.go",
	"/static/static_test.go",
	"/static/" + hashedName("static.go", "0123456789"),
	"/static/vendor/htmx-2.0.11.min.js/",
	"/static//vendor/htmx-2.0.11.min.js",
	"/static/./vendor/htmx-2.0.11.min.js",
	"/static/../go.mod",
	"/static/vendor/../../go.mod",
	"/static/%2e%2e/go.mod",
	"/static/%2E%2E%2Fgo.mod",
	"/static/..%2fgo.mod",
	"/static/..%5cgo.mod",
	"/static/%2e%2e%2f%2e%2e%2fetc/passwd",
	"/static/..\\go.mod",
	"/static/vendor/%00",
	"/go.mod",
}

func TestNotFound(t *testing.T) {
	for _, target := range notFound {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path, req.URL.RawPath = target, ""
		if p, err := pathUnescape(target); err == nil {
			req.URL.Path, req.URL.RawPath = p, target
		}
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, rec.Code)
		}
	}
}

func pathUnescape(s string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, "http://x"+s, nil)
	if err != nil {
		return "", err
	}
	return req.URL.Path, nil
}

// TestChiMountOverTheWire sends raw, uncleaned request lines through a real
// server and the chi route the app uses, since clients (and attackers) are
// not obliged to normalise paths the way Go's client does.
func TestChiMountOverTheWire(t *testing.T) {
	r := chi.NewRouter()
	r.Handle("/static/*", Handler())
	srv := httptest.NewServer(r)
	defer srv.Close()

	goMod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range append(notFound, Path(htmxName)) {
		status, body := rawGet(t, srv.Listener.Addr().String(), target)
		if bytes.Contains(body, goMod[:40]) || bytes.Contains(body, []byte("package static")) {
			t.Fatalf("%s: served a file outside the assets", target)
		}
		if target == Path(htmxName) {
			if status != http.StatusOK || !bytes.Equal(body, diskBytes(t, htmxName)) {
				t.Errorf("%s via chi: status %d", target, status)
			}
			continue
		}
		// 400 is the server refusing a malformed request line before routing.
		if status != http.StatusNotFound && status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 404 or 400", target, status)
		}
	}
}

func rawGet(t *testing.T, addr, target string) (int, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestFS(t *testing.T) {
	if err := fstest.TestFS(FS(), htmxName, sseName, trixJS, trixCSS, sumsName); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"static.go", "static_test.go"} {
		if _, err := fs.Stat(FS(), name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("FS exposes %s: %v", name, err)
		}
	}
	got, err := ReadFile(htmxName)
	if err != nil || !bytes.Equal(got, diskBytes(t, htmxName)) {
		t.Errorf("ReadFile(%q): %v or wrong bytes", htmxName, err)
	}
	got[0] ^= 0xff // a caller scribbling on its copy must not change what is served
	if rec := get(t, Handler(), http.MethodGet, Path(htmxName), nil); !bytes.Equal(rec.Body.Bytes(), diskBytes(t, htmxName)) {
		t.Error("ReadFile returned the served buffer itself")
	}
}

func TestHidden(t *testing.T) {
	for name, want := range map[string]bool{
		".":                 false,
		"css/app.css":       false,
		"css/.gitkeep":      true,
		".DS_Store":         true,
		"images/.cache/x":   true,
		"testdata/a.css":    true,
		"js/testdata/a.js":  true,
		"vendor/_chunk.js":  false,
		"sounds/ding.mp3":   false,
		"vendor/SHA256SUMS": false,
	} {
		if got := hidden(name); got != want {
			t.Errorf("hidden(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestHashedNameRoundTrip(t *testing.T) {
	const h = "0123456789"
	for name, hashed := range map[string]string{
		"css/app.css":                "css/app.0123456789.css",
		"vendor/htmx-2.0.11.min.js":  "vendor/htmx-2.0.11.min.0123456789.js",
		"vendor/SHA256SUMS":          "vendor/SHA256SUMS.0123456789",
		"images/a.b.c.png":           "images/a.b.c.0123456789.png",
		"manifest.webmanifest":       "manifest.0123456789.webmanifest",
		"sounds/deep/dir/bell.mp3":   "sounds/deep/dir/bell.0123456789.mp3",
		"vendor/trix-2.1.19.umd.css": "vendor/trix-2.1.19.umd.0123456789.css",
	} {
		if got := hashedName(name, h); got != hashed {
			t.Errorf("hashedName(%q) = %q, want %q", name, got, hashed)
		}
		if got, ok := unhash(hashed); !ok || got != name {
			t.Errorf("unhash(%q) = %q, %v; want %q", hashed, got, ok, name)
		}
	}
	for _, name := range []string{"css/app.css", "vendor/htmx-2.0.11.min.js", "vendor/SHA256SUMS", "x.012345678.js", "x.0123456789A.js"} {
		if got, ok := unhash(name); ok {
			t.Errorf("unhash(%q) = %q, true for an unhashed name", name, got)
		}
	}
}

// TestVendorSums catches a vendored file edited by hand instead of through
// scripts/vendor.sh: what is embedded must be what the script recorded.
func TestVendorSums(t *testing.T) {
	sums, err := ReadFile(sumsName)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(sums)), "\n")
	if len(lines) < 4 {
		t.Fatalf("SHA256SUMS lists %d files", len(lines))
	}
	for _, line := range lines {
		want, file, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("bad SHA256SUMS line %q", line)
		}
		data, err := ReadFile("vendor/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != want {
			t.Errorf("vendor/%s does not match SHA256SUMS; re-run scripts/vendor.sh", file)
		}
	}
	js, _ := ReadFile(trixJS)
	if bytes.Contains(js, []byte("sourceMappingURL")) {
		t.Error("trix still points at a source map that is not shipped")
	}
}
