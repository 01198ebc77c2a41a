package linkpreview

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/netguard"
)

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pageServer is a local web site with the pages the tests fetch.
func pageServer(t *testing.T) *httptest.Server {
	t.Helper()
	card := pngBytes(t, 40, 20)
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<html><head><meta property="og:title" content="An article"><meta property="og:description" content="About things"><meta property="og:image" content="/card.png"></head></html>`))
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.Write([]byte("<title>Caf\xe9</title>"))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/article", http.StatusFound)
	})
	mux.HandleFunc("/card.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(card)
	})
	mux.HandleFunc("/fake.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("<html><title>not an image</title></html>"))
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"title":"x"}`))
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("<title>Not found</title>"))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<title>Huge</title>"))
		// No Content-Length: the limit holds on what is read.
		pad := bytes.Repeat([]byte("<p>padding</p>\n"), 1024)
		for range 200 {
			if _, err := w.Write(pad); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchPage(t *testing.T) {
	srv := pageServer(t)
	f := NewFetcher(true)
	ctx := context.Background()

	p, err := f.Page(ctx, srv.URL+"/moved")
	if err != nil {
		t.Fatal(err)
	}
	want := Page{Title: "An article", Description: "About things", ImageURL: srv.URL + "/card.png"}
	if p != want {
		t.Errorf("Page = %+v, want %+v (the image resolved against the page after the redirect)", p, want)
	}
	if p, err := f.Page(ctx, srv.URL+"/latin1"); err != nil || p.Title != "Café" {
		t.Errorf("latin-1 page: %+v, %v; want the title decoded by the page's charset", p, err)
	}
	for path, wantErr := range map[string]error{
		"/json":     ErrType,
		"/missing":  ErrStatus,
		"/huge":     ErrTooLarge,
		"/card.png": ErrType,
	} {
		if _, err := f.Page(ctx, srv.URL+path); !errors.Is(err, wantErr) {
			t.Errorf("Page(%s) error %v, want %v", path, err, wantErr)
		}
	}
}

func TestFetchImage(t *testing.T) {
	srv := pageServer(t)
	f := NewFetcher(true)
	b, err := f.Image(context.Background(), srv.URL+"/card.png")
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("Image = %d bytes, %v", len(b), err)
	}
	for _, path := range []string{"/fake.png", "/article"} {
		if _, err := f.Image(context.Background(), srv.URL+path); !errors.Is(err, ErrType) {
			t.Errorf("Image(%s) error %v, want ErrType", path, err)
		}
	}
}

func TestFetchRefusesLocalAddresses(t *testing.T) {
	srv := pageServer(t)
	f := NewFetcher(false)
	for _, u := range []string{srv.URL + "/article", "http://localhost:1/", "http://[::1]:1/", "http://10.0.0.1:1/", "file:///etc/passwd", "gopher://example.com/"} {
		if _, err := f.Page(context.Background(), u); !errors.Is(err, netguard.ErrForbidden) {
			t.Errorf("Page(%s) error %v, want a netguard refusal", u, err)
		}
	}
}

// A redirect is checked like the first address: a public page cannot send
// the fetch to a private one.
func TestFetchRechecksRedirects(t *testing.T) {
	target := pageServer(t)
	// Only 127.0.0.1 is allowed; the redirect goes to 127.0.0.2 (loopback too).
	port := target.URL[strings.LastIndex(target.URL, ":"):]
	jump := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.2"+port+"/article", http.StatusFound)
	}))
	defer jump.Close()
	g := netguard.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	f := newFetcher(g, FetchTimeout)
	if _, err := f.Page(context.Background(), jump.URL); !errors.Is(err, netguard.ErrForbidden) {
		t.Errorf("redirect to 127.0.0.2: error %v, want a netguard refusal", err)
	}
	if _, err := f.Page(context.Background(), target.URL+"/moved"); err != nil {
		t.Errorf("redirect within 127.0.0.1: %v", err)
	}
}

// A site that never answers costs the fetch its timeout, no more.
func TestFetchGivesUpOnSlowSites(t *testing.T) {
	srv := pageServer(t)
	f := newFetcher(netguard.Local, 100*time.Millisecond)
	if _, err := f.Page(context.Background(), srv.URL+"/slow"); err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("slow site: error %v, want a timeout", err)
	}
}
