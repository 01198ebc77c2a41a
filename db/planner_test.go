package db

import (
	"context"
	"os"
	"strings"
	"testing"
)

// The Makefile builds SQLite with the planner stability guarantee; this holds
// the build to it (run through make, the flag is in the environment).
func TestPlannerStableWhenBuiltSo(t *testing.T) {
	if !strings.Contains(os.Getenv("CGO_CFLAGS"), "SQLITE_ENABLE_QPSG") {
		t.Skip("CGO_CFLAGS does not ask for SQLITE_ENABLE_QPSG; run through make")
	}
	s := openSearchStore(t)
	ok, err := s.PlannerStable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("CGO_CFLAGS asks for SQLITE_ENABLE_QPSG but SQLite was built without it")
	}
}
