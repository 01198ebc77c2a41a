package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/imaging"
)

// Sizes Campfire in Go keeps pictures at (handlers/avatars.go, logo.go).
const avatarSide = 512

var logoSides = [3]int{512, 192, 32}

// noLimit is the upload limit of imported files: the source already took
// them. (Not math.MaxInt64: the storage reads one byte past a limit.)
const noLimit = 1 << 50

// activeFile is one Active Storage attachment: which record has it, and the
// blob holding its bytes.
type activeFile struct {
	recordType, name string
	recordID         int64
	key, filename    string
	created          int64
}

func (f activeFile) example() string {
	return strings.ToLower(f.recordType) + " " + strconv.FormatInt(f.recordID, 10) + " (" + f.filename + ")"
}

// broughtFiles are the files copied into the target's storage folder before
// the rows are written: messages' files by message id, avatars by user id,
// and the logo. Until their rows commit nothing refers to them, so release
// removes them again after a failed import and keeps them after a good one.
type broughtFiles struct {
	attachments map[int64]*chat.Upload
	created     map[int64]int64 // when each message's file was attached
	avatars     map[int64]files.Blob
	logo        *[3]files.Blob
	pending     []*files.Pending
}

func (b *broughtFiles) release(ctx context.Context, store *files.Store, index files.Index) error {
	if b == nil {
		return nil
	}
	for _, u := range b.attachments {
		u.Release()
	}
	keys := make([]string, 0, len(b.pending))
	for _, p := range b.pending {
		p.Release()
		keys = append(keys, p.Key)
	}
	return store.RemoveUnused(context.WithoutCancel(ctx), index, keys...)
}

// attachment is the file brought for a message, or nil.
func (b *broughtFiles) attachment(messageID int64) *chat.Upload {
	if b == nil {
		return nil
	}
	return b.attachments[messageID]
}

// copyFiles brings every message file, avatar and logo the source's Active
// Storage names into the target's storage folder, in the same way uploads
// are kept (content-addressed, synced, images previewed). A file that is
// missing or unreadable is reported and left behind; only a failure of the
// target (a full disk) stops the import.
func (ru *run) copyFiles(index files.Index) (*broughtFiles, error) {
	s := ru.src
	if !s.has("active_storage_attachments") || !s.has("active_storage_blobs") {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("a.record_type", "a.name", "a.record_id",
		"coalesce(b.key, '')", s.col("active_storage_blobs", "b", "filename", "''"), s.ms("active_storage_attachments", "a", "created_at"))+`
		FROM active_storage_attachments a
		LEFT JOIN active_storage_blobs b ON b.id = a.blob_id
		ORDER BY a.record_type, a.record_id, a.id`)
	if err != nil {
		return nil, fmt.Errorf("reading attachments: %w", err)
	}
	var list []activeFile
	for rows.Next() {
		var f activeFile
		if err := rows.Scan(&f.recordType, &f.name, &f.recordID, &f.key, &f.filename, &f.created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading attachments: %w", err)
		}
		list = append(list, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading attachments: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	if ru.opt.Storage == nil {
		for _, f := range list {
			ru.r.skip(ReasonNoStorage, f.example())
		}
		return nil, nil
	}
	b := &broughtFiles{attachments: map[int64]*chat.Upload{}, created: map[int64]int64{}, avatars: map[int64]files.Blob{}}
	keeper := chat.FileKeeper{Files: ru.opt.Storage, Index: index,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Limit: noLimit}
	ru.say("Copying %d files", len(list))
	for _, f := range list {
		if err := ru.ctx.Err(); err != nil {
			return b, err
		}
		if err := ru.copyFile(b, keeper, f); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (ru *run) copyFile(b *broughtFiles, keeper chat.FileKeeper, f activeFile) error {
	kind := f.recordType + "." + f.name
	switch kind {
	case "Message.attachment", "User.avatar", "Account.logo":
	default:
		ru.r.skip(ReasonOtherFile, kind+" of "+f.example())
		return nil
	}
	if kind == "Account.logo" && b.logo != nil {
		return nil // one account, one logo
	}
	src, err := ru.openSourceFile(f.key)
	if err != nil {
		ru.r.skip(ReasonFileMissing, f.example())
		return nil
	}
	defer src.Close()
	var invalid *chat.ValidationError
	switch kind {
	case "Message.attachment":
		up, err := chat.KeepFile(ru.ctx, keeper, src, f.filename)
		switch {
		case errors.As(err, &invalid):
			ru.r.skip(ReasonFileUnusable+": "+invalid.Error(), f.example())
			return nil
		case err != nil:
			return fmt.Errorf("copying the file of message %d: %w", f.recordID, err)
		}
		if old := b.attachments[f.recordID]; old != nil {
			old.Release() // Campfire keeps one file per message; so do we
		}
		b.attachments[f.recordID] = up
		b.created[f.recordID] = f.created
	case "User.avatar":
		img, _, err := imaging.Decode(src)
		if err != nil {
			ru.r.skip(ReasonPictureUnusable, f.example())
			return nil
		}
		p, err := keepSquare(ru.opt.Storage, img, avatarSide, false)
		if err != nil {
			return fmt.Errorf("copying the avatar of user %d: %w", f.recordID, err)
		}
		b.pending = append(b.pending, p)
		b.avatars[f.recordID] = p.Blob
	case "Account.logo":
		img, _, err := imaging.Decode(src)
		if err != nil {
			ru.r.skip(ReasonPictureUnusable, f.example())
			return nil
		}
		var logo [3]files.Blob
		for i, side := range logoSides {
			p, err := keepSquare(ru.opt.Storage, img, side, true)
			if err != nil {
				return fmt.Errorf("copying the account's logo: %w", err)
			}
			b.pending = append(b.pending, p)
			logo[i] = p.Blob
		}
		b.logo = &logo
	}
	return nil
}

// openSourceFile opens an Active Storage file: the Disk service keeps it
// under two folders named by the key's first four characters, in the storage
// folder itself or in its files/ folder.
func (ru *run) openSourceFile(key string) (*os.File, error) {
	if ru.opt.Files == "" || len(key) < 4 || strings.ContainsAny(key, `/\.`) {
		return nil, os.ErrNotExist
	}
	rel := filepath.Join(key[:2], key[2:4], key)
	f, err := os.Open(filepath.Join(ru.opt.Files, rel))
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.Open(filepath.Join(ru.opt.Files, "files", rel))
	}
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, os.ErrNotExist
	}
	return f, nil
}

// keepSquare stores img cropped to its centre square of at most side
// pixels, as avatars and logos uploaded to Campfire in Go are: a PNG for
// icons, else JPEG when opaque.
func keepSquare(store *files.Store, img image.Image, side int, asPNG bool) (*files.Pending, error) {
	var buf bytes.Buffer
	if err := imaging.EncodeSquare(&buf, img, side, asPNG); err != nil {
		return nil, err
	}
	return store.Put(&buf, int64(buf.Len()))
}

// avatarsAndLogo records the avatars of the people imported and the logo.
func (ru *run) avatarsAndLogo() error {
	b := ru.files
	if b == nil {
		return nil
	}
	for userID, blob := range b.avatars {
		if _, ok := ru.names[userID]; !ok {
			continue // a user not imported; the file goes with the release
		}
		if err := ru.im.Avatar(userID, blob); err != nil {
			return err
		}
		ru.r.Counts["avatars"]++
	}
	if b.logo != nil {
		if err := ru.im.Logo(*b.logo); err != nil {
			return err
		}
		ru.r.Counts["logo"] = 1
	}
	return nil
}
