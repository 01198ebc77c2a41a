package db

import (
	"context"
	"path/filepath"
	"testing"
)

func TestSynchronousSetting(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		opt  string
		want int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{{"", 1}, {"normal", 1}, {"FULL", 2}, {"full", 2}} {
		s, err := OpenWith(ctx, filepath.Join(t.TempDir(), "c.db"), Options{Synchronous: tc.opt})
		if err != nil {
			t.Fatal(err)
		}
		var w, r int
		if err := s.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&w); err != nil {
			t.Fatal(err)
		}
		if err := s.r.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&r); err != nil {
			t.Fatal(err)
		}
		if w != tc.want || r != tc.want {
			t.Errorf("%q: writer %d readers %d, want %d", tc.opt, w, r, tc.want)
		}
		s.Close()
	}
	if _, err := OpenWith(ctx, filepath.Join(t.TempDir(), "c.db"), Options{Synchronous: "OFF"}); err == nil {
		t.Fatal("synchronous OFF accepted")
	}
}
