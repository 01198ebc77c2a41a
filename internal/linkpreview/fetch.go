package linkpreview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/campfire-go/campfire/internal/imaging"
	"github.com/campfire-go/campfire/internal/netguard"
	"golang.org/x/net/html/charset"
)

// The limits of every fetch (SPEC §12): a page or an image that takes
// longer, or is larger, gets no preview.
const (
	FetchTimeout = 5 * time.Second
	MaxBody      = 2 << 20
	maxRedirects = 5
)

// userAgent says who is asking, so a site can tell previews from people.
const userAgent = "Campfire-LinkPreview/1.0"

// Reasons a fetch gives up; each is silent to the people in the room.
var (
	ErrStatus   = errors.New("linkpreview: not 200 OK")
	ErrType     = errors.New("linkpreview: unexpected content type")
	ErrTooLarge = errors.New("linkpreview: larger than 2 MiB")
	ErrNoTitle  = errors.New("linkpreview: the page has no title")
)

// Fetcher gets pages and images from addresses people post, never from this
// host or the local networks (internal/netguard checks every connection,
// redirects included).
type Fetcher struct {
	client  *http.Client
	timeout time.Duration
}

// NewFetcher returns a Fetcher; allowLocal (CAMPFIRE_ALLOW_LOCAL_FETCH) also
// lets it reach this host and the local networks, for tests and development.
func NewFetcher(allowLocal bool) *Fetcher {
	if allowLocal {
		return newFetcher(netguard.Local, FetchTimeout)
	}
	return newFetcher(netguard.Guard{}, FetchTimeout)
}

func newFetcher(g netguard.Guard, timeout time.Duration) *Fetcher {
	return &Fetcher{client: g.Client(timeout, maxRedirects), timeout: timeout}
}

// Page fetches an HTML page and reads its preview.
func (f *Fetcher) Page(ctx context.Context, rawURL string) (Page, error) {
	body, resp, err := f.get(ctx, rawURL, "text/html,application/xhtml+xml;q=0.9", func(mediaType string) bool {
		return mediaType == "text/html"
	})
	if err != nil {
		return Page{}, err
	}
	// The page's own charset (header or <meta>) decides how its bytes read.
	r, err := charset.NewReader(bytes.NewReader(body), resp.Header.Get("Content-Type"))
	if err != nil {
		r = bytes.NewReader(body)
	}
	p, ok := Parse(r, resp.Request.URL)
	if !ok {
		return Page{}, ErrNoTitle
	}
	return p, nil
}

// Image fetches a page's image: a PNG, JPEG, GIF or WebP of at most 2 MiB.
func (f *Fetcher) Image(ctx context.Context, rawURL string) ([]byte, error) {
	body, _, err := f.get(ctx, rawURL, "image/webp,image/png,image/jpeg,image/gif", func(mediaType string) bool {
		return imaging.Reads(mediaType)
	})
	if err != nil {
		return nil, err
	}
	// The type the server declares and the one the bytes sniff as must both
	// be one imaging reads.
	if !imaging.Reads(http.DetectContentType(body)) {
		return nil, fmt.Errorf("%w: %s does not hold an image", ErrType, rawURL)
	}
	return body, nil
}

// get fetches rawURL and returns its body when the answer is 200, its type
// is one acceptable takes, and it is no larger than MaxBody.
func (f *Fetcher) get(ctx context.Context, rawURL, accept string, acceptable func(string) bool) ([]byte, *http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, nil, fmt.Errorf("%w: %q is not an http(s) address", netguard.ErrForbidden, rawURL)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("%w: %s", ErrStatus, resp.Status)
	}
	mediaType, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || !acceptable(mediaType) {
		return nil, nil, fmt.Errorf("%w: %q", ErrType, resp.Header.Get("Content-Type"))
	}
	if resp.ContentLength > MaxBody {
		return nil, nil, ErrTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, nil, err
	}
	if len(body) > MaxBody {
		return nil, nil, ErrTooLarge
	}
	return body, resp, nil
}
