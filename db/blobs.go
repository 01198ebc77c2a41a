package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/campfire-go/campfire/internal/files"
)

// insertBlob records a blob written to the storage folder, in the
// transaction that stores what refers to it. The same content recorded
// again is the same row.
func insertBlob(ctx context.Context, q queryer, b files.Blob) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO blobs (key, byte_size, content_type, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, b.Key, b.Size, b.ContentType, now())
	return err
}

// blobReferrers finds, in the schema, every column that refers to blobs
// (key): a table that keeps files only has to declare its foreign key.
func blobReferrers(ctx context.Context, q queryer) ([][2]string, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT m.name, f."from" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'blobs' ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return nil, err
		}
		out = append(out, [2]string{table, column})
	}
	return out, rows.Err()
}

// unreferencedCondition is the SQL condition that blobs.key is used by no row.
func unreferencedCondition(ctx context.Context, q queryer) (string, error) {
	refs, err := blobReferrers(ctx, q)
	if err != nil {
		return "", err
	}
	conds := []string{"1"}
	for _, r := range refs {
		conds = append(conds, fmt.Sprintf(`NOT EXISTS (SELECT 1 FROM "%s" WHERE "%s" = blobs.key)`, r[0], r[1]))
	}
	return strings.Join(conds, " AND "), nil
}

// deleteUnreferencedBlobs deletes, among keys (all blobs when keys is nil),
// the rows of those nothing refers to, and returns their keys: their files
// can go once the transaction has committed.
func deleteUnreferencedBlobs(ctx context.Context, q queryer, keys []string) ([]string, error) {
	cond, err := unreferencedCondition(ctx, q)
	if err != nil {
		return nil, err
	}
	query := `DELETE FROM blobs WHERE ` + cond
	var args []any
	if keys != nil {
		if len(keys) == 0 {
			return nil, nil
		}
		b, _ := json.Marshal(keys)
		query += ` AND key IN (SELECT value FROM json_each(?))`
		args = append(args, string(b))
	}
	return scanStrings(q.QueryContext(ctx, query+` RETURNING key`, args...))
}

// DeleteUnreferencedBlobs deletes the rows of every blob nothing refers to
// and returns their keys (files.Index).
func (s *Store) DeleteUnreferencedBlobs(ctx context.Context) ([]string, error) {
	var gone []string
	err := s.tx(ctx, func(tx cachedTx) error {
		var err error
		gone, err = deleteUnreferencedBlobs(ctx, tx, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: unreferenced blobs: %w", err)
	}
	return gone, nil
}

// ReleaseBlobs deletes the rows of those of keys nothing refers to and
// returns them: after a failed or duplicate upload, or the deletion of what
// used them. Their files go with files.Store.RemoveUnused.
func (s *Store) ReleaseBlobs(ctx context.Context, keys []string) ([]string, error) {
	var gone []string
	err := s.tx(ctx, func(tx cachedTx) error {
		var err error
		gone, err = deleteUnreferencedBlobs(ctx, tx, keys)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: release blobs: %w", err)
	}
	return gone, nil
}

// ExistingBlobs returns which of keys have a row (files.Index).
func (s *Store) ExistingBlobs(ctx context.Context, keys []string) (map[string]bool, error) {
	b, _ := json.Marshal(keys)
	rows, err := s.r.QueryContext(ctx, `SELECT key FROM blobs WHERE key IN (SELECT value FROM json_each(?))`, string(b))
	if err != nil {
		return nil, fmt.Errorf("db: existing blobs: %w", err)
	}
	defer rows.Close()
	out := make(map[string]bool, len(keys))
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("db: existing blobs: %w", err)
		}
		out[k] = true
	}
	return out, rows.Err()
}
