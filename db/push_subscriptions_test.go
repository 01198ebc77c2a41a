package db

import (
	"context"
	"strings"
	"testing"
)

// Every post asks for its room's push targets: the room's memberships must
// drive the query, never a scan of all users or all subscriptions. The
// statistics are those ANALYZE wrote for the benchmark database (2,000 people,
// a room of 1,001), under which the planner once chose to scan users.
func TestPushTargetsPlanStartsFromTheRoom(t *testing.T) {
	s := openSearchStore(t)
	ctx := context.Background()
	conn, err := s.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		`ANALYZE`,
		`INSERT INTO sqlite_stat1 VALUES
			('memberships', 'sqlite_autoindex_memberships_1', '9190 1001 1'),
			('memberships', 'memberships_user_idx', '9190 6'),
			('users', 'sqlite_autoindex_users_2', '2000 2000'),
			('push_subscriptions', 'push_subscriptions_user_idx', '40 2')`,
		`ANALYZE sqlite_schema`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := queryPlan(ctx, conn, pushTargetsSQL, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(plan, "\n")
	if !strings.HasPrefix(plan[0], "SEARCH m USING INDEX") {
		t.Errorf("the outer loop is not the room's memberships:\n%s", joined)
	}
	for _, line := range plan {
		if strings.HasPrefix(line, "SCAN") {
			t.Errorf("the plan scans a table:\n%s", joined)
		}
	}
}
