package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/campfire-go/campfire/internal/files"
)

// SetAvatar records a user's new avatar (already written to the file
// storage), or removes it when avatar is nil, and returns the key it
// replaced ("" for none): release it once nothing else uses it. A user who
// does not exist is ErrNotFound.
func (s *Store) SetAvatar(ctx context.Context, userID int64, avatar *files.Blob) (string, error) {
	defer s.forgetSignIns()
	var old sql.NullString
	err := s.tx(ctx, func(tx cachedTx) error {
		if err := tx.QueryRowContext(ctx, `SELECT avatar_key FROM users WHERE id = ?`, userID).Scan(&old); err != nil {
			return notFound(err)
		}
		var key any
		if avatar != nil {
			if err := insertBlob(ctx, tx, *avatar); err != nil {
				return err
			}
			key = avatar.Key
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET avatar_key = ?, updated_at = ? WHERE id = ?`, key, now(), userID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("db: set avatar: %w", err)
	}
	s.renderedChanged()
	if avatar != nil && old.String == avatar.Key {
		return "", nil
	}
	return old.String, nil
}

// AvatarKey returns the key of a user's uploaded avatar, "" when they have
// none; ErrNotFound when there is no such user.
func (s *Store) AvatarKey(ctx context.Context, userID int64) (string, error) {
	var key sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT avatar_key FROM users WHERE id = ?`, userID).Scan(&key)
	if err != nil {
		return "", fmt.Errorf("db: avatar: %w", notFound(err))
	}
	return key.String, nil
}

// Logo is the account's logo: the keys of its squares of at most 512, 192
// and 32 pixels, all "" when there is none.
type Logo struct {
	Key, Key192, Key32 string
}

// Keys are the logo's blob keys, those set.
func (l Logo) Keys() []string {
	var out []string
	for _, k := range []string{l.Key, l.Key192, l.Key32} {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}

// AccountLogo returns the account's logo (all keys "" when none).
func (s *Store) AccountLogo(ctx context.Context) (Logo, error) {
	var a, b, c sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT logo_key, logo_192_key, logo_32_key FROM accounts LIMIT 1`).Scan(&a, &b, &c)
	if err != nil {
		return Logo{}, fmt.Errorf("db: logo: %w", notFound(err))
	}
	return Logo{a.String, b.String, c.String}, nil
}

// SetLogo records the account's new logo, its three squares already in the
// file storage (large, 192 and 32 px), or removes it when sizes is nil. It
// returns the logo it replaced, whose keys to release.
func (s *Store) SetLogo(ctx context.Context, sizes []files.Blob) (Logo, error) {
	if sizes != nil && len(sizes) != 3 {
		return Logo{}, fmt.Errorf("db: set logo: %d sizes, want 3", len(sizes))
	}
	var old Logo
	err := s.tx(ctx, func(tx cachedTx) error {
		var a, b, c sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT logo_key, logo_192_key, logo_32_key FROM accounts LIMIT 1`).Scan(&a, &b, &c); err != nil {
			return notFound(err)
		}
		old = Logo{a.String, b.String, c.String}
		keys := []any{nil, nil, nil}
		for i, blob := range sizes {
			if err := insertBlob(ctx, tx, blob); err != nil {
				return err
			}
			keys[i] = blob.Key
		}
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET logo_key = ?, logo_192_key = ?, logo_32_key = ?, updated_at = ?`,
			keys[0], keys[1], keys[2], now())
		return err
	})
	if err != nil {
		return Logo{}, fmt.Errorf("db: set logo: %w", err)
	}
	return old, nil
}
