package perf

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// reportLatency adds the median and 99th percentile of the timed calls.
func reportLatency(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	at := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkReferenceHTTP is the ceiling for requests per second on this
// machine: a bare net/http handler answering a small body over loopback
// keep-alive connections, client and server in one process.
func BenchmarkReferenceHTTP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	}))
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	start := time.Now()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := hc.Get(srv.URL)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkReferenceSQLiteFTSInsert is the ceiling for the write path: one row
// per transaction into a table with a full-text index kept by a trigger, on
// the same driver and settings as the app's writer (WAL, synchronous NORMAL),
// without the event row, unread marks, rendering or HTTP.
func BenchmarkReferenceSQLiteFTSInsert(b *testing.B) {
	path := filepath.Join(b.TempDir(), "ref.db")
	w, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate&_cache_size=-16000")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE messages (id INTEGER PRIMARY KEY, room_id INTEGER NOT NULL, body_plain TEXT NOT NULL)`,
		`CREATE INDEX messages_room_idx ON messages (room_id, id)`,
		`CREATE VIRTUAL TABLE messages_fts USING fts5 (body_plain, content = 'messages', content_rowid = 'id',
			tokenize = 'porter unicode61 remove_diacritics 2')`,
		`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
			INSERT INTO messages_fts (rowid, body_plain) VALUES (new.id, new.body_plain); END`,
	} {
		if _, err := w.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	body := "Build 1234 finished: https://ci.example.com/builds/1234 (green), deploying to staging after lunch"
	start := time.Now()
	i := 0
	for b.Loop() {
		i++
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO messages (room_id, body_plain) VALUES (?, ?)`, i%100, body); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "inserts/s")
}

// BenchmarkReferenceSQLiteFTSInsertBatch is the same rows, 100 per transaction:
// what batching commits could buy.
func BenchmarkReferenceSQLiteFTSInsertBatch(b *testing.B) {
	path := filepath.Join(b.TempDir(), "ref.db")
	w, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE messages (id INTEGER PRIMARY KEY, room_id INTEGER NOT NULL, body_plain TEXT NOT NULL)`,
		`CREATE VIRTUAL TABLE messages_fts USING fts5 (body_plain, content = 'messages', content_rowid = 'id',
			tokenize = 'porter unicode61 remove_diacritics 2')`,
		`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
			INSERT INTO messages_fts (rowid, body_plain) VALUES (new.id, new.body_plain); END`,
	} {
		if _, err := w.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	rows := 0
	for b.Loop() {
		tx, err := w.Begin()
		if err != nil {
			b.Fatal(err)
		}
		for k := 0; k < 100; k++ {
			rows++
			if _, err := tx.Exec(`INSERT INTO messages (room_id, body_plain) VALUES (?, ?)`, rows%100,
				fmt.Sprintf("deploying build %d to staging after lunch", rows)); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "inserts/s")
}
