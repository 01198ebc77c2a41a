package chat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/imaging"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// TooLargeError says an upload passed the size limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return "The file is too large: the most this server takes is " + views.FormatSize(e.Limit) + "."
}

// previewSlots bounds how many images are decoded at once: a decode may take
// up to imaging.MaxPixels × 4 bytes, and the machine has few cores.
const previewSlots = 2

// UseFiles lets the service keep messages' files in store, each at most
// maxUpload bytes. Call before serving; without it uploads are refused.
func (s *Service) UseFiles(store *files.Store, maxUpload int64) {
	s.files, s.maxUpload = store, maxUpload
	s.previews = make(chan struct{}, previewSlots)
}

// MaxUpload is the largest file an upload may carry.
func (s *Service) MaxUpload() int64 { return s.maxUpload }

// Upload is a file received for a message: on disk, inspected, not yet
// recorded. Post records it; Release it in any case once the post is over.
type Upload struct {
	fs      *files.Store
	idx     files.Index
	log     *slog.Logger
	att     db.NewAttachment
	pending []*files.Pending
}

// Filename is the cleaned name the file is shown under.
func (u *Upload) Filename() string { return u.att.Attachment.Filename }

// Release ends the upload: files that no row came to use are removed.
func (u *Upload) Release() {
	if u == nil || len(u.pending) == 0 {
		return
	}
	keys := make([]string, 0, len(u.pending))
	for _, p := range u.pending {
		p.Release()
		keys = append(keys, p.Key)
	}
	u.pending = nil
	if err := u.fs.RemoveUnused(context.Background(), u.idx, keys...); err != nil {
		u.log.Warn("remove unused upload", "error", err)
	}
}

// Upload streams r into the storage folder as a file named name (cleaned:
// never a path), then makes an image's preview. Errors: *TooLargeError past
// the limit (also when r is an http.MaxBytesReader that reached its own),
// *ValidationError for an empty file or an image with too many pixels, else
// r's own error (the client went away). An image that does not decode is
// kept as a plain file.
func (s *Service) Upload(ctx context.Context, r io.Reader, name string) (*Upload, error) {
	if s.files == nil {
		return nil, &ValidationError{"This server does not keep files."}
	}
	return KeepFile(ctx, FileKeeper{Files: s.files, Index: s.store, Log: s.log, Limit: s.maxUpload, Slots: s.previews}, r, name)
}

// FileKeeper says where KeepFile keeps a file and how.
type FileKeeper struct {
	Files *files.Store
	Index files.Index // what tells whether a blob is still in use
	Log   *slog.Logger
	Limit int64         // the largest file taken
	Slots chan struct{} // bounds the previews made at once; nil for no bound
}

// KeepFile is Upload for callers without a Service (campfire import): the
// same checks, the same preview, the same cleaned name.
func KeepFile(ctx context.Context, k FileKeeper, r io.Reader, name string) (*Upload, error) {
	p, err := k.Files.Put(r, k.Limit)
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, files.ErrTooLarge), errors.As(err, &mbe):
		return nil, &TooLargeError{Limit: k.Limit}
	case errors.Is(err, files.ErrEmpty):
		return nil, &ValidationError{"The file is empty."}
	case err != nil:
		return nil, err
	}
	u := &Upload{fs: k.Files, idx: k.Index, log: k.Log, pending: []*files.Pending{p}}
	u.att = db.NewAttachment{Blob: p.Blob, Attachment: model.Attachment{
		Filename: files.CleanName(name), ContentType: p.ContentType, ByteSize: p.Size, Key: p.Key,
	}}
	if imaging.Reads(p.ContentType) {
		if err := u.preview(ctx, k.Slots); err != nil {
			u.Release()
			return nil, err
		}
	}
	return u, nil
}

// Attachment is the row to record for the file, with its message.
func (u *Upload) Attachment() db.NewAttachment { return u.att }

// preview makes the image's preview, once, on upload. An image that does
// not decode becomes a plain download; one with too many pixels is refused.
func (u *Upload) preview(ctx context.Context, slots chan struct{}) error {
	if slots != nil {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	a := &u.att.Attachment
	f, err := u.fs.Open(a.Key)
	if err != nil {
		return fmt.Errorf("chat: preview: %w", err)
	}
	defer f.Close()
	pv, err := imaging.MakePreview(f)
	switch {
	case errors.Is(err, imaging.ErrTooManyPixels):
		return &ValidationError{fmt.Sprintf("The image is too large: at most %d megapixels.", imaging.MaxPixels/1_000_000)}
	case errors.Is(err, imaging.ErrNotImage):
		a.ContentType = "application/octet-stream"
		u.att.Blob.ContentType = a.ContentType
		return nil
	case err != nil:
		return fmt.Errorf("chat: preview: %w", err)
	}
	a.Width, a.Height = pv.Original.Width, pv.Original.Height
	a.PreviewKey, a.PreviewWidth, a.PreviewHeight = a.Key, pv.Width, pv.Height
	if pv.Data != nil {
		pp, err := u.fs.Put(bytes.NewReader(pv.Data), int64(len(pv.Data)))
		if err != nil {
			return fmt.Errorf("chat: preview: %w", err)
		}
		u.pending = append(u.pending, pp)
		pp.ContentType = pv.ContentType
		u.att.Preview = &pp.Blob
		a.PreviewKey = pp.Key
	}
	return nil
}

// ReleaseFiles forgets the blobs among keys ("" skipped) that nothing refers
// to any more and removes their files: after an avatar, a logo or a card was
// replaced or removed. A failure leaves them for the collection at the next
// start, so it is only logged.
func (s *Service) ReleaseFiles(ctx context.Context, keys ...string) {
	keys = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "" })
	if len(keys) == 0 {
		return
	}
	gone, err := s.store.ReleaseBlobs(context.WithoutCancel(ctx), keys)
	if err != nil {
		s.log.Warn("release files", "error", err)
		return
	}
	s.removeFiles(ctx, gone)
}

// removeFiles removes the files of blobs whose rows are gone.
func (s *Service) removeFiles(ctx context.Context, keys []string) {
	if s.files == nil || len(keys) == 0 {
		return
	}
	if err := s.files.RemoveUnused(context.WithoutCancel(ctx), s.store, keys...); err != nil {
		s.log.Warn("remove files", "error", err)
	}
}

// SweepFiles removes the files nothing uses any more after a change that
// removed messages wholesale (a room deleted with its messages).
func (s *Service) SweepFiles(ctx context.Context) {
	if s.files == nil {
		return
	}
	keys, err := s.store.DeleteUnreferencedBlobs(context.WithoutCancel(ctx))
	if err != nil {
		s.log.Warn("sweep files", "error", err)
		return
	}
	s.removeFiles(ctx, keys)
}

// OpenFile opens the stored file of a blob for reading.
func (s *Service) OpenFile(key string) (*os.File, error) {
	if s.files == nil {
		return nil, os.ErrNotExist
	}
	return s.files.Open(key)
}
