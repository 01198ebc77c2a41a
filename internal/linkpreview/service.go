package linkpreview

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/imaging"
	"github.com/campfire-go/campfire/internal/model"
)

// queueSize bounds the messages waiting for a preview; past it a link gets
// none (a preview is a nicety, never worth memory or a post's time).
const queueSize = 256

// errNoLink is the outcome of an edit that took the message's link out.
var errNoLink = errors.New("the message has no link any more")

// workers is how many previews are made at once. Each has its own queue,
// and a message's jobs all go to one (by its id), so they run in order: the
// fetch of a post's link cannot finish after an edit changed the link and
// put its card over the new one.
const workers = 2

// ImageWidth is the widest a preview's image is kept: the card shows it
// small, and twice that covers sharp screens.
const ImageWidth = 400

// Publisher stores and removes previews and replaces the message live
// (chat.Service).
type Publisher interface {
	SetLinkPreview(ctx context.Context, messageID int64, p model.LinkPreview, image *files.Blob) error
	RemoveLinkPreview(ctx context.Context, messageID int64) error
}

// Options configure a Service.
type Options struct {
	// AllowLocal (CAMPFIRE_ALLOW_LOCAL_FETCH) lets previews come from this
	// host and the local networks: tests and development only.
	AllowLocal bool
	// Self is the app's own address (CAMPFIRE_URL), when known: links to it
	// get no preview, since fetched without a session every page of ours is
	// the sign-in page.
	Self string
	// Done, when set, is told each message whose preview was tried, with
	// the reason it got none (nil when it got one). Tests wait on it.
	Done func(messageID int64, err error)
}

// Service makes the previews of new messages in the background.
type Service struct {
	fetch *Fetcher
	files *files.Store
	pub   Publisher
	log   *slog.Logger
	done  func(int64, error)
	self  string // the app's own host, lower case, or ""

	queues [workers]chan job
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type job struct {
	messageID int64
	url       string // "" after an edit that took the link out
	// edited: the message's link changed in an edit, so the card it has
	// (of the link before) goes, whether or not the new link gets one.
	edited bool
}

// Start runs the workers and hangs the service on the chat service's posts
// and edits; preview images are kept in blobs. Close stops it.
func Start(chatSvc *chat.Service, blobs *files.Store, opt Options, log *slog.Logger) *Service {
	s := New(chatSvc, blobs, opt, log)
	chatSvc.AddHook(s.Hook)
	chatSvc.AddEditHook(s.EditHook)
	return s
}

// New returns a running Service publishing through pub, not yet hooked.
func New(pub Publisher, blobs *files.Store, opt Options, log *slog.Logger) *Service {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{fetch: NewFetcher(opt.AllowLocal), files: blobs, pub: pub, log: log, done: opt.Done, self: hostOf(opt.Self),
		ctx: ctx, cancel: cancel}
	for i := range s.queues {
		s.queues[i] = make(chan job, queueSize/workers)
		s.wg.Go(func() { s.run(s.queues[i]) })
	}
	return s
}

// Hook is a chat.Hook: it queues the first link of a new message, if any,
// and never waits.
func (s *Service) Hook(_ context.Context, _ model.SidebarRoom, p chat.Posted) {
	if u := s.previewable(p.Message.HTML); u != "" {
		s.enqueue(job{messageID: p.Message.ID, url: u})
	}
}

// EditHook is a chat.EditHook: when an edit changes a message's first link,
// the card follows it: the old one goes and the new link gets its own. An
// edit that leaves the link alone leaves the card alone, also one its
// creator removed.
func (s *Service) EditHook(_ context.Context, before, after model.Message) {
	u := s.previewable(after.HTML)
	if u == s.previewable(before.HTML) {
		return
	}
	if u == "" && after.Preview == nil {
		return
	}
	s.enqueue(job{messageID: after.ID, url: u, edited: true})
}

// previewable is the first link of a message's HTML that may get a card,
// or "".
func (s *Service) previewable(html string) string {
	u := FirstURL(html)
	if s.self != "" && hostOf(u) == s.self {
		return ""
	}
	return u
}

func (s *Service) enqueue(j job) {
	select {
	case s.queues[j.messageID%workers] <- j:
	default:
		s.log.Warn("link preview queue full; no preview", "message", j.messageID)
	}
}

// Close stops the workers; fetches in flight are abandoned.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

func (s *Service) run(queue <-chan job) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case j := <-queue:
			err := s.make(j)
			if err != nil && !errors.Is(err, context.Canceled) {
				// A page without a card is ordinary: nothing to warn about.
				s.log.Debug("no link preview", "message", j.messageID, "url", j.url, "error", err)
			}
			if s.done != nil {
				s.done(j.messageID, err)
			}
		}
	}
}

func (s *Service) make(j job) error {
	if j.edited {
		// The card of the link before goes first: a card that outlived its
		// link would point elsewhere than the message.
		if err := s.pub.RemoveLinkPreview(s.ctx, j.messageID); err != nil && !errors.Is(err, db.ErrNotFound) {
			return err
		}
		if j.url == "" {
			return errNoLink
		}
	}
	page, err := s.fetch.Page(s.ctx, j.url)
	if err != nil {
		return err
	}
	p := model.LinkPreview{URL: j.url, Title: page.Title, Description: page.Description}
	var image *files.Pending
	if page.ImageURL != "" && s.files != nil {
		// A card is still worth showing without its picture.
		if image, err = s.image(page.ImageURL, &p); err != nil {
			s.log.Debug("no link preview image", "url", page.ImageURL, "error", err)
		}
	}
	if image == nil {
		return s.pub.SetLinkPreview(s.ctx, j.messageID, p, nil)
	}
	// The image is on disk and pending until its row is committed; if the
	// message was deleted meanwhile (db.ErrNotFound), Collect removes it at
	// the next start.
	defer image.Release()
	return s.pub.SetLinkPreview(s.ctx, j.messageID, p, &image.Blob)
}

// image fetches a page's image, refuses what is not an image or is a
// decompression bomb, makes it at most ImageWidth wide and keeps it.
func (s *Service) image(rawURL string, p *model.LinkPreview) (*files.Pending, error) {
	data, err := s.fetch.Image(s.ctx, rawURL)
	if err != nil {
		return nil, err
	}
	img, _, err := imaging.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	img = imaging.Fit(img, ImageWidth)
	var buf bytes.Buffer
	if _, err := imaging.Encode(&buf, img); err != nil {
		return nil, err
	}
	pending, err := s.files.Put(&buf, MaxBody*4)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	p.ImageWidth, p.ImageHeight = b.Dx(), b.Dy()
	return pending, nil
}

// hostOf is the lower-case host (without port) of an address, or "".
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
