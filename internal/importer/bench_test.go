package importer_test

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/importer"
	"github.com/campfire-go/campfire/internal/importer/oncetest"
)

// BenchmarkImport imports a generated install of 20,000 messages per op; the
// million-message figure comes from `campfire-bench import` (docs/BENCHMARKS.md).
func BenchmarkImport(b *testing.B) {
	const n = 20000
	f, err := oncetest.Build(filepath.Join(b.TempDir(), "storage"), oncetest.Options{Messages: n})
	if err != nil {
		b.Fatal(err)
	}
	cpu := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := db.Open(context.Background(), filepath.Join(b.TempDir(), "campfire.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "messages/s")
	// CPU time says more than wall time on a shared machine; it includes
	// opening the targets, which is small beside 20,000 messages.
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(n*b.N), "cpu-µs/message")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
