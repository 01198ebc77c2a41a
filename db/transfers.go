package db

import (
	"context"
	"database/sql"
	"fmt"
)

// TransferEpoch returns the number the active person's sign-in links must
// carry to work (see migration 0003).
func (s *Store) TransferEpoch(ctx context.Context, userID int64) (int64, error) {
	var epoch int64
	err := s.r.QueryRowContext(ctx, `
		SELECT transfer_epoch FROM users WHERE id = ? AND status = 'active' AND role != 'bot'`, userID).Scan(&epoch)
	if err != nil {
		return 0, fmt.Errorf("db: transfer epoch: %w", notFound(err))
	}
	return epoch, nil
}

// UseTransfer spends a sign-in link carrying epoch: it succeeds once, for an
// active person, and makes every link they had stop working. ErrNotFound
// when the link was used, revoked, or its person can no longer sign in.
func (s *Store) UseTransfer(ctx context.Context, userID, epoch int64) error {
	res, err := s.w.ExecContext(ctx, `
		UPDATE users SET transfer_epoch = transfer_epoch + 1
		WHERE id = ? AND transfer_epoch = ? AND status = 'active' AND role != 'bot'`, userID, epoch)
	if err != nil {
		return fmt.Errorf("db: use transfer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// revokeTransfers makes the person's sign-in links stop working.
func revokeTransfers(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET transfer_epoch = transfer_epoch + 1 WHERE id = ?`, userID)
	return err
}
