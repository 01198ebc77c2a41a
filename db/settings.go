package db

import (
	"context"
	"fmt"
)

// Setting returns a stored server setting, or ErrNotFound.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err != nil {
		return "", notFound(err)
	}
	return v, nil
}

// SetSettingIfAbsent stores value under key unless one is there, and returns
// the value that is kept: the first writer wins, so concurrent starts agree.
func (s *Store) SetSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	if _, err := s.w.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", fmt.Errorf("db: set setting: %w", err)
	}
	var v string
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("db: read setting: %w", err)
	}
	return v, nil
}
