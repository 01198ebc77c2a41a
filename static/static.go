// Package static embeds the browser assets under static/ and serves them under
// content-hashed URLs, so pages can let browsers cache them forever and a deploy
// that changes a file changes its URL.
//
// Templates link with Path("css/app.css"); the router mounts Handler() at
// "/static/*". Any file added under static/ (css/, js/, vendor/, sounds/,
// images/, ...) is picked up on the next build; hidden files (.gitkeep),
// testdata/ and Go sources are never served.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Prefix is the URL path under which Handler serves and Path links.
const Prefix = "/static/"

// hashLen hex chars (40 bits) make a collision between two versions of one
// file practically impossible while keeping URLs short.
const hashLen = 10

// The all:* pattern, rather than one per directory, keeps the build working
// when a directory doesn't exist yet or holds only a .gitkeep (only a truly
// empty directory, which git never checks out, fails the build). The price is
// that this package's own sources are embedded too; servedFS hides them.
//
//go:embed all:*
var embedded embed.FS

type asset struct {
	name        string // as embedded, e.g. "css/app.css"
	hashed      string // e.g. "css/app.3f9a1c2b7d.css"
	hash        string
	contentType string
	data        []byte
}

type index struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

// load hashes lazily so importing the package (tests, tools) costs nothing;
// every lookup after the first is two map reads.
var load = sync.OnceValue(func() *index {
	idx := &index{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := embedded.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		a := &asset{name: name, hash: hex.EncodeToString(sum[:])[:hashLen], data: data}
		a.hashed = hashedName(name, a.hash)
		a.contentType = contentType(name, data)
		idx.byName[name] = a
		idx.byHashed[a.hashed] = a
		return nil
	})
	if err != nil {
		// Reading an embed.FS can't fail at run time; this would be a broken build.
		panic("static: indexing embedded files: " + err.Error())
	}
	return idx
})

// Path returns the URL of an embedded file with its content hash in the name,
// e.g. Path("css/app.css") == "/static/css/app.3f9a1c2b7d.css". An unknown
// name yields the plain "/static/<name>" so a typo shows up as a 404 in the
// browser instead of crashing the page render.
func Path(name string) string {
	name = strings.TrimPrefix(name, "/")
	if a, ok := load().byName[name]; ok {
		return Prefix + a.hashed
	}
	return Prefix + name
}

// FS returns the served files, rooted at static/ (e.g. "js/app.js"), for code
// that needs the raw bytes, such as the service worker's precache list.
func FS() fs.FS { return servedFS{} }

// ReadFile returns a copy of an embedded file's contents, by the same names
// Path accepts.
func ReadFile(name string) ([]byte, error) {
	return fs.ReadFile(FS(), strings.TrimPrefix(name, "/"))
}

// hashedName inserts the hash before the extension ("app.css" →
// "app.<hash>.css") so the served name keeps the extension tools key on.
func hashedName(name, hash string) string {
	dir, base := path.Split(name)
	ext := path.Ext(base)
	if ext == "" || ext == base {
		return name + "." + hash
	}
	return dir + strings.TrimSuffix(base, ext) + "." + hash + ext
}

// unhash is the inverse of hashedName for any hash, so a URL from an older
// deploy can still be resolved to the file's current version.
func unhash(name string) (string, bool) {
	dir, base := path.Split(name)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if i := strings.LastIndexByte(stem, '.'); i > 0 && isHash(stem[i+1:]) {
		return dir + stem[:i] + ext, true
	}
	if ext != "" && isHash(ext[1:]) && stem != "" {
		return dir + stem, true
	}
	return "", false
}

func isHash(s string) bool {
	if len(s) != hashLen {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// servedFS is the embedded tree minus what must not be public: hidden files,
// testdata and this package's Go sources. Handler only ever serves from it.
type servedFS struct{}

func (servedFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if hidden(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f, err := embedded.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.IsDir() {
		if strings.HasSuffix(name, ".go") {
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return f, nil
	}
	return &servedDir{ReadDirFile: f.(fs.ReadDirFile), dir: name}, nil
}

func hidden(name string) bool {
	for elem := range strings.SplitSeq(name, "/") {
		if elem == "testdata" || elem != "." && strings.HasPrefix(elem, ".") {
			return true
		}
	}
	return false
}

// servedDir filters a directory listing the same way servedFS.Open filters
// names, so fs.WalkDir(FS(), ...) sees exactly what Handler serves.
type servedDir struct {
	fs.ReadDirFile
	dir     string
	entries []fs.DirEntry // nil until the first ReadDir
	read    bool
}

func (d *servedDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.read {
		all, err := d.ReadDirFile.ReadDir(-1)
		if err != nil {
			return nil, err
		}
		for _, e := range all {
			name := path.Join(d.dir, e.Name())
			if hidden(name) || !e.IsDir() && strings.HasSuffix(name, ".go") {
				continue
			}
			d.entries = append(d.entries, e)
		}
		d.read = true
	}
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n:n]
	d.entries = d.entries[n:]
	return out, nil
}

const immutable = "public, max-age=31536000, immutable"

// Handler serves the files of FS() under Prefix. It routes on the full request
// path, so mount it as r.Handle("/static/*", static.Handler()), not behind
// http.StripPrefix.
//
// A hashed URL is cached for a year, since its content can never change. A
// plain URL, or one carrying another deploy's hash (an open tab asking for a
// sound or image after an upgrade), gets the current file with "no-cache":
// still revalidated cheaply through the ETag, never pinned to the wrong bytes.
// Lookups are exact map hits on names known at build time, so no request path
// ever reaches a file system and traversal has nothing to walk.
func Handler() http.Handler { return http.HandlerFunc(serve) }

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	a, cache := lookup(r.URL.Path)
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", cache)
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", `"`+a.hash+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	// ServeContent does the conditional requests (If-None-Match → 304), HEAD and
	// Range, which Safari insists on before it plays audio.
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.data))
}

func lookup(urlPath string) (*asset, string) {
	name, ok := strings.CutPrefix(urlPath, Prefix)
	if !ok {
		return nil, ""
	}
	idx := load()
	if a := idx.byHashed[name]; a != nil {
		return a, immutable
	}
	if a := idx.byName[name]; a != nil {
		return a, "no-cache"
	}
	if orig, ok := unhash(name); ok {
		if a := idx.byName[orig]; a != nil {
			return a, "no-cache"
		}
	}
	return nil, ""
}

// contentTypes is explicit rather than mime.TypeByExtension because that one
// also reads the host's /etc/mime.types, which differs between machines and
// lacks .mp3 and .webmanifest on some.
var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".html":        "text/html; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".mp3":         "audio/mpeg",
	".ogg":         "audio/ogg",
	".oga":         "audio/ogg",
	".wav":         "audio/wav",
	".m4a":         "audio/mp4",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".wasm":        "application/wasm",
}

func contentType(name string, data []byte) string {
	if ct, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return ct
	}
	// Extension-less files such as vendor/SHA256SUMS. Sniffing our own bytes is
	// deterministic, and nosniff keeps the browser from guessing differently.
	return http.DetectContentType(data)
}
