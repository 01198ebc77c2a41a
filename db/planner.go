package db

import (
	"context"
	"fmt"
)

// PlannerStable reports whether SQLite was built with its query planner
// stability guarantee (-DSQLITE_ENABLE_QPSG, which the Makefile sets). Without
// it SQLite re-plans a prepared join each time its parameters are bound, so
// every cached statement costs a parse and a plan again: correct, but about
// twice as slow. The server warns at start when it is missing.
func (s *Store) PlannerStable(ctx context.Context) (bool, error) {
	rows, err := s.r.QueryContext(ctx, "PRAGMA compile_options")
	if err != nil {
		return false, fmt.Errorf("db: compile options: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var opt string
		if err := rows.Scan(&opt); err != nil {
			return false, fmt.Errorf("db: compile options: %w", err)
		}
		if opt == "ENABLE_QPSG" {
			return true, nil
		}
	}
	return false, rows.Err()
}
