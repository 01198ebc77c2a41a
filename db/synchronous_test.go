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

func TestRefusesASchemaNewerThanItKnows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(ctx, path); err == nil {
		s.Close()
		t.Fatal("opened a database from the future")
	}
}

// BenchmarkCommit measures one small write transaction at each sync level:
// the price of CAMPFIRE_SYNCHRONOUS=full on this disk.
func BenchmarkCommit(b *testing.B) {
	for _, level := range []string{"NORMAL", "FULL"} {
		b.Run(level, func(b *testing.B) {
			ctx := context.Background()
			s, err := OpenWith(ctx, filepath.Join(b.TempDir(), "c.db"), Options{Synchronous: level})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := s.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, 'x')`, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
