package perf

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// searchQuery is the shape of a search: the newest 100 matches among the
// messages of the searcher's rooms. The search feature's own query lives with
// it; this measures what the schema allows.
const searchQuery = `SELECT m.id FROM messages_fts f JOIN messages m ON m.id = f.rowid
	WHERE messages_fts MATCH ? AND m.room_id IN (SELECT room_id FROM memberships WHERE user_id = ?)
	ORDER BY f.rowid DESC LIMIT 100`

// searchQueryRooms is the same with the rooms given as a list.
const searchQueryRooms = `SELECT m.id FROM messages_fts f JOIN messages m ON m.id = f.rowid
	WHERE messages_fts MATCH ? AND m.room_id IN (SELECT value FROM json_each(?))
	ORDER BY f.rowid DESC LIMIT 100`

var (
	searchOnce sync.Once
	searchPath string
	searchLay  Layout
	searchErr  error
)

func searchDB(b testing.TB) (string, Layout) {
	searchOnce.Do(func() { searchPath, searchLay, searchErr = SharedDB(context.Background()) })
	if searchErr != nil {
		b.Fatal(searchErr)
	}
	return searchPath, searchLay
}

// readOnly opens the file as the app's readers do.
func readOnly(b testing.TB, path string) *sql.DB {
	r, err := sql.Open("sqlite3", "file:"+path+"?_query_only=true&_journal_mode=WAL&_busy_timeout=5000&_cache_size=-16000")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

func BenchmarkSearch(b *testing.B) {
	path, l := searchDB(b)
	r := readOnly(b, path)
	ctx := context.Background()
	vocab := NewVocabulary(nil, 20_000)
	var total int
	_ = r.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&total)
	words := []struct{ name, q string }{
		{"common", vocab.Rank(0)}, // in most messages
		{"mid", vocab.Rank(300)},
		{"rare", vocab.Rank(5000)},
		{"prefix", "depl*"},
	}
	for _, w := range words {
		var n int
		if err := r.QueryRowContext(ctx, `SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?`, w.q).Scan(&n); err != nil {
			b.Fatal(err)
		}
		run := func(name, query string, arg any) {
			b.Run(fmt.Sprintf("%s/%s=%q/matches=%d/of=%d", name, w.name, w.q, n, total), func(b *testing.B) {
				var times []time.Duration
				for b.Loop() {
					t := time.Now()
					rows, err := r.QueryContext(ctx, query, w.q, arg)
					if err != nil {
						b.Fatal(err)
					}
					k := 0
					for rows.Next() {
						k++
					}
					rows.Close()
					times = append(times, time.Since(t))
					if k == 0 && n > 0 && name == "member" {
						b.Fatal("no results")
					}
				}
				reportLatency(b, times)
			})
		}
		// A member of the big rooms, where nearly every message is.
		run("member", searchQuery, int64(2))
		// Someone whose rooms hold a sliver of the messages: the worst case,
		// as the newest matches must be skipped until 100 are theirs.
		rooms, _ := json.Marshal([]int64{l.Fanout, l.Small[0]})
		run("narrow", searchQueryRooms, string(rooms))
	}
}

// TestSearchQueryPlan checks that the query walks the full-text index newest
// first and looks each match up by primary key, with no sort and no scan of
// messages.
func TestSearchQueryPlan(t *testing.T) {
	s := openStore(t)
	rows, err := s.Writer().QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+searchQuery, "deploy", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	all := strings.Join(plan, "\n")
	t.Logf("plan:\n%s", all)
	if !slices.ContainsFunc(plan, func(d string) bool { return strings.HasPrefix(d, "SCAN f VIRTUAL TABLE INDEX") }) {
		t.Errorf("the full-text index does not drive the query:\n%s", all)
	}
	if !slices.ContainsFunc(plan, func(d string) bool { return strings.HasPrefix(d, "SEARCH m USING INTEGER PRIMARY KEY") }) {
		t.Errorf("messages are not looked up by id:\n%s", all)
	}
	for _, bad := range []string{"USE TEMP B-TREE", "SCAN m"} {
		if strings.Contains(all, bad) {
			t.Errorf("plan has %q:\n%s", bad, all)
		}
	}
}
